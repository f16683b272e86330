"""Every write to attendance records: registers, amendments, absence calls, the N queue, leave.

Each service is keyword-only, atomic, validates with ``full_clean()`` and writes its audit rows
(``attendance.mark.recorded``, ``attendance.mark.amended``, ``attendance.call.recorded``,
``attendance.leave.requested``, ``attendance.leave.granted``, ``attendance.leave.refused``).

Saving a register takes a constant number of queries whatever the size of the class: the pupils,
the existing marks (locked), one bulk insert, one bulk update, one insert of amendments and the
audit rows. Two people saving at once are told apart by each mark's ``version``: a mark that
changed after the form was loaded is never overwritten silently (``RegisterConflict``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date as Date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import ngettext

from school import audit, editing
from school.calendar import BOTH, SchoolCalendar
from school.models import Pupil, Session

from . import codes, lateness
from .code_origins import RESTRICTED_CODES, origin_problem
from .models import AbsenceCall, LeaveRequest, LeaveRequestEvent, MarkAmendment, RegisterMark

#: Reason written on an N turned into O after five school days (docs/rules.md section 3).
N_TO_O_REASON = "No reason for the absence was established within 5 school days."
N_AGE_LIMIT = 5
# Foreign keys set from objects already loaded in the service; validating them would cost a query
# per mark (ForeignKey.validate looks each one up), breaking the constant-query register save.
_TRUSTED_FKS = ["school", "pupil", "recorded_by", "updated_by"]


# --- results and refusals -----------------------------------------------------------------------
@dataclass(frozen=True)
class RegisterEntry:
    """What was typed on one row of the register."""

    pupil_id: int
    code: str
    minutes_late: int | None = None


class RegisterRefused(Exception):
    """Nothing was saved. ``errors`` maps pupil id -> messages; ``general`` applies to the whole register."""

    def __init__(self, errors: dict[int, list[str]] | None = None, general: Iterable[str] = ()):
        self.errors = errors or {}
        self.general = list(general)
        super().__init__("; ".join(self.general) or "The register has errors.")


@dataclass(frozen=True)
class ChangedMark:
    pupil_id: int
    pupil_name: str
    code: str
    minutes_late: int | None
    version: int
    changed_by: str
    changed_at: object


class RegisterConflict(Exception):
    """Someone else changed these marks after the form was loaded; nothing was saved."""

    def __init__(self, changes: list[ChangedMark]):
        self.changes = changes
        n = len(changes)
        super().__init__(
            ngettext("%d mark changed", "%d marks changed", n) % n + " since the register was opened"
        )


@dataclass
class RegisterResult:
    recorded: int = 0
    amended: int = 0
    unchanged: int = 0
    converted_to_u: list[str] = field(default_factory=list)


# --- helpers ----------------------------------------------------------------------------------------
def session_code(code: str, session: str) -> str:
    """``/`` is the morning's present mark and ``\\`` the afternoon's; typing either is accepted."""
    if code in ("/", "\\"):
        return "/" if session == Session.AM else "\\"
    return code


def _register_times(school, session):
    if session == Session.AM:
        return school.am_register_opens, school.am_register_closes
    return school.pm_register_opens, school.pm_register_closes


def resolve_code(
    *, school, day, session, raw_code, minutes_late, late_needs_minutes: bool = True
) -> tuple[str, int | None, bool]:
    """Check one typed code; return (code, minutes, converted_to_u) or raise ValidationError.

    The register's rules, shared by the register screen, amendments and the CSV import. The import
    passes ``late_needs_minutes=False``: MIS exports often hold ``L`` without the minutes, and such a
    mark is kept as ``L`` because there is no arrival time to judge against the register's close.
    """
    code = session_code(codes.normalise(raw_code), session)
    try:
        code = codes.lookup(code, on=day).code
    except codes.UnknownCode as exc:
        raise ValidationError(str(exc)) from None
    if minutes_late is not None and code not in codes.LATE_CODES:
        raise ValidationError(f"Minutes late go only with L or U, not {code}.")
    if code == "L":
        if minutes_late is None:
            if not late_needs_minutes:
                return code, None, False
            raise ValidationError("Enter how many minutes late the pupil arrived for L.")
        opens, closes = _register_times(school, session)
        if lateness.late_code(minutes_late=minutes_late, opens=opens, closes=closes) == "U":
            return "U", minutes_late, True
    return code, minutes_late, False


def _changed_by(mark) -> str:
    who = mark.updated_by or mark.recorded_by
    return str(who) if who else "the system"


def audit_entry_for_mark(mark, *, before=None, reason=""):
    after = {
        "code": mark.code,
        "minutes_late": mark.minutes_late,
        "date": mark.date.isoformat(),
        "session": mark.session,
        "version": mark.version,
    }
    return {
        "object_type": "attendance.registermark",
        "object_id": mark.pk,
        "object_repr": f"{mark.date:%d %b %Y} {mark.session}: {mark.code}",
        "pupil_id": mark.pupil_id,
        "before": before,
        "after": after,
        "reason": reason,
    }


def leave_c_granted(*, pupil_ids, day, session) -> set[int]:
    """Pupils among ``pupil_ids`` whose granted leave request with code C covers (day, session)."""
    order = {Session.AM: 0, Session.PM: 1}
    key = (day, order[session])
    granted = LeaveRequest.objects.filter(
        pupil_id__in=list(pupil_ids),
        status=LeaveRequest.Status.GRANTED,
        code="C",
        start_date__lte=day,
        end_date__gte=day,
    ).values_list("pupil_id", "start_date", "start_session", "end_date", "end_session")
    return {
        pupil_id
        for pupil_id, start, start_s, end, end_s in granted
        if (start, order[start_s]) <= key <= (end, order[end_s])
    }


def _session_label(session):
    return "morning" if session == Session.AM else "afternoon"


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
            general=[f"{date:%A %-d %B %Y} has no {_session_label(session)} session: the school is closed."]
        )
    if date > today:
        raise RegisterRefused(general=["Registers cannot be taken for a future date."])

    entries = list(entries)
    reason = (reason or "").strip()
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
    leave_c = leave_c_granted(pupil_ids=typed_c, day=date, session=session) if typed_c else set()
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
            )
    except IntegrityError:
        # Another save inserted a mark for the same pupil and session between our read and our
        # insert; the unique constraint stopped the duplicate. Show what the other person saved.
        current = RegisterMark.objects.filter(
            pupil_id__in=list(pupils), date=date, session=session
        ).select_related("recorded_by", "updated_by")
        changes = [
            _changed(m, pupils[m.pupil_id])
            for m in current
            if m.version != expected_versions.get(m.pupil_id, 0)
        ]
        raise RegisterConflict(changes) from None


def _changed(mark, pupil) -> ChangedMark:
    return ChangedMark(
        pupil_id=mark.pupil_id,
        pupil_name=str(pupil),
        code=mark.code,
        minutes_late=mark.minutes_late,
        version=mark.version,
        changed_by=_changed_by(mark),
        changed_at=mark.updated_at,
    )


def _register_save_locked(
    *, actor, school, date, session, entries, pupils, expected_versions, reason, leave_c
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
            problem = origin_problem(code, closed=False, on_roll=True, leave_granted=pupil.pk in leave_c)
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
            )
            new.full_clean(exclude=_TRUSTED_FKS, validate_unique=False, validate_constraints=False)
            to_create.append(new)
            continue
        if (mark.code, mark.minutes_late) == (code, minutes):
            result.unchanged += 1
            continue
        if mark.version != expected_versions.get(pupil.pk, 0):
            conflicts.append(_changed(mark, pupil))
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
    return result


# --- one mark ----------------------------------------------------------------------------------------
@transaction.atomic
def mark_amend(
    *,
    actor,
    mark: RegisterMark,
    code: str,
    minutes_late: int | None,
    reason: str,
    expected_version: int | None = None,
) -> RegisterMark:
    """Change one saved mark, keeping the original in a MarkAmendment. A reason is required."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give a reason for changing this mark."})
    locked = (
        RegisterMark.objects.select_for_update(of=("self",))
        .select_related("school", "pupil", "updated_by", "recorded_by")
        .get(pk=mark.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise RegisterConflict([_changed(locked, locked.pupil)])
    try:
        new_code, minutes, _ = resolve_code(
            school=locked.school,
            day=locked.date,
            session=locked.session,
            raw_code=code,
            minutes_late=minutes_late,
        )
    except ValidationError as exc:
        raise ValidationError({"code": exc.messages}) from None
    if (new_code, minutes) == (locked.code, locked.minutes_late):
        return locked
    if new_code in RESTRICTED_CODES:
        calendar = SchoolCalendar.for_school(locked.school)
        problem = origin_problem(
            new_code,
            closed=not calendar.is_session(locked.date, locked.session),
            on_roll=locked.pupil.on_roll_at(locked.date),
            leave_granted=bool(
                leave_c_granted(pupil_ids=[locked.pupil_id], day=locked.date, session=locked.session)
            ),
        )
        if problem:
            raise ValidationError({"code": problem})
    marks_amend(actor=actor, marks=[(locked, new_code, minutes)], reason=reason, school=locked.school)
    return locked


def marks_amend(*, actor, marks, reason, school):
    """Apply (mark, new code, new minutes) changes: amendments, one bulk update, audit rows.

    The caller holds the marks locked (``select_for_update``) inside its transaction and has
    checked each new code; this writes the statutory amendment record for each.
    """
    now = timezone.now()
    actor_name, actor_role = audit.describe_actor(actor, school)
    amendments, entries = [], []
    for mark, code, minutes in marks:
        before = {"code": mark.code, "minutes_late": mark.minutes_late, "version": mark.version}
        amendment = MarkAmendment(
            mark=mark,
            old_code=mark.code,
            new_code=code,
            old_minutes=mark.minutes_late,
            new_minutes=minutes,
            reason=reason,
            amended_by=actor,
            amended_by_name=actor_name[:200],
            amended_by_role=actor_role[:200],
            amended_at=now,
        )
        amendment.full_clean(exclude=["mark", "amended_by"], validate_constraints=False)
        amendments.append(amendment)
        mark.code, mark.minutes_late = code, minutes
        mark.updated_by, mark.updated_at, mark.version = actor, now, mark.version + 1
        entries.append(audit_entry_for_mark(mark, before=before, reason=reason))
    RegisterMark.objects.bulk_update(
        [m for m, _, _ in marks], ["code", "minutes_late", "updated_by", "updated_at", "version"]
    )
    MarkAmendment.objects.bulk_create(amendments)
    audit.record_bulk(actor=actor, action="attendance.mark.amended", school=school, entries=entries)


@transaction.atomic
def n_convert_to_o(*, actor, mark: RegisterMark) -> RegisterMark:
    """Turn an unresolved N into O (no reason established within 5 school days)."""
    locked = RegisterMark.objects.select_for_update(of=("self",)).select_related("school").get(pk=mark.pk)
    if locked.code != "N":
        raise ValidationError(f"This mark is now {locked.code}, not N, so there is nothing to convert.")
    marks_amend(actor=actor, marks=[(locked, "O", None)], reason=N_TO_O_REASON, school=locked.school)
    return locked


# --- pre-coding sessions (absence calls, granted leave) ----------------------------------------------
@dataclass
class PrecodeResult:
    recorded: int = 0
    amended: int = 0
    kept: list[RegisterMark] = field(default_factory=list)


def sessions_in_range(calendar, first_date, first_session, last_date, last_session) -> list[tuple[Date, str]]:
    """School sessions from (first_date, first_session) to (last_date, last_session), inclusive."""
    order = {Session.AM: 0, Session.PM: 1}
    start_key, end_key = (first_date, order[first_session]), (last_date, order[last_session])
    return [
        (day, s)
        for day, s in calendar.sessions_between(first_date, last_date)
        if start_key <= (day, order[s]) <= end_key
    ]


def _precode(*, actor, school, pupil, sessions, code, reason, replace=frozenset({"N"})) -> PrecodeResult:
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
            new.full_clean(exclude=_TRUSTED_FKS, validate_unique=False, validate_constraints=False)
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
    sessions = sessions_in_range(calendar, first_date, first_session, last_date, last_session)
    if not sessions:
        # A call that codes nothing would sit in the office's list looking like a real one.
        raise ValidationError({"first_date": "There are no school sessions between these dates."})
    call.save()
    audit.record(
        actor=actor, action="attendance.call.recorded", obj=call, after=audit.snapshot(call), reason=reason
    )
    result = _precode(
        actor=actor,
        school=school,
        pupil=pupil,
        sessions=sessions,
        code=code,
        reason=f"Absence call ({call.get_method_display().lower()}): {reason}"[:500],
    )
    return call, result


# --- leave of absence -------------------------------------------------------------------------------
#: The only moves a leave request can make; anything else is refused.
LEAVE_TRANSITIONS = {
    LeaveRequest.Status.REQUESTED: {LeaveRequest.Status.GRANTED, LeaveRequest.Status.REFUSED},
    LeaveRequest.Status.GRANTED: set(),
    LeaveRequest.Status.REFUSED: set(),
}


@transaction.atomic
def leave_request_create(
    *,
    actor,
    school,
    pupil,
    requested_by: str,
    start_date: Date,
    end_date: Date,
    reason: str,
    code: str = "C",
    start_session: str = Session.AM,
    end_session: str = Session.PM,
    retrospective: bool = False,
    today: Date | None = None,
) -> LeaveRequest:
    today = today or timezone.localdate()
    if start_date < today and not retrospective:
        # Leave is asked for before it is taken; granting past dates would rewrite taken registers.
        raise ValidationError(
            {
                "start_date": "Leave cannot start in the past. If it has already begun, tick "
                "'Recorded after the event': it is kept on record but codes no sessions."
            }
        )
    if retrospective and start_date >= today:
        # "Started" means before today, the same line as the past-dates rule above: leave from today on
        # is ordinary leave, and granting it codes its sessions. Ticked, it would code nothing and the
        # pupil would later look absent with no reason.
        raise ValidationError({"retrospective": "Tick this only for leave that has already started."})
    leave = LeaveRequest(
        school=school,
        pupil=pupil,
        requested_by=requested_by,
        start_date=start_date,
        end_date=end_date,
        start_session=start_session,
        end_session=end_session,
        reason=reason,
        code=code,
        retrospective=retrospective,
        created_by=actor,
    )
    leave.full_clean()
    calendar = SchoolCalendar.for_school(school)
    sessions = sessions_in_range(calendar, start_date, start_session, end_date, end_session)
    if not sessions:
        raise ValidationError({"start_date": "There are no school sessions between these dates."})
    if start_date < pupil.admission_date or (pupil.leaving_date and end_date > pupil.leaving_date):
        raise ValidationError({"start_date": f"{pupil} is not on roll for all of these dates."})
    leave.save()
    LeaveRequestEvent.objects.create(leave_request=leave, to_status=leave.status, by=actor)
    audit.record(actor=actor, action="attendance.leave.requested", obj=leave, after=audit.snapshot(leave))
    return leave


@transaction.atomic
def leave_request_decide(
    *, actor, leave_request: LeaveRequest, status: str, note: str = "", calendar: SchoolCalendar | None = None
) -> tuple[LeaveRequest, PrecodeResult | None]:
    """Grant or refuse a request (the headteacher's decision). Granted leave pre-codes its sessions,
    unless it was recorded after the event (``retrospective``), which codes nothing."""
    # Two heads deciding one request at once: the second is told who decided it, and their decision
    # (and note) is not recorded over the first.
    leave = editing.ensure_still(
        leave_request,
        done=lambda row: f"This request was already {row.get_status_display().lower()}",
        status=LeaveRequest.Status.REQUESTED,
    )
    if status not in LEAVE_TRANSITIONS.get(leave.status, set()):
        raise ValidationError(
            f"A request that is {leave.get_status_display().lower()} cannot be marked {status}."
        )
    before = audit.snapshot(leave)
    old_status = leave.status
    leave.status, leave.decided_by, leave.decided_at, leave.decision_note = (
        status,
        actor,
        timezone.now(),
        note,
    )
    leave.full_clean()
    leave.save()
    LeaveRequestEvent.objects.create(
        leave_request=leave, from_status=old_status, to_status=status, by=actor, note=note
    )
    audit.record(
        actor=actor,
        action=f"attendance.leave.{status}",
        obj=leave,
        before=before,
        after=audit.snapshot(leave),
        reason=note,
    )
    result = None
    if status == LeaveRequest.Status.GRANTED and not leave.retrospective:
        calendar = calendar or SchoolCalendar.for_school(leave.school)
        sessions = sessions_in_range(
            calendar, leave.start_date, leave.start_session, leave.end_date, leave.end_session
        )
        result = _precode(
            actor=actor,
            school=leave.school,
            pupil=leave.pupil,
            sessions=sessions,
            code=leave.code,
            reason=f"Leave of absence granted: {leave.reason}"[:500],
        )
    return leave, result
