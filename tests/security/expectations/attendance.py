"""Who may use the attendance app's pages (see tests/security/matrix.py).

Registers: class teachers their own classes; office staff, the attendance officer and the head any.
Figures: pupil pages for staff who see the pupil; school-wide figures for VIEW_ATTENDANCE_STATS.
Governors reach none of these pages (they get anonymised reports from the reports app).
"""

from datetime import date

from attendance.models import AbsenceCall, LeaveRequest, RegisterMark
from school import policy, withdrawal
from tests.security.matrix import NOBODY, Expect, roles_with, roles_with_any

DAY = date(2026, 11, 16)  # a Monday in the world's Autumn 2 half-term, before "today"


def setup(world):
    def mark(pupil, code="/", day=DAY):
        return RegisterMark.objects.create(
            school=pupil.school, pupil=pupil, date=day, session="AM", code=code
        )

    world.mark = mark(world.pupil)
    world.other_class_mark = mark(world.other_class_pupil)
    world.foreign_mark = mark(world.other_school_pupil)
    world.n_mark = mark(world.pupil, "N", date(2026, 11, 9))
    world.other_class_n_mark = mark(world.other_class_pupil, "N", date(2026, 11, 9))
    world.foreign_n_mark = mark(world.other_school_pupil, "N", date(2026, 11, 9))

    def leave(pupil):
        return LeaveRequest.objects.create(
            school=pupil.school,
            pupil=pupil,
            requested_by="Parent",
            start_date=date(2026, 12, 1),
            end_date=date(2026, 12, 2),
            reason="Family funeral",
            created_by=world.users["office_staff"],
        )

    world.leave = leave(world.pupil)
    world.foreign_leave = leave(world.other_school_pupil)

    def call(pupil, **withdrawn):
        return AbsenceCall.objects.create(
            school=pupil.school,
            pupil=pupil,
            caller_name="Mother",
            reason="Sick",
            code="I",
            first_date=DAY,
            last_date=DAY,
            recorded_by=world.users["office_staff"],
            **withdrawn,
        )

    withdrawn = {
        "withdrawn_at": "2026-11-16T10:00:00Z",
        "withdrawn_by": world.users["office_staff"],
        "withdrawal_reason": "Wrong pupil",
    }
    world.call = call(world.pupil)
    world.other_class_call = call(world.other_class_pupil)
    world.foreign_call = call(world.other_school_pupil)
    world.withdrawn_call = call(world.pupil, **withdrawn)
    world.other_class_withdrawn_call = call(world.other_class_pupil, **withdrawn)
    world.foreign_withdrawn_call = call(world.other_school_pupil, **withdrawn)


REGISTER = roles_with_any(policy.TAKE_OWN_REGISTERS, policy.TAKE_ANY_REGISTER)
REGISTER_OBJECT = REGISTER - {"other_school_teacher"}
VIEW_OBJECT = roles_with(policy.VIEW_PUPILS) - {"other_school_teacher"}
# Amending one mark: someone who may take that pupil's class register and sees the pupil.
AMEND = REGISTER_OBJECT & roles_with(policy.VIEW_PUPILS)
OFFICE = roles_with(policy.MANAGE_ATTENDANCE)
STATS = roles_with(policy.VIEW_ATTENDANCE_STATS)
DECIDE = roles_with(policy.DECIDE_LEAVE)
MANAGE = roles_with(policy.MANAGE_SCHOOL)  # the school calendar's closures
# Restoring a withdrawn record: the SENDCo or the head only, not the attendance officer or the office.
RESTORE = frozenset(str(role) for role in withdrawal.RESTORERS)


def _register(cls_attr):
    return lambda w: {"class_id": getattr(w, cls_attr).pk, "day": DAY, "session": "AM"}


EXPECTATIONS = {
    "attendance:register_list": Expect(get=REGISTER),
    "attendance:register_take": Expect(
        get=REGISTER_OBJECT,
        post=REGISTER_OBJECT,
        kwargs=_register("own_class"),
        foreign=_register("foreign_class"),
        class_scoped=_register("other_class"),
    ),
    "attendance:panel_my_registers": Expect(get=REGISTER),
    "attendance:panel_registers_not_taken": Expect(get=REGISTER),
    "attendance:mark_amend": Expect(
        get=AMEND,
        post=AMEND,
        kwargs=lambda w: {"mark_id": w.mark.pk},
        foreign=lambda w: {"mark_id": w.foreign_mark.pk},
        class_scoped=lambda w: {"mark_id": w.other_class_mark.pk},
    ),
    "attendance:closure_create": Expect(get=MANAGE, post=MANAGE),
    "attendance:office_dashboard": Expect(get=OFFICE),
    "attendance:n_queue": Expect(get=OFFICE),
    "attendance:absence_call_new": Expect(
        get=OFFICE,
        post=OFFICE,
        kwargs=lambda w: {"pupil_id": w.pupil.pk},
        foreign=lambda w: {"pupil_id": w.other_school_pupil.pk},
        class_scoped=lambda w: {"pupil_id": w.other_class_pupil.pk},
    ),
    "attendance:absence_call_withdraw": Expect(
        get=OFFICE,
        post=OFFICE,
        kwargs=lambda w: {"pk": w.call.pk},
        foreign=lambda w: {"pk": w.foreign_call.pk},
        class_scoped=lambda w: {"pk": w.other_class_call.pk},
    ),
    "attendance:absence_call_restore": Expect(
        get=NOBODY,
        post=RESTORE,
        kwargs=lambda w: {"pk": w.withdrawn_call.pk},
        foreign=lambda w: {"pk": w.foreign_withdrawn_call.pk},
        class_scoped=lambda w: {"pk": w.other_class_withdrawn_call.pk},
    ),
    "attendance:leave_list": Expect(get=OFFICE),
    "attendance:leave_new": Expect(
        get=OFFICE,
        post=OFFICE,
        kwargs=lambda w: {"pupil_id": w.pupil.pk},
        foreign=lambda w: {"pupil_id": w.other_school_pupil.pk},
    ),
    "attendance:leave_grant": Expect(
        get=NOBODY,
        post=DECIDE,
        kwargs=lambda w: {"leave_id": w.leave.pk},
        foreign=lambda w: {"leave_id": w.foreign_leave.pk},
    ),
    "attendance:leave_refuse": Expect(
        get=NOBODY,
        post=DECIDE,
        kwargs=lambda w: {"leave_id": w.leave.pk},
        foreign=lambda w: {"leave_id": w.foreign_leave.pk},
    ),
    "attendance:import_marks": Expect(get=OFFICE, post=OFFICE),
    "attendance:pupil_attendance": Expect(
        get=VIEW_OBJECT,
        kwargs=lambda w: {"pupil_id": w.pupil.pk},
        foreign=lambda w: {"pupil_id": w.other_school_pupil.pk},
        class_scoped=lambda w: {"pupil_id": w.other_class_pupil.pk},
    ),
    "attendance:panel_pupil": Expect(
        get=VIEW_OBJECT,
        kwargs=lambda w: {"pupil_id": w.pupil.pk},
        foreign=lambda w: {"pupil_id": w.other_school_pupil.pk},
        class_scoped=lambda w: {"pupil_id": w.other_class_pupil.pk},
    ),
    "attendance:class_attendance": Expect(
        get=VIEW_OBJECT,
        kwargs=lambda w: {"class_id": w.own_class.pk},
        foreign=lambda w: {"class_id": w.foreign_class.pk},
        class_scoped=lambda w: {"class_id": w.other_class.pk},
    ),
    "attendance:year_attendance": Expect(get=STATS, kwargs=lambda w: {"year": "3"}),
    "attendance:school_overview": Expect(get=STATS),
    "attendance:cohorts": Expect(get=STATS),
    "attendance:absence_list": Expect(get=STATS),
    "attendance:export": Expect(get=STATS),
}
