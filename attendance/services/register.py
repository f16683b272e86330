"""Saving a whole register: a constant number of queries whatever the size of the class, and two
people saving at once told apart by each mark's ``version`` (``RegisterConflict``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date as Date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from school import audit
from school.calendar import BOTH, SchoolCalendar
from school.models import Pupil

from .. import codes, part_time_sources, selectors
from ..code_origins import RESTRICTED_CODES, origin_problem
from ..models import RegisterMark
from .marks import (
    TRUSTED_FKS,
    ChangedMark,
    RegisterConflict,
    RegisterEntry,
    RegisterRefused,
    RegisterResult,
    audit_entry_for_mark,
    changed_mark,
    marks_amend,
    register_times,
    resolve_code,
    session_label,
)


# --- the register -------------------------------------------------------------------------------------
def register_save(
    *,
    actor,
    school,
    registration_class,
    date: Date,
    session: str,
    entries: Iterable[RegisterEntry],
    expected_versions: dict[int, int],
    reason: str = "",
    today: Date | None = None,
    calendar: SchoolCalendar | None = None,
) -> RegisterResult:
    """Save a whole class's register for one session in one transaction, or nothing at all.

    ``expected_versions`` maps pupil id -> the version of that pupil's mark when the form was
    loaded (0 when there was none). A blank code for a pupil without a mark is skipped; a blank
    code for a saved mark is refused (marks are never deleted). Changing a saved mark is an
    amendment and needs ``reason``.
    """
    today = today or timezone.localdate()
    if registration_class.school_id != school.pk:
        raise PermissionDenied("That class belongs to another school.")
    if session not in BOTH:
        raise RegisterRefused(general=["Choose the morning (AM) or afternoon (PM) session."])
    calendar = calendar or SchoolCalendar.for_school(school)
    if not calendar.is_session(date, session):
        raise RegisterRefused(
            general=[f"{date:%A %-d %B %Y} has no {session_label(session)} session: the school is closed."]
        )
    if date > today:
        raise RegisterRefused(general=["Registers cannot be taken for a future date."])

    entries = list(entries)
    reason = (reason or "").strip()
    late = is_late_register(school, day=date, session=session, now=timezone.localtime())
    in_class = Pupil.objects.in_class_on(registration_class, day=date).filter(pk=OuterRef("pk"))
    pupils = {
        p.pk: p
        for p in Pupil.objects.filter(school=school, pk__in=[e.pupil_id for e in entries]).annotate(
            in_class=Exists(in_class)
        )
    }
    errors: dict[int, list[str]] = {}
    for entry in entries:
        pupil = pupils.get(entry.pupil_id)
        # The class that day, not today's: a register for last term lists last term's class.
        if pupil is None or not pupil.in_class:
            errors.setdefault(entry.pupil_id, []).append("This pupil is not in this class.")
        elif not pupil.on_roll_at(date):
            errors.setdefault(entry.pupil_id, []).append(f"{pupil} is not on roll on {date:%-d %B %Y}.")
    if errors:
        raise RegisterRefused(errors, ["Some rows are for pupils who cannot be on this register."])

    # The query runs only when someone typed C, so a normal register keeps its constant query count.
    typed_c = [e.pupil_id for e in entries if codes.normalise(e.code or "") == "C"]
    leave_c = selectors.leave_c_granted(pupil_ids=typed_c, day=date, session=session) if typed_c else set()
    typed_c2 = [e.pupil_id for e in entries if codes.normalise(e.code or "") == "C2"]
    timetabled = part_time_sources.timetabled_out(pupil_ids=typed_c2, day=date, session=session)
    try:
        with transaction.atomic():
            return _register_save_locked(
                actor=actor,
                school=school,
                date=date,
                session=session,
                entries=entries,
                pupils=pupils,
                expected_versions=expected_versions,
                reason=reason,
                leave_c=leave_c,
                late=late,
                timetabled=timetabled,
            )
    except IntegrityError:
        # Another save inserted a mark for the same pupil and session between our read and our
        # insert; the unique constraint stopped the duplicate. Show what the other person saved.
        current = RegisterMark.objects.filter(
            pupil_id__in=list(pupils), date=date, session=session
        ).select_related("recorded_by", "updated_by")
        changes = [
            changed_mark(m, pupils[m.pupil_id])
            for m in current
            if m.version != expected_versions.get(m.pupil_id, 0)
        ]
        raise RegisterConflict(changes) from None


def is_late_register(school, *, day: Date, session: str, now) -> bool:
    """A register entered after it closed (a past day, or today after the closing time) is a late
    register: its marks are flagged in the record (docs/rules.md section 3)."""
    if day < now.date():
        return True
    if day > now.date():
        return False
    _, closes = register_times(school, session)
    return now.time() > closes


def _register_save_locked(
    *,
    actor,
    school,
    date,
    session,
    entries,
    pupils,
    expected_versions,
    reason,
    leave_c,
    timetabled=frozenset(),
    late=False,
):
    existing = {
        m.pupil_id: m
        for m in RegisterMark.objects.select_for_update(of=("self",))
        .select_related("recorded_by", "updated_by")
        .filter(pupil_id__in=list(pupils), date=date, session=session)
    }
    now = timezone.now()
    result = RegisterResult()
    errors: dict[int, list[str]] = {}
    conflicts: list[ChangedMark] = []
    to_create, changes = [], []

    for entry in entries:
        pupil = pupils[entry.pupil_id]
        mark = existing.get(entry.pupil_id)
        if not (entry.code or "").strip():
            if mark is not None:
                errors.setdefault(pupil.pk, []).append(
                    f"{pupil} already has {mark.code}; a saved mark cannot be removed, only changed."
                )
            elif entry.minutes_late is not None:
                errors.setdefault(pupil.pk, []).append("Enter a code as well as the minutes late.")
            continue
        try:
            code, minutes, converted = resolve_code(
                school=school, day=date, session=session, raw_code=entry.code, minutes_late=entry.minutes_late
            )
        except ValidationError as exc:
            errors.setdefault(pupil.pk, []).extend(exc.messages)
            continue
        unchanged = mark is not None and (mark.code, mark.minutes_late) == (code, minutes)
        if code in RESTRICTED_CODES and not unchanged:
            # The register is only open on a school session, for pupils on roll that day.
            problem = origin_problem(
                code,
                closed=False,
                on_roll=True,
                leave_granted=pupil.pk in leave_c,
                timetabled=pupil.pk in timetabled,
            )
            if problem:
                errors.setdefault(pupil.pk, []).append(problem)
                continue
        if converted:
            result.converted_to_u.append(str(pupil))
        if mark is None:
            new = RegisterMark(
                school=school,
                pupil=pupil,
                date=date,
                session=session,
                code=code,
                minutes_late=minutes,
                recorded_by=actor,
                recorded_at=now,
                updated_by=actor,
                updated_at=now,
                version=1,
                late_register=late,
            )
            new.full_clean(exclude=TRUSTED_FKS, validate_unique=False, validate_constraints=False)
            to_create.append(new)
            continue
        if (mark.code, mark.minutes_late) == (code, minutes):
            result.unchanged += 1
            continue
        if mark.version != expected_versions.get(pupil.pk, 0):
            conflicts.append(changed_mark(mark, pupil))
            continue
        changes.append((mark, code, minutes))

    if errors:
        raise RegisterRefused(errors, ["Nothing was saved. Check the highlighted rows."])
    if conflicts:
        raise RegisterConflict(conflicts)
    if changes and not reason:
        names = ", ".join(str(pupils[m.pupil_id]) for m, _, _ in changes)
        raise RegisterRefused(
            {m.pupil_id: ["Changing a saved mark needs a reason."] for m, _, _ in changes},
            [f"Give a reason for changing saved marks ({names}). Nothing was saved."],
        )

    if to_create:
        RegisterMark.objects.bulk_create(to_create)
        audit.record_bulk(
            actor=actor,
            action="attendance.mark.recorded",
            school=school,
            entries=[audit_entry_for_mark(m) for m in to_create],
        )
    if changes:
        marks_amend(actor=actor, marks=changes, reason=reason, school=school)
    result.recorded, result.amended = len(to_create), len(changes)
    result.late_register = late and bool(to_create)
    return result
