"""Pre-coding sessions before the register is taken: absence calls from parents, granted leave."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date as Date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from school import audit
from school.calendar import SchoolCalendar
from school.models import Session

from .. import codes
from ..models import AbsenceCall, RegisterMark
from .marks import (
    TRUSTED_FKS,
    audit_entry_for_mark,
    marks_amend,
)


# --- pre-coding sessions (absence calls, granted leave) ----------------------------------------------
@dataclass
class PrecodeResult:
    recorded: int = 0
    amended: int = 0
    kept: list[RegisterMark] = field(default_factory=list)


def school_sessions(calendar, first: tuple[Date, str], last: tuple[Date, str], *, field: str):
    """`sessions_in_range`, refused beside `field` when the dates hold no school session at all."""
    sessions = sessions_in_range(calendar, *first, *last)
    if not sessions:
        raise ValidationError({field: "There are no school sessions between these dates."})
    return sessions


def sessions_in_range(calendar, first_date, first_session, last_date, last_session) -> list[tuple[Date, str]]:
    """School sessions from (first_date, first_session) to (last_date, last_session), inclusive."""
    order = {Session.AM: 0, Session.PM: 1}
    start_key, end_key = (first_date, order[first_session]), (last_date, order[last_session])
    return [
        (day, s)
        for day, s in calendar.sessions_between(first_date, last_date)
        if start_key <= (day, order[s]) <= end_key
    ]


def precode(*, actor, school, pupil, sessions, code, reason, replace=frozenset({"N"})) -> PrecodeResult:
    """Give `code` to each session without a mark, and to marks whose code is in `replace`.

    Other saved marks (a present mark, an illness already recorded) are kept and reported back.
    """
    result = PrecodeResult()
    if not sessions:
        return result
    existing = {
        (m.date, m.session): m
        for m in RegisterMark.objects.select_for_update(of=("self",)).filter(
            pupil=pupil, date__gte=sessions[0][0], date__lte=sessions[-1][0]
        )
    }
    now = timezone.now()
    to_create, changes = [], []
    for day, session in sessions:
        if not pupil.on_roll_at(day):
            continue
        mark = existing.get((day, session))
        if mark is None:
            new = RegisterMark(
                school=school,
                pupil=pupil,
                date=day,
                session=session,
                code=code,
                recorded_by=actor,
                recorded_at=now,
                updated_by=actor,
                updated_at=now,
            )
            new.full_clean(exclude=TRUSTED_FKS, validate_unique=False, validate_constraints=False)
            to_create.append(new)
        elif mark.code in replace and mark.code != code:
            changes.append((mark, code, None))
        elif mark.code != code:
            result.kept.append(mark)
    if to_create:
        RegisterMark.objects.bulk_create(to_create)
        audit.record_bulk(
            actor=actor,
            action="attendance.mark.recorded",
            school=school,
            entries=[audit_entry_for_mark(m, reason=reason) for m in to_create],
        )
    if changes:
        marks_amend(actor=actor, marks=changes, reason=reason, school=school)
    result.recorded, result.amended = len(to_create), len(changes)
    return result


def precode_clear(*, actor, school, pupil, sessions, code, reason, after: Date) -> int:
    """Remove pre-codes ``code`` from those of ``sessions`` that fall after ``after`` (the future).

    For a decision that pre-coded sessions and has since ended (a part-time timetable ended early or
    withdrawn). A session after ``after`` has not happened, so its mark is only a pre-code, not a
    register entry: it is deleted, and an audit row (``attendance.mark.precode_removed``) keeps what
    it was and why it went. Marks on or before ``after`` stay: they are the register, and any change
    to them is an amendment with its reason. Returns the number removed.
    """
    wanted = {(day, s) for day, s in sessions if day > after}
    if not wanted:
        return 0
    candidates = RegisterMark.objects.select_for_update(of=("self",)).filter(
        pupil=pupil, code=code, date__gt=after, date__lte=max(day for day, _ in wanted)
    )
    gone = [m for m in candidates if (m.date, m.session) in wanted]
    if not gone:
        return 0
    entries = []
    for mark in gone:
        entry = audit_entry_for_mark(mark, reason=reason)
        entry["before"], entry["after"] = entry["after"], None
        entries.append(entry)
    RegisterMark.objects.filter(pk__in=[m.pk for m in gone]).delete()
    audit.record_bulk(actor=actor, action="attendance.mark.precode_removed", school=school, entries=entries)
    return len(gone)


#: Codes an absence call can give: the reasons a parent can give (illness, a medical appointment,
#: religious observance, an interview, a travelling family), or G or O when the school does not accept
#: the reason. The other authorised codes record the school's own decisions and have their own
#: workflows: leave of absence (C) is granted by the headteacher through a leave request, C1 needs a
#: licence or the head's approval, C2 is an agreed part-time timetable, E an exclusion and S study leave.
CALL_CODES = [c for c in codes.CODES if c in {"I", "M", "R", "J1", "T", "G", "O"}]


@transaction.atomic
def absence_call_record(
    *,
    actor,
    school,
    pupil,
    reason: str,
    code: str,
    first_date: Date,
    last_date: Date,
    first_session: str = Session.AM,
    last_session: str = Session.PM,
    method: str = AbsenceCall.Method.PHONE,
    caller_contact=None,
    caller_name: str = "",
    expected_return: Date | None = None,
    calendar: SchoolCalendar | None = None,
) -> tuple[AbsenceCall, PrecodeResult]:
    """Record a parent's explanation and code the sessions it covers (past N marks and future sessions)."""
    code = codes.normalise(code)
    if code not in CALL_CODES:
        raise ValidationError({"code": f"{code or 'That'} is not a code an absence call can give."})
    if caller_contact is not None and not pupil.contact_links.filter(contact=caller_contact).exists():
        raise ValidationError({"caller_contact": "That person is not one of this pupil's contacts."})
    call = AbsenceCall(
        school=school,
        pupil=pupil,
        caller_contact=caller_contact,
        caller_name=caller_name,
        method=method,
        reason=reason,
        code=code,
        first_date=first_date,
        first_session=first_session,
        last_date=last_date,
        last_session=last_session,
        expected_return=expected_return,
        recorded_by=actor,
    )
    call.full_clean()
    calendar = calendar or SchoolCalendar.for_school(school)
    # A call that codes nothing would sit in the office's list looking like a real one.
    sessions = school_sessions(
        calendar, (first_date, first_session), (last_date, last_session), field="first_date"
    )
    call.save()
    audit.record(
        actor=actor, action="attendance.call.recorded", obj=call, after=audit.snapshot(call), reason=reason
    )
    result = precode(
        actor=actor,
        school=school,
        pupil=pupil,
        sessions=sessions,
        code=code,
        reason=f"Absence call ({call.get_method_display().lower()}): {reason}"[:500],
    )
    return call, result
