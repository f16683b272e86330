"""The nightly run's N deadline task: N marks that must become O on the next school day.

An N is replaced within 5 school days after its session (docs/rules.md section 3). The night after
school day ``on`` looks at the next school day: every pupil with an N whose fifth school day it is
(or that is already past it) gets one task on the office's and the attendance officer's My work,
"must become O today", naming the sessions. The key is the pupil's oldest such N, so repeating the
night (or a catch-up run) adds nothing twice, and a later absence gets its own task.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from attendance.absence_days import N_DEADLINE_SCHOOL_DAYS
from attendance.models import RegisterMark
from school.calendar import SchoolCalendar

from .triggers import ATTENDANCE_OFFICER, AlertDraft, Kind

OFFICE_STAFF = "office_staff"


def n_deadline_drafts(
    *, school, on: date, calendar: SchoolCalendar | None = None
) -> list[tuple[int, AlertDraft]]:
    """(pupil id, draft) for each pupil whose N marks must become O on the school day after ``on``."""
    calendar = calendar or SchoolCalendar.for_school(school)
    try:
        next_day = calendar.add_school_days(on, 1)
    except ValueError:  # the calendar ends here: the first night of the next year catches up
        return []
    due: dict[int, list[tuple[date, str]]] = defaultdict(list)
    marks = RegisterMark.objects.filter(school=school, code="N", date__lte=on).values_list(
        "pupil_id", "date", "session"
    )
    for pupil_id, day, session in marks.order_by("date", "session"):
        if calendar.school_days_since(day, today=next_day) >= N_DEADLINE_SCHOOL_DAYS:
            due[pupil_id].append((day, session))
    drafts = []
    for pupil_id, sessions in due.items():
        names = ", ".join(f"{d:%a %-d %b} {s}" for d, s in sessions)
        drafts.append(
            (
                pupil_id,
                AlertDraft(
                    kind=Kind.N_MUST_BECOME_O,
                    period_key=f"n-{sessions[0][0].isoformat()}",
                    message=(
                        f"Must become O on {next_day:%A %-d %B} unless the reason is known: {names} "
                        f"(N is replaced within {N_DEADLINE_SCHOOL_DAYS} school days). Record the reason "
                        "or change them to O on the N queue."
                    ),
                    figures={"sessions": len(sessions), "due_on": next_day.isoformat()},
                    for_roles=(OFFICE_STAFF, ATTENDANCE_OFFICER),
                ),
            )
        )
    return drafts
