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

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext

from school import audit
from school.calendar import SchoolCalendar
from school.models import Session

from .. import codes, lateness, part_time_sources, selectors
from ..code_origins import RESTRICTED_CODES, origin_problem
from ..models import MarkAmendment, RegisterMark

#: Reason written on an N turned into O after five school days (docs/rules.md section 3).
N_TO_O_REASON = "No reason for the absence was established within 5 school days."
# Foreign keys set from objects already loaded in the service; validating them would cost a query
# per mark (ForeignKey.validate looks each one up), breaking the constant-query register save.
TRUSTED_FKS = ["school", "pupil", "recorded_by", "updated_by"]


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
    late_register: bool = False  # new marks were entered after the register closed


# --- helpers ----------------------------------------------------------------------------------------
def session_code(code: str, session: str) -> str:
    """``/`` is the morning's present mark and ``\\`` the afternoon's; typing either is accepted."""
    if code in ("/", "\\"):
        return "/" if session == Session.AM else "\\"
    return code


def register_times(school, session):
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
        if minutes_late == 0:
            raise ValidationError(
                "L with 0 minutes is not late: enter how many minutes late the pupil arrived, "
                "or the present mark if they were on time."
            )
        if minutes_late is None:
            if not late_needs_minutes:
                return code, None, False
            raise ValidationError("Enter how many minutes late the pupil arrived for L.")
        opens, closes = register_times(school, session)
        if lateness.late_code(minutes_late=minutes_late, opens=opens, closes=closes) == "U":
            return "U", minutes_late, True
    return code, minutes_late, False


def changed_by(mark) -> str:
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


def session_label(session):
    return "morning" if session == Session.AM else "afternoon"


def changed_mark(mark, pupil) -> ChangedMark:
    return ChangedMark(
        pupil_id=mark.pupil_id,
        pupil_name=str(pupil),
        code=mark.code,
        minutes_late=mark.minutes_late,
        version=mark.version,
        changed_by=changed_by(mark),
        changed_at=mark.updated_at,
    )


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
        raise RegisterConflict([changed_mark(locked, locked.pupil)])
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
                selectors.leave_c_granted(
                    pupil_ids=[locked.pupil_id], day=locked.date, session=locked.session
                )
            ),
            timetabled=new_code == "C2"
            and bool(
                part_time_sources.timetabled_out(
                    pupil_ids=[locked.pupil_id], day=locked.date, session=locked.session
                )
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


@dataclass
class ConvertResult:
    converted: list = field(default_factory=list)
    not_due: list = field(default_factory=list)  # still within the 5 school days: left as N
    already_changed: int = 0  # someone gave a code first


@transaction.atomic
def n_marks_convert_to_o(
    *, actor, school, mark_ids, reason: str, today: Date | None = None, calendar=None
) -> ConvertResult:
    """Turn many unresolved N marks into O at once, each with the reason given (one amendment each).

    Only N marks whose deadline has come (5 school days after the session, docs/rules.md section 3)
    are converted; a younger N is left for the family to explain, and one already recoded is skipped.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason the sessions become O."})
    today = today or timezone.localdate()
    calendar = calendar or SchoolCalendar.for_school(school)
    locked = list(
        RegisterMark.objects.select_for_update(of=("self",))
        .select_related("pupil")
        .filter(school=school, pk__in=list(mark_ids))
        .order_by("pk")
    )
    result = ConvertResult()
    changes = []
    for mark in locked:
        if mark.code != "N":
            result.already_changed += 1
        elif calendar.school_days_since(mark.date, today=today) < selectors.N_AGE_LIMIT:
            result.not_due.append(mark)
        else:
            changes.append((mark, "O", None))
            result.converted.append(mark)
    if changes:
        marks_amend(actor=actor, marks=changes, reason=reason, school=school)
    return result
