"""The DfE attendance codes and how each one counts in the statistics.

The code set is law, not configuration: The School Attendance (Pupil Registration) (England)
Regulations 2024 (SI 2024/208, in force 19 August 2024) fix the codes, and DfE's attendance
statistics methodology fixes how each counts. A school cannot add, rename or re-classify a code,
so the codes live here in code, not in the database.

Every code is a *possible session* except the "not counted" ones (D, X, Q, Y1-Y7, Z, #):

    possible   = attendance + authorised absence + unauthorised absence
    attendance = present (/ \\ L) + approved educational activity (K V P W B)

Worked example: a pupil's week of ten sessions marked ``/ \\ / \\ L U I I # #``.

    >>> marks = ["/", "\\\\", "/", "\\\\", "L", "U", "I", "I", "#", "#"]
    >>> sum(counts_as_possible(m) for m in marks)     # the two # (planned closure) are not counted
    8
    >>> sum(counts_as_attendance(m) for m in marks)   # L arrived before the register closed
    5
    >>> sum(counts_as_unauthorised(m) for m in marks) # U arrived after it closed
    1
    >>> lookup("c2 ", on=date(2025, 1, 6)).meaning
    'leave for a temporary part-time timetable'
    >>> lookup("H", on=date(2024, 8, 19))
    Traceback (most recent call last):
    ...
    attendance.codes.UnknownCode: 'H' was withdrawn on 19 August 2024; use G or C instead

So attendance is 5 of 8 possible sessions (62.5%); see ``attendance.figures`` for the arithmetic.

Codes withdrawn on 19 August 2024 (H, F, J, Y) are accepted only for sessions before that date,
because imported history can hold them. The 2024 codes themselves are accepted on any date: an
MIS export of older history may already have been re-coded to the 2024 set, and refusing it would
lose real sessions. The old ``C`` (other authorised circumstances) is still a valid code, with the
same statistical treatment (authorised absence), so it is valid on both sides of the date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = [
    "APPROVED_ACTIVITY_CODES",
    "ATTENDANCE_CODES",
    "AUTHORISED_CODES",
    "CODES",
    "CODES_2024_START",
    "LATE_CODES",
    "NOT_COUNTED_CODES",
    "PENALTY_UNAUTHORISED_CODES",
    "POSSIBLE_CODES",
    "PRESENT_CODES",
    "UNAUTHORISED_CODES",
    "WITHDRAWN_CODES",
    "AttendanceCode",
    "Category",
    "UnknownCode",
    "category_of",
    "choices",
    "counts_as_approved_activity",
    "counts_as_attendance",
    "counts_as_authorised",
    "counts_as_possible",
    "counts_as_present",
    "counts_as_unauthorised",
    "is_not_counted",
    "is_valid",
    "lookup",
    "normalise",
]

#: The 2024 regulations came into force on this day; earlier sessions may carry withdrawn codes.
CODES_2024_START = date(2024, 8, 19)


class Category(StrEnum):
    """How DfE counts a session with this code."""

    PRESENT = "present"  # attendance
    APPROVED_ACTIVITY = "approved_activity"  # attendance (approved educational activity)
    AUTHORISED = "authorised"  # absence
    UNAUTHORISED = "unauthorised"  # absence
    NOT_COUNTED = "not_counted"  # not a possible session

    @property
    def label(self) -> str:
        return _CATEGORY_LABELS[self]


_CATEGORY_LABELS = {
    Category.PRESENT: "attendance (present)",
    Category.APPROVED_ACTIVITY: "attendance (approved educational activity)",
    Category.AUTHORISED: "authorised absence",
    Category.UNAUTHORISED: "unauthorised absence",
    Category.NOT_COUNTED: "not counted",
}


class UnknownCode(ValueError):
    """The text is not an attendance code that can be used for the session's date."""


@dataclass(frozen=True, slots=True)
class AttendanceCode:
    code: str
    meaning: str
    category: Category
    description_for_parents: str

    def __str__(self) -> str:
        return f"{self.code} – {self.meaning}"


_P, _A, _AU, _UN, _NC = (
    Category.PRESENT,
    Category.APPROVED_ACTIVITY,
    Category.AUTHORISED,
    Category.UNAUTHORISED,
    Category.NOT_COUNTED,
)

# In the order of DfE's guidance (and of the codes printed on registers), which is the order
# office staff expect in a drop-down.
# fmt: off
_CURRENT = (
    # Present
    AttendanceCode("/", "present (AM)", _P, "Your child was present at morning registration."),
    AttendanceCode("\\", "present (PM)", _P, "Your child was present at afternoon registration."),
    AttendanceCode(
        "L", "late, arrived before the register closed", _P,
        "Your child arrived late, but before the register closed, so they are counted as present.",
    ),
    # Attending a place other than the school
    AttendanceCode(
        "K", "education arranged by the local authority", _A,
        "Your child was at education arranged by the local authority, which counts as attending.",
    ),
    AttendanceCode(
        "V", "educational visit or trip", _A,
        "Your child was on a school trip or visit, which counts as attending.",
    ),
    AttendanceCode(
        "P", "approved sporting activity", _A,
        "Your child was at a supervised sporting activity approved by the school, which counts as attending.",
    ),
    AttendanceCode(
        "W", "work experience", _A,
        "Your child was on an approved work experience placement, which counts as attending.",
    ),
    AttendanceCode(
        "B", "any other approved, supervised educational activity (not remote learning)", _A,
        "Your child was at another supervised educational activity approved by the school, "
        "which counts as attending.",
    ),
    AttendanceCode(
        "D", "dual registered, attending the other school", _NC,
        "Your child was at the other school where they are also registered. "
        "This session does not count towards their attendance here.",
    ),
    # Absent - leave of absence
    AttendanceCode(
        "C1", "leave for regulated performance or employment abroad", _AU,
        "The school gave leave for your child to take part in a licensed performance or employment. "
        "This is an authorised absence.",
    ),
    AttendanceCode(
        "M", "medical or dental appointment", _AU,
        "Your child was at a medical or dental appointment. This is an authorised absence.",
    ),
    AttendanceCode(
        "J1", "interview (employment or another institution)", _AU,
        "Your child was at an interview for a job or a place at another school or college. "
        "This is an authorised absence.",
    ),
    AttendanceCode(
        "S", "study leave", _AU,
        "The school gave your child study leave for a public exam. This is an authorised absence.",
    ),
    AttendanceCode(
        "X", "not of compulsory school age, not required to attend", _NC,
        "Your child is below compulsory school age and was not expected in school. "
        "This session does not count towards their attendance.",
    ),
    AttendanceCode(
        "C2", "leave for a temporary part-time timetable", _AU,
        "Your child was not expected in school because of their agreed part-time timetable. "
        "This is an authorised absence.",
    ),
    AttendanceCode(
        "C", "leave of absence, exceptional circumstances", _AU,
        "The school gave leave of absence because of exceptional circumstances. "
        "This is an authorised absence.",
    ),
    # Absent - other authorised reasons
    AttendanceCode(
        "T", "parent travelling for occupational purposes", _AU,
        "Your child was travelling with a parent who travels for work. This is an authorised absence.",
    ),
    AttendanceCode(
        "R", "religious observance", _AU,
        "Your child was absent for a day of religious observance. This is an authorised absence.",
    ),
    AttendanceCode(
        "I", "illness (physical or mental health)", _AU,
        "Your child was too ill to attend. This is an authorised absence.",
    ),
    AttendanceCode(
        "E", "suspended or excluded, no alternative provision", _AU,
        "Your child was suspended or excluded and no other education was arranged. "
        "This is an authorised absence.",
    ),
    # Absent - unable to attend because of an unavoidable cause
    AttendanceCode(
        "Q", "unable to attend: local authority has not made access arrangements", _NC,
        "Your child could not attend because the local authority had not arranged access to school. "
        "This session does not count towards their attendance.",
    ),
    AttendanceCode(
        "Y1", "unable to attend: transport not available", _NC,
        "Your child could not attend because the school transport they rely on was not available. "
        "This session does not count towards their attendance.",
    ),
    AttendanceCode(
        "Y2", "unable to attend: widespread disruption to travel", _NC,
        "Your child could not attend because of widespread travel disruption. "
        "This session does not count towards their attendance.",
    ),
    AttendanceCode(
        "Y3", "unable to attend: part of the school premises closed", _NC,
        "Your child could not attend because part of the school was closed. "
        "This session does not count towards their attendance.",
    ),
    AttendanceCode(
        "Y4", "unable to attend: whole school site unexpectedly closed", _NC,
        "The school was closed unexpectedly. This session does not count towards your child's attendance.",
    ),
    AttendanceCode(
        "Y5", "unable to attend: criminal justice detention", _NC,
        "Your child could not attend because they were held in detention. "
        "This session does not count towards their attendance.",
    ),
    AttendanceCode(
        "Y6", "unable to attend: public health guidance or law", _NC,
        "Your child could not attend because of public health guidance or law. "
        "This session does not count towards their attendance.",
    ),
    AttendanceCode(
        "Y7", "unable to attend: any other unavoidable cause", _NC,
        "Your child could not attend for another unavoidable reason. "
        "This session does not count towards their attendance.",
    ),
    # Absent - unauthorised absence
    AttendanceCode(
        "G", "holiday not granted by the school", _UN,
        "Your child was away on a holiday the school did not agree to. This is an unauthorised absence.",
    ),
    AttendanceCode(
        "N", "reason not yet established", _UN,
        "We do not yet know why your child was absent. Please tell the school as soon as you can.",
    ),
    AttendanceCode(
        "O", "absent in other or unknown circumstances", _UN,
        "Your child was absent without a reason the school could accept. This is an unauthorised absence.",
    ),
    AttendanceCode(
        "U", "arrived after the register closed", _UN,
        "Your child arrived after the register closed. "
        "This counts as an unauthorised absence for the session.",
    ),
    # Administrative codes
    AttendanceCode(
        "Z", "prospective pupil not yet on roll", _NC,
        "Your child had not yet joined the school. This session does not count towards their attendance.",
    ),
    AttendanceCode(
        "#", "planned whole-school closure", _NC,
        "The school was closed as planned (for example, a holiday or training day). "
        "This session does not count towards your child's attendance.",
    ),
)

# Withdrawn on 19 August 2024; only valid for earlier sessions. Old C is still current (above).
_WITHDRAWN = (
    AttendanceCode(
        "H", "holiday authorised by the school (withdrawn 2024)", _AU,
        "The school agreed to a family holiday. This is an authorised absence.",
    ),
    AttendanceCode(
        "F", "extended holiday authorised by the school (withdrawn 2024)", _AU,
        "The school agreed to an extended family holiday. This is an authorised absence.",
    ),
    AttendanceCode(
        "J", "interview (withdrawn 2024)", _A,
        "Your child was at an interview, which counted as an approved educational activity.",
    ),
    AttendanceCode(
        "Y", "unable to attend due to exceptional circumstances (withdrawn 2024)", _NC,
        "Your child could not attend because of exceptional circumstances. "
        "This session does not count towards their attendance.",
    ),
)

# fmt: on

# What to use instead of a withdrawn code, for the error message office staff see.
_REPLACEMENTS = {"H": "G or C", "F": "G or C", "J": "J1", "Y": "one of Y1 to Y7"}

CODES: dict[str, AttendanceCode] = {c.code: c for c in _CURRENT}
WITHDRAWN_CODES: dict[str, AttendanceCode] = {c.code: c for c in _WITHDRAWN}
_ALL: dict[str, AttendanceCode] = {**CODES, **WITHDRAWN_CODES}


def _codes_in(*categories: Category) -> frozenset[str]:
    return frozenset(c.code for c in _ALL.values() if c.category in categories)


# Sets for aggregating in the database (``mark__code__in=...``). They include the withdrawn
# codes, because a register imported from before 19 August 2024 can hold them.
PRESENT_CODES = _codes_in(Category.PRESENT)
APPROVED_ACTIVITY_CODES = _codes_in(Category.APPROVED_ACTIVITY)
ATTENDANCE_CODES = PRESENT_CODES | APPROVED_ACTIVITY_CODES
AUTHORISED_CODES = _codes_in(Category.AUTHORISED)
UNAUTHORISED_CODES = _codes_in(Category.UNAUTHORISED)
NOT_COUNTED_CODES = _codes_in(Category.NOT_COUNTED)
POSSIBLE_CODES = ATTENDANCE_CODES | AUTHORISED_CODES | UNAUTHORISED_CODES

#: Unauthorised codes counted towards the national penalty notice threshold (SI 2024/210).
PENALTY_UNAUTHORISED_CODES = frozenset({"G", "N", "O", "U"})
#: Codes that record a late arrival: L (before the register closed) and U (after it closed).
LATE_CODES = frozenset({"L", "U"})


def normalise(raw: str) -> str:
    """Tidy a typed or imported code: ``"c2 "`` -> ``"C2"``; ``"/"`` and ``"\\"`` are unchanged."""
    if not isinstance(raw, str):
        raise TypeError(f"an attendance code must be text, not {type(raw).__name__}")
    return raw.strip().upper()


def lookup(code: str, *, on: date) -> AttendanceCode:
    """Return the code as it applies to a session on ``on``, or raise :class:`UnknownCode`.

    >>> lookup("H", on=date(2024, 8, 18)).category
    <Category.AUTHORISED: 'authorised'>
    """
    key = normalise(code)
    if key in CODES:
        return CODES[key]
    if key in WITHDRAWN_CODES:
        if on < CODES_2024_START:
            return WITHDRAWN_CODES[key]
        raise UnknownCode(f"'{key}' was withdrawn on 19 August 2024; use {_REPLACEMENTS[key]} instead")
    if not key:
        raise UnknownCode("No attendance code was given")
    raise UnknownCode(f"'{key}' is not a DfE attendance code")


def is_valid(code: str, *, on: date) -> bool:
    """True when ``code`` may be recorded for a session on ``on``."""
    try:
        lookup(code, on=on)
    except UnknownCode:
        return False
    return True


def category_of(code: str) -> Category:
    """The statistical category of a current or withdrawn code (no date check).

    >>> category_of("u").label
    'unauthorised absence'
    """
    # Predicates take no date: they classify history too, so withdrawn codes are accepted.
    # An unknown code raises rather than quietly counting as "no": a silent False would drop a
    # session from the figures.
    key = normalise(code)
    try:
        return _ALL[key].category
    except KeyError:
        raise UnknownCode(f"'{key}' is not a DfE attendance code") from None


def counts_as_possible(code: str) -> bool:
    return category_of(code) is not Category.NOT_COUNTED


def counts_as_attendance(code: str) -> bool:
    return category_of(code) in (Category.PRESENT, Category.APPROVED_ACTIVITY)


def counts_as_present(code: str) -> bool:
    return category_of(code) is Category.PRESENT


def counts_as_approved_activity(code: str) -> bool:
    return category_of(code) is Category.APPROVED_ACTIVITY


def counts_as_authorised(code: str) -> bool:
    return category_of(code) is Category.AUTHORISED


def counts_as_unauthorised(code: str) -> bool:
    return category_of(code) is Category.UNAUTHORISED


def is_not_counted(code: str) -> bool:
    return category_of(code) is Category.NOT_COUNTED


def choices() -> list[tuple[str, str]]:
    """(code, "code – meaning") pairs of the current codes, in DfE order, for a form's select."""
    return [(c.code, str(c)) for c in _CURRENT]
