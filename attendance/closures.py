"""Adding a closure to the school calendar, and what happens to marks already on its sessions.

A closure removes its sessions from the calendar, so their registers can no longer be opened. Marks
already there (a register taken before the closure was known, or sessions pre-coded by an absence call
or granted leave) would otherwise keep counting as possible sessions nobody can correct. So adding a
closure to a session with marks is refused until the person confirms, having been told how many marks
there are; confirming recodes them with the closure's code (``#`` planned, ``Y4`` unexpected; see
``attendance.code_origins.closure_code``) as statutory amendments with a reason, in the same
transaction as the closure. Keeping the day open is the other choice: nothing is saved.

The calendar lives in the school app, which cannot see marks; this service wraps
``school.services.closure_day_create`` and is the only way the pages add a closure.
"""

from __future__ import annotations

from datetime import date as Date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import ngettext

from school import audit
from school import services as school_services
from school.calendar import BOTH
from school.models import ClosureDay

from .code_origins import closure_code
from .models import RegisterMark
from .services import marks_amend


class ClosureHasMarks(Exception):
    """The closure's sessions hold marks; nothing was saved. Ask, then call again with ``marks_seen``."""

    def __init__(self, count: int, code: str):
        self.count, self.code = count, code
        super().__init__(
            ngettext("%d mark on the sessions", "%d marks on the sessions", count) % count
            + " this closure covers"
        )


def closed_sessions(sessions: str) -> tuple[str, ...]:
    return BOTH if sessions == ClosureDay.Sessions.BOTH else (sessions,)


@transaction.atomic
def closure_add(
    *,
    actor,
    school,
    date: Date,
    kind: str,
    sessions: str = ClosureDay.Sessions.BOTH,
    reason: str = "",
    marks_seen: int | None = None,
) -> tuple[ClosureDay, int]:
    """Add the closure and recode the marks on its sessions; return (closure, marks recoded).

    ``marks_seen`` is the count the person confirmed. When the sessions hold marks to recode and it
    is not that number (not asked yet, or someone took a register meanwhile), raise ClosureHasMarks.
    """
    if ClosureDay.objects.filter(school=school, date=date).exists():  # before asking about marks
        raise ValidationError({"date": "There is already a closure on that day."})
    school_services.closure_date_check(school=school, day=date)  # before asking about marks
    code = closure_code(kind)
    marks = list(
        RegisterMark.objects.select_for_update(of=("self",))
        .filter(school=school, date=date, session__in=closed_sessions(sessions))
        .exclude(code=code)
        .order_by("pk")
    )
    if marks and marks_seen != len(marks):
        raise ClosureHasMarks(len(marks), code)
    closure = school_services.closure_day_create(
        actor=actor, school=school, date=date, kind=kind, sessions=sessions, reason=reason
    )
    if marks:
        why = f"School closed: {closure.get_kind_display().lower()}"
        why += f" ({reason})" if reason else ""
        marks_amend(actor=actor, marks=[(m, code, None) for m in marks], reason=why[:500], school=school)
        audit.record(
            actor=actor,
            action="attendance.closure.marks_recoded",
            obj=closure,
            after={"date": date.isoformat(), "sessions": sessions, "code": code, "marks": len(marks)},
            reason=why,
            school=school,
        )
    return closure, len(marks)
