from accounts.models import LegalHold
from school import policy
from school.audit import record
from tests.security.matrix import EVERY_STAFF_ROLE, NOBODY, Expect, roles_with


def setup(world):
    head = world.users["headteacher"]
    world.legal_hold = LegalHold.objects.create(
        school=world.school, pupil=world.pupil, reason="Claim", placed_by=head
    )
    world.foreign_legal_hold = LegalHold.objects.create(
        school=world.other_school, pupil=world.other_school_pupil, reason="Claim", placed_by=head
    )
    for hold in (world.legal_hold, world.foreign_legal_hold):  # the database refuses a hold unaudited
        record(actor=head, action="accounts.legal_hold.placed", obj=hold, pupil=hold.pupil)


RETENTION = roles_with(policy.MANAGE_RETENTION)

EXPECTATIONS = {
    # Everyone signed in may (re)set up their own authenticator and pass the second step.
    "accounts:mfa_enrol": Expect(get=EVERY_STAFF_ROLE, post=EVERY_STAFF_ROLE),
    "accounts:mfa_verify": Expect(get=EVERY_STAFF_ROLE, post=EVERY_STAFF_ROLE),
    "accounts:security": Expect(get=EVERY_STAFF_ROLE, post=NOBODY),
    "accounts:recovery_codes_new": Expect(get=NOBODY, post=EVERY_STAFF_ROLE),
    "accounts:login_history": Expect(get=roles_with(policy.VIEW_LOGIN_HISTORY), post=NOBODY),
    "accounts:retention_report": Expect(get=RETENTION, post=NOBODY),
    "accounts:retention_delete": Expect(
        get=RETENTION,
        post=RETENTION,
        kwargs=lambda w: {"pupil_id": w.pupil.pk},
        foreign=lambda w: {"pupil_id": w.other_school_pupil.pk},
    ),
    "accounts:legal_hold_create": Expect(
        get=RETENTION,
        post=RETENTION,
        kwargs=lambda w: {"pupil_id": w.pupil.pk},
        foreign=lambda w: {"pupil_id": w.other_school_pupil.pk},
    ),
    "accounts:legal_hold_lift": Expect(
        get=NOBODY,
        post=RETENTION,
        kwargs=lambda w: {"pk": w.legal_hold.pk},
        foreign=lambda w: {"pk": w.foreign_legal_hold.pk},
    ),
}
