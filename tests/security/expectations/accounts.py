from datetime import date

from django.db import transaction

from accounts.models import LegalHold, RecordRequest
from school import policy
from school.audit import record
from tests.security.matrix import EVERY_STAFF_ROLE, NOBODY, Expect, roles_with


def setup(world):
    head = world.users["headteacher"]
    for name, pupil, school in (
        ("record_request", world.pupil, world.school),
        ("foreign_record_request", world.other_school_pupil, world.other_school),
    ):
        setattr(
            world,
            name,
            RecordRequest.objects.create(
                school=school,
                pupil=pupil,
                kind=RecordRequest.Kind.SUBJECT_ACCESS,
                requester_name="A Parent",
                requester_relationship="Mother",
                received_on=date(2026, 11, 20),
                due_on=date(2026, 12, 20),
                created_by=head,
            ),
        )
    # One transaction per hold with its audit row: the database refuses a hold unaudited, and browser
    # tests build this world in autocommit mode.
    with transaction.atomic():
        world.legal_hold = LegalHold.objects.create(
            school=world.school, pupil=world.pupil, reason="Claim", placed_by=head
        )
        record(actor=head, action="accounts.legal_hold.placed", obj=world.legal_hold, pupil=world.pupil)
    with transaction.atomic():
        world.foreign_legal_hold = LegalHold.objects.create(
            school=world.other_school, pupil=world.other_school_pupil, reason="Claim", placed_by=head
        )
        record(
            actor=head,
            action="accounts.legal_hold.placed",
            obj=world.foreign_legal_hold,
            pupil=world.other_school_pupil,
        )


RETENTION = roles_with(policy.MANAGE_RETENTION)
# Requests for records: the headteacher manages them, the DSL may read them (school/policy.py).
RECORDS_READ = roles_with(policy.VIEW_RECORD_REQUESTS)
RECORDS_MANAGE = roles_with(policy.MANAGE_RECORD_REQUESTS)


def _request(w):
    return {"pk": w.record_request.pk}


def _foreign_request(w):
    return {"pk": w.foreign_record_request.pk}


EXPECTATIONS = {
    # Everyone signed in may (re)set up their own authenticator and pass the second step.
    "accounts:mfa_enrol": Expect(get=EVERY_STAFF_ROLE, post=EVERY_STAFF_ROLE),
    "accounts:mfa_verify": Expect(get=EVERY_STAFF_ROLE, post=EVERY_STAFF_ROLE),
    "accounts:security": Expect(get=EVERY_STAFF_ROLE, post=NOBODY),
    "accounts:recovery_codes_new": Expect(get=NOBODY, post=EVERY_STAFF_ROLE),
    "accounts:login_history": Expect(get=roles_with(policy.VIEW_LOGIN_HISTORY), post=NOBODY),
    "accounts:lockout_reset": Expect(
        get=NOBODY,
        post=roles_with(policy.MANAGE_SCHOOL),
        kwargs=lambda w: {"user_id": w.users["class_teacher"].pk},
        foreign=lambda w: {"user_id": w.users["other_school_teacher"].pk},
    ),
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
    "accounts:record_request_list": Expect(get=RECORDS_READ, post=NOBODY),
    "accounts:record_request_panel": Expect(
        get=RECORDS_READ,
        post=NOBODY,
        kwargs=lambda w: {"pk": w.pupil.pk},
        foreign=lambda w: {"pk": w.other_school_pupil.pk},
    ),
    "accounts:record_request_create": Expect(
        get=RECORDS_MANAGE,
        post=RECORDS_MANAGE,
        kwargs=lambda w: {"pupil_id": w.pupil.pk},
        foreign=lambda w: {"pupil_id": w.other_school_pupil.pk},
    ),
    "accounts:record_request_detail": Expect(
        get=RECORDS_READ, post=NOBODY, kwargs=_request, foreign=_foreign_request
    ),
    "accounts:record_request_edit": Expect(
        get=RECORDS_MANAGE, post=RECORDS_MANAGE, kwargs=_request, foreign=_foreign_request
    ),
    "accounts:record_request_extend": Expect(
        get=RECORDS_MANAGE, post=RECORDS_MANAGE, kwargs=_request, foreign=_foreign_request
    ),
    "accounts:record_request_move": Expect(
        get=NOBODY, post=RECORDS_MANAGE, kwargs=_request, foreign=_foreign_request
    ),
    "accounts:record_item_decide": Expect(
        get=NOBODY, post=RECORDS_MANAGE, kwargs=_request, foreign=_foreign_request
    ),
    "accounts:record_request_export": Expect(
        get=RECORDS_MANAGE, post=NOBODY, kwargs=_request, foreign=_foreign_request
    ),
}
