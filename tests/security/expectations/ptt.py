"""Who may use the part-time timetable pages (send/views/timetables.py; see tests/security/matrix.py).

The SENDCo and the headteacher (MANAGE_SEND) open, review, end and withdraw part-time timetables and see
the school's list with its flags. Everyone who works with the pupil (VIEW_SEND, class staff for their
own classes) sees the pupil's SEND page panel with the agreed sessions. Governors reach none of it.
"""

from django.utils import timezone

from school import policy
from send.models import PartTimeSession, PartTimeTimetable
from tests.security.matrix import NOBODY, Expect, roles_with

MANAGE = roles_with(policy.MANAGE_SEND)
VIEW_OBJECT = roles_with(policy.VIEW_SEND) - {"other_school_teacher"}


def _timetable(world, pupil):
    today = timezone.localdate()
    timetable = PartTimeTimetable.objects.create(
        school=pupil.school,
        pupil=pupil,
        reason="medical",
        reason_detail="Mornings only after an operation",
        start_date=today,
        end_date=today,
        risk_assessment_on=today,
        next_review_due=today,
        opened_by=world.users["sendco"],
        opened_at=timezone.now(),
    )
    PartTimeSession.objects.create(timetable=timetable, weekday=0, session="AM")
    return timetable


def setup(world):
    world.ptt_timetable = _timetable(world, world.pupil)
    world.ptt_other_class_timetable = _timetable(world, world.other_class_pupil)
    world.ptt_foreign_timetable = _timetable(world, world.other_school_pupil)


def _pupil_page(get, post=NOBODY):
    return Expect(
        get=get,
        post=post,
        kwargs=lambda w: {"pk": w.pupil.pk},
        foreign=lambda w: {"pk": w.other_school_pupil.pk},
        class_scoped=lambda w: {"pk": w.other_class_pupil.pk},
    )


def _timetable_page(get, post=NOBODY):
    return Expect(
        get=get,
        post=post,
        kwargs=lambda w: {"pk": w.ptt_timetable.pk},
        foreign=lambda w: {"pk": w.ptt_foreign_timetable.pk},
        class_scoped=lambda w: {"pk": w.ptt_other_class_timetable.pk},
    )


EXPECTATIONS = {
    "send:timetable_list": Expect(get=MANAGE),
    "send:timetable_open": _pupil_page(MANAGE, MANAGE),
    "send:panel_pupil_timetables": _pupil_page(VIEW_OBJECT),
    "send:timetable_detail": _timetable_page(MANAGE),
    "send:timetable_review": _timetable_page(MANAGE, MANAGE),
    "send:timetable_end": _timetable_page(MANAGE, MANAGE),
    "send:timetable_withdraw": _timetable_page(MANAGE, MANAGE),
}
