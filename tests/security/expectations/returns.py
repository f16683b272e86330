"""Who may use the returns to the local authority (see tests/security/matrix.py).

The returns are the attendance officer's, the office's and the headteacher's work (MANAGE_ATTENDANCE):
the list, the "check now" button, one return's contents and "record as sent", and the monthly
attendance return CSV. Another school's return is not found.
"""

from datetime import timedelta

from django.utils import timezone

from graduated_response.models import LAReturn
from school import policy
from tests.security.matrix import Expect, roles_with

MANAGE = roles_with(policy.MANAGE_ATTENDANCE)


def _return(pupil):
    today = timezone.localdate()
    return LAReturn.objects.create(
        school=pupil.school,
        pupil=pupil,
        kind=LAReturn.Kind.NEW_PUPIL,
        period_key=today.isoformat(),
        due_on=today + timedelta(days=5),
        reason="Admitted today.",
        contents={"upn": pupil.upn},
    )


def setup(world):
    world.la_return = _return(world.pupil)
    world.la_return_class = _return(world.other_class_pupil)
    world.la_return_foreign = _return(world.other_school_pupil)


def _on(*, get=True, post=True):
    return Expect(
        get=MANAGE if get else frozenset(),
        post=MANAGE if post else frozenset(),
        kwargs=lambda w: {"pk": w.la_return.pk},
        foreign=lambda w: {"pk": w.la_return_foreign.pk},
        class_scoped=lambda w: {"pk": w.la_return_class.pk},
    )


EXPECTATIONS = {
    "graduated_response:la_returns": Expect(get=MANAGE),
    "graduated_response:la_returns_refresh": Expect(get=frozenset(), post=MANAGE),
    "graduated_response:la_return_detail": _on(post=False),
    "graduated_response:la_return_sent": _on(get=False),
    "graduated_response:la_monthly_return": Expect(get=MANAGE),
    "attendance:reconciliation": Expect(get=roles_with(policy.VIEW_ATTENDANCE_STATS)),
    "graduated_response:previous_school_setting": Expect(
        get=roles_with(policy.EDIT_TIERS), post=roles_with(policy.EDIT_TIERS)
    ),
}
