"""Importing marks from CSV and exporting pupil summaries to CSV (browser and management commands).

Import file: columns ``upn, date, session, code, minutes_late`` (minutes_late optional), one row per
session, read by ``school.csv_input`` as every import is: dates as YYYY-MM-DD or DD/MM/YYYY, saved as
UTF-8 (with or without a byte-order mark) or Windows-1252 (what Excel on Windows writes). Every bad row is reported with its row number (the
header is row 1) and nothing is imported unless the whole file is valid. Importing the same file
again changes nothing; a row that changes a saved mark is an amendment with the reason "import".

A real MIS export carries ``#`` on closure (INSET) days and ``Z`` before admission: those are accepted where
true (the calendar has the session closed; the pupil is off roll) and counted, not saved; where untrue they
are reported. Long files report progress every ``PROGRESS_EVERY`` rows. A row whose optional
``previous_school`` column names another school is a session recorded there before the pupil joined: it
is kept apart (``PreviousSchoolMark``), never in this school's figures, and counts towards the penalty
threshold only if the school's setting says so.

Each row is checked by the register screen's own rule (``services.resolve_code``): unknown codes
are refused, withdrawn pre-2024 codes (H, F, J, Y) are accepted only for dates before 19 August
2024, and an ``L`` whose minutes put the arrival after the register closed becomes ``U``. Future
dates are refused, as on the register. Unlike the register screen, ``L`` without minutes is
accepted, because MIS exports often leave the minutes out; such a mark stays ``L``.

Export (the local authority's shape): one row per pupil with exactly ``EXPORT_COLUMNS``: UPN, legal
names, year, class, SEN provision and flags, the DfE figures, then the sessions with each code. Cells that a spreadsheet would read as a
formula (starting with = + - @, a tab or a carriage return) are prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import ngettext

from school import audit, csv_input
from school.calendar import SchoolCalendar
from school.models import Pupil, YearGroup
from school.spreadsheet import safe_cell

from . import codes, statistics
from .models import PreviousSchoolMark, RegisterMark
from .services import audit_entry_for_mark, marks_amend, resolve_code

REQUIRED_COLUMNS = ("upn", "date", "session", "code")
IMPORT_REASON = "import"
MAX_ROWS = 200_000
#: How often a long import says how far it has got (rows checked, marks saved).
PROGRESS_EVERY = 5_000
Progress = Callable[[int, int], None]

#: Who the pupil is (the LA matches on UPN and names), then the flags the LA groups by. The
#: safeguarding status is left out: only the DSL and the head may see it (school.policy).
IDENTITY_COLUMNS = (
    "upn",
    "legal_last_name",
    "legal_first_name",
    "year_group",
    "class",
    "sen_provision",
    *Pupil.FLAG_FIELDS,
)
FIGURE_COLUMNS = (
    "possible",
    "attendance",
    "present",
    "approved_activity",
    "authorised",
    "unauthorised",
    "attendance_pct",
    "persistent_absence",
    "severe_absence",
    "late_l",
    "late_u",
    "unauthorised_last_10_school_weeks",
)
#: Sessions with each code, current codes in DfE order then the withdrawn pre-2024 ones (imported history).
CODE_COLUMN_CODES = (*codes.CODES, *codes.WITHDRAWN_CODES)
CODE_COLUMNS = tuple(f"sessions_{code}" for code in CODE_COLUMN_CODES)
EXPORT_COLUMNS = (*IDENTITY_COLUMNS, *FIGURE_COLUMNS, *CODE_COLUMNS)


@dataclass(frozen=True)
class ImportRow:
    row_number: int
    pupil: Pupil
    date: date
    session: str
    code: str
    minutes_late: int | None
    converted_to_u: bool = False
    #: A true ``#`` (the school was closed) or ``Z`` (the pupil was off roll): checked, not saved.
    skipped: str = ""
    #: The school the mark was recorded at, when it was not this one (column ``previous_school``).
    previous_school: str = ""


@dataclass
class ImportResult:
    recorded: int = 0
    amended: int = 0
    unchanged: int = 0
    #: Row numbers whose L arrived after the register closed and was saved as U.
    converted_to_u: list[int] = field(default_factory=list)
    #: Rows with # on a session the school was closed, and Z on a day the pupil was not on roll.
    skipped_closed: int = 0
    skipped_off_roll: int = 0
    previous_school: int = 0  # sessions saved as recorded at a previous school (kept out of figures)

    def conversion_notes(self) -> list[str]:
        return [
            f"row {n}: arrived after the register closed, so the late mark was recorded as U"
            for n in self.converted_to_u
        ]

    def skipped_notes(self) -> list[str]:
        notes = []
        if self.skipped_closed:
            notes.append(
                ngettext(
                    "%d row with # was on a session the school calendar has closed: nothing to save",
                    "%d rows with # were on sessions the school calendar has closed: nothing to save",
                    self.skipped_closed,
                )
                % self.skipped_closed
            )
        if self.skipped_off_roll:
            notes.append(
                ngettext(
                    "%d row with Z was on a day the pupil was not on roll: nothing to save",
                    "%d rows with Z were on days the pupil was not on roll: nothing to save",
                    self.skipped_off_roll,
                )
                % self.skipped_off_roll
            )
        if self.previous_school:
            notes.append(
                ngettext(
                    "%d session was recorded at a previous school: kept apart, never in this school's figures",
                    "%d sessions were recorded at a previous school: kept apart, never in this school's figures",
                    self.previous_school,
                )
                % self.previous_school
            )
        return notes


class ImportRefused(Exception):
    def __init__(self, errors: list[tuple[int, str]]):
        self.errors = errors
        super().__init__(
            ngettext("%d problem in the file", "%d problems in the file", len(errors)) % len(errors)
        )


def _refusal(errors: list[csv_input.RowError]) -> ImportRefused:
    # The marks page lists (row, problem); a file-wide problem is shown against the header row.
    return ImportRefused([(error.row or 1, error.message) for error in errors])


def decode_marks_file(data: bytes) -> str:
    """The text of an uploaded or named file (school.csv_input.decode), or ImportRefused."""
    try:
        return csv_input.decode(data)
    except csv_input.FileRefused as refused:
        raise _refusal(refused.errors) from None


def _closure_or_off_roll(code: str, pupil, day, session, *, calendar, problems: list[str]) -> str:
    """What a real MIS export carries besides marks: ``#`` on closure days, ``Z`` before admission.

    ``#`` is true on a session the school calendar has no register for (an INSET or other closure day,
    a holiday, a weekend); ``Z`` is true on a day the pupil was not on roll. A true one is checked and
    skipped (the calendar and the admission register already say it; returns "closed" or "off_roll").
    An untrue one is reported, because it would make a school session or a day on roll "not counted".
    """
    if code not in ("#", "Z") or day is None or session not in ("AM", "PM"):
        return ""
    if code == "#":
        if not calendar.is_session(day, session):
            return "closed"
        problems.append(
            f"# (planned closure) on {day:%-d %B %Y} {session}, which the school calendar has as a school "
            "session: add the closure to the calendar, or correct the code"
        )
        return ""
    if pupil is None:
        return ""
    if not pupil.on_roll_at(day):
        return "off_roll"
    problems.append(
        f"Z (not yet on roll) on {day:%-d %B %Y}, but the pupil is on roll that day "
        f"(admitted {pupil.admission_date:%-d %B %Y}): correct the code or the admission date"
    )
    return ""


def _previous_school_row(number, pupil, day, session, code, previous, today, problems) -> ImportRow | None:
    """A session recorded at the pupil's previous school: a real code for the date, before the pupil
    joined this school (while on roll here, this school's register is the record)."""
    if pupil is None or day is None or session not in ("AM", "PM"):
        return None
    try:
        code = codes.lookup(codes.normalise(code), on=day).code
    except codes.UnknownCode as exc:
        problems.append(str(exc))
        return None
    if day > today:
        problems.append(f"{day:%-d %B %Y} is in the future; marks cannot be recorded ahead")
    elif day >= pupil.admission_date:
        problems.append(
            f"a previous school's mark must be before the pupil joined this school on "
            f"{pupil.admission_date:%-d %B %Y}"
        )
    return ImportRow(number, pupil, day, session, code, None, previous_school=previous)


def read_marks_csv(
    text: str,
    *,
    school,
    calendar: SchoolCalendar | None = None,
    today: date | None = None,
    progress: Progress | None = None,
) -> list[ImportRow]:
    """Check every row of the file; return the rows or raise ImportRefused listing every problem.

    ``progress(done, total)`` is called every ``PROGRESS_EVERY`` rows (and at the end), so a large
    file says how far it has got."""
    today = today or timezone.localdate()
    try:
        table = csv_input.read_table(text, required=REQUIRED_COLUMNS, max_rows=MAX_ROWS)
    except csv_input.FileRefused as refused:
        raise _refusal(refused.errors) from None
    upns = {cells["upn"].upper() for _, cells in table.rows}
    pupils = {p.upn: p for p in Pupil.objects.filter(school=school, upn__in=upns)}
    calendar = calendar or SchoolCalendar.for_school(school)
    # Rows the reader refused (a NUL, more cells than columns) are reported with the rest, in order.
    errors = [(error.row, error.message.rstrip(".")) for error in table.errors]
    rows, seen = [], {}
    total = len(table.rows)
    for done, (number, raw) in enumerate(table.rows, start=1):
        if progress and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total)
        problems = []
        upn = (raw.get("upn") or "").strip().upper()
        pupil = pupils.get(upn)
        if pupil is None:
            problems.append(f"no pupil with UPN '{upn}' at this school" if upn else "the UPN is empty")
        try:
            day = csv_input.parse_date(raw.get("date") or "")
        except ValueError as exc:
            day = None
            problems.append(str(exc).rstrip("."))
        session = (raw.get("session") or "").strip().upper()
        if session not in ("AM", "PM"):
            problems.append(f"session must be AM or PM, not '{session}'")
        raw_minutes = (raw.get("minutes_late") or "").strip()
        minutes = None
        if raw_minutes:
            if not raw_minutes.isdigit():
                problems.append(f"minutes_late must be a whole number, not '{raw_minutes}'")
            elif int(raw_minutes) > 600:
                problems.append(f"minutes_late can be at most 600 (10 hours), not {raw_minutes}")
            else:
                minutes = int(raw_minutes)
        code, converted = raw.get("code") or "", False
        previous = (raw.get("previous_school") or "").strip()[:200]
        if previous and previous.casefold() not in (school.urn.casefold(), school.name.casefold()):
            checked = _previous_school_row(number, pupil, day, session, code, previous, today, problems)
            key = (upn, day, session)
            if day is not None and key in seen:
                problems.append(f"the same session is already in row {seen[key]}")
            seen.setdefault(key, number)
            if problems:
                errors.append((number, "; ".join(problems)))
            elif checked:
                rows.append(checked)
            continue
        skipped = _closure_or_off_roll(
            codes.normalise(code), pupil, day, session, calendar=calendar, problems=problems
        )
        if day is not None and day > today:
            problems.append(f"{day:%-d %B %Y} is in the future; marks cannot be recorded ahead")
        elif day is not None and session in ("AM", "PM") and not (raw_minutes and minutes is None):
            try:
                code, minutes, converted = resolve_code(
                    school=school,
                    day=day,
                    session=session,
                    raw_code=code,
                    minutes_late=minutes,
                    late_needs_minutes=False,
                )
            except ValidationError as exc:
                problems.extend(exc.messages)
        elif day is not None:
            try:
                codes.lookup(codes.normalise(code), on=day)
            except codes.UnknownCode as exc:
                problems.append(str(exc))
        if day is not None and session in ("AM", "PM"):
            if not skipped and not calendar.is_session(day, session):
                problems.append(f"{day:%-d %B %Y} {session} is not a school session in the school calendar")
            if not skipped and pupil is not None and not pupil.on_roll_at(day):
                problems.append(f"the pupil is not on roll on {day:%-d %B %Y}")
            key = (upn, day, session)
            if key in seen:
                problems.append(f"the same session is already in row {seen[key]}")
            seen.setdefault(key, number)
        if problems:
            errors.append((number, "; ".join(problems)))
        else:
            rows.append(ImportRow(number, pupil, day, session, code, minutes, converted, skipped))
    if errors:
        raise ImportRefused(sorted(errors, key=lambda error: error[0]))
    return rows


@transaction.atomic
def marks_import(*, actor, school, rows: list[ImportRow], progress: Progress | None = None) -> ImportResult:
    """Save checked rows: new marks are recorded, changed ones amended (reason "import").

    Rows with a true ``#`` or ``Z`` are counted, not saved. ``progress(saved, total)`` is called after
    each batch of new marks."""
    result = ImportResult(
        skipped_closed=sum(1 for r in rows if r.skipped == "closed"),
        skipped_off_roll=sum(1 for r in rows if r.skipped == "off_roll"),
    )
    previous = [r for r in rows if r.previous_school]
    rows = [r for r in rows if not r.skipped and not r.previous_school]
    if previous:
        _save_previous_school_marks(actor=actor, school=school, rows=previous)
        result.previous_school = len(previous)
    if not rows:
        return result
    pupil_ids = {r.pupil.pk for r in rows}
    days = [r.date for r in rows]
    existing = {
        (m.pupil_id, m.date, m.session): m
        for m in RegisterMark.objects.select_for_update(of=("self",)).filter(
            Q(pupil_id__in=pupil_ids), date__gte=min(days), date__lte=max(days)
        )
    }
    now = timezone.now()
    to_create, changes = [], []
    for row in rows:
        mark = existing.get((row.pupil.pk, row.date, row.session))
        if mark is None:
            to_create.append(
                RegisterMark(
                    school=school,
                    pupil=row.pupil,
                    date=row.date,
                    session=row.session,
                    code=row.code,
                    minutes_late=row.minutes_late,
                    recorded_by=actor,
                    recorded_at=now,
                    updated_by=actor,
                    updated_at=now,
                )
            )
        elif (mark.code, mark.minutes_late) != (row.code, row.minutes_late):
            changes.append((mark, row.code, row.minutes_late))
        else:
            result.unchanged += 1
    for batch_start in range(0, len(to_create), 2000):
        batch = to_create[batch_start : batch_start + 2000]
        RegisterMark.objects.bulk_create(batch)
        audit.record_bulk(
            actor=actor,
            action="attendance.mark.recorded",
            school=school,
            entries=[audit_entry_for_mark(m, reason=IMPORT_REASON) for m in batch],
            reason=IMPORT_REASON,
        )
        if progress:
            progress(batch_start + len(batch), len(to_create))
    if changes:
        marks_amend(actor=actor, marks=changes, reason=IMPORT_REASON, school=school)
    result.recorded, result.amended = len(to_create), len(changes)
    result.converted_to_u = [r.row_number for r in rows if r.converted_to_u]
    return result


def _save_previous_school_marks(*, actor, school, rows: list[ImportRow]) -> None:
    """Insert or update (the same file again changes nothing); one audit row for the lot."""
    now = timezone.now()
    PreviousSchoolMark.objects.bulk_create(
        [
            PreviousSchoolMark(
                school=school,
                pupil=r.pupil,
                previous_school=r.previous_school,
                date=r.date,
                session=r.session,
                code=r.code,
                imported_by=actor,
                imported_at=now,
            )
            for r in rows
        ],
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["pupil", "date", "session"],
        update_fields=["code", "previous_school"],
    )
    audit.record(
        actor=actor,
        action="attendance.previous_school_marks.imported",
        object_type="attendance.previousschoolmark",
        school=school,
        after={"sessions": len(rows), "pupils": len({r.pupil.pk for r in rows})},
        reason=IMPORT_REASON,
    )


# --- export ---------------------------------------------------------------------------------------------
csv_safe = safe_cell  # the one rule for every CSV we write (school/spreadsheet.py)


def _bool(value: bool) -> str:
    return "true" if value else "false"


def export_rows(pupils, start: date, end: date, *, calendar: SchoolCalendar) -> list[list[str]]:
    """The header and one row per pupil (by UPN), from the statistics engine (two queries)."""
    fields = ("upn", "legal_last_name", "legal_first_name", "year_group", "registration_class__name")
    rows = statistics.pupil_rows_with_codes(
        pupils, start, end, fields=(*fields, "sen_provision", *Pupil.FLAG_FIELDS), calendar=calendar
    )
    years = dict(YearGroup.choices)
    out = [list(EXPORT_COLUMNS)]
    for row, f, per_code in sorted(rows, key=lambda item: item[0]["upn"]):
        pct = f.attendance_pct_1dp
        identity = (
            row["upn"],
            row["legal_last_name"],
            row["legal_first_name"],
            years.get(row["year_group"], row["year_group"]),
            row["registration_class__name"] or "",
            row["sen_provision"],
            *(_bool(row[flag]) for flag in Pupil.FLAG_FIELDS),
        )
        figures = (
            f.possible,
            f.attendance,
            f.present,
            f.approved_activity,
            f.authorised,
            f.unauthorised,
            "" if pct is None else f"{pct:.1f}",
            _bool(f.is_persistent_absence),
            _bool(f.is_severe_absence),
            f.late_l,
            f.late_u,
            f.unauthorised_last_10_weeks,
        )
        sessions = (per_code.get(code, 0) for code in CODE_COLUMN_CODES)
        out.append([csv_safe(v) for v in (*identity, *figures, *sessions)])
    return out


def write_csv(rows, stream) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerows(rows)
