"""Part-time timetables as pure rules (STATUTORY_RULES.md section 5; seed 001 Appendix 3, the local
authority's part-time timetable protocol).

A part-time timetable is used only in exceptional circumstances and *never to manage behaviour*. It
needs the parent's agreement, a risk assessment, a time limit and regular review; the sessions the
pupil is not expected in are coded ``C2``.

* **Full-time guideline hours a week** by key stage (DfE, quoted by the protocol): KS1 21, KS2 23.5,
  KS3 24, KS4 25. Reception and nursery (EYFS) have no figure of their own: the protocol applies to
  Reception children who are not "school ready", and we compare them with KS1's 21 hours (said beside
  the figure). The protocol gives Year 10 24 hours; we follow the statutory table's 25 for all of KS4.
  Sixth form (KS5) has no guideline.
* **The time limit**: the end date is at most ``max_weeks`` *school weeks* from the start (the
  protocol's 6 by default; a school setting). The week the timetable starts in is the first; a week
  without any school session (a holiday) does not count, so a timetable starting before half-term may
  end after it.
* **Reviews**: every ``review_days`` calendar days (the protocol's "fortnightly": 14), from the start
  and then from each review held; a review falling on a day the school is closed is due on the next
  school day.
* **Extending**: the protocol's limit is on the whole timetable ("a time limit by which point the pupil
  is expected to attend full-time ... not exceed 6 school weeks at the maximum"), so a review may move
  the end date later only within the same limit from the *start*. Going on beyond it is a new
  timetable, with a fresh implementation meeting, consent and risk assessment.

Worked example: autumn half-terms 1 Sep-23 Oct and 2 Nov-18 Dec 2026. A timetable starting on
Wednesday 14 October may run until Friday 27 November at the latest: the weeks of 12 and 19 October
are the first two, half-term (26 October) is not a school week, and 2, 9, 16 and 23 November make six.

    >>> from datetime import date
    >>> from school.calendar import SchoolCalendar
    >>> cal = SchoolCalendar.build([(date(2026, 9, 1), date(2026, 10, 23)), (date(2026, 11, 2), date(2026, 12, 18))])
    >>> latest_end_date(cal, start=date(2026, 10, 14), max_weeks=6)
    datetime.date(2026, 11, 27)
    >>> school_weeks_used(cal, start=date(2026, 10, 14), end=date(2026, 11, 27))
    6
    >>> print(end_date_problem(cal, start=date(2026, 10, 14), end=date(2026, 11, 30), max_weeks=6))
    The end date can be at most 6 school weeks from the start: Friday 27 November 2026 at the latest (the protocol's limit; holidays do not count).
    >>> next_review_due(date(2026, 10, 14), days=14, calendar=cal)   # 28 October is half-term
    datetime.date(2026, 11, 2)
    >>> guideline_hours(3), key_stage_of(3)
    (Decimal('23.5'), 'KS2')
    >>> reason_problem("behaviour")[:60]
    'A part-time timetable must never be used to manage behaviour'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from school.models import YearGroup

DEFAULT_MAX_SCHOOL_WEEKS = 6
DEFAULT_REVIEW_DAYS = 14
#: Used when the school has not said how long a session is (School.hours_per_session).
DEFAULT_HOURS_PER_SESSION = Decimal("2.5")

MEDICAL = "medical"
SEMH = "semh"
SEND_PLACEMENT = "send_placement"
NOT_SCHOOL_READY = "not_school_ready"
BEHAVIOUR = "behaviour"

#: The exceptional circumstances the protocol allows, in its own order.
REASONS = [
    (MEDICAL, "Health or medical needs"),
    (SEMH, "Significant social, emotional and mental health needs"),
    (SEND_PLACEMENT, "SEND: the setting cannot meet need while a new placement is sought"),
    (NOT_SCHOOL_READY, "Not school-ready (an extended integration programme)"),
]
REASON_LABELS = dict(REASONS)
BEHAVIOUR_REFUSAL = (
    "A part-time timetable must never be used to manage behaviour: every pupil is entitled to a "
    "full-time education. Use the behaviour policy and a pastoral support programme instead; if the "
    "pupil has unmet needs behind the behaviour, choose the reason that describes them."
)

KS_HOURS = {"KS1": Decimal("21"), "KS2": Decimal("23.5"), "KS3": Decimal("24"), "KS4": Decimal("25")}
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
SESSIONS = ("AM", "PM")
FULL_WEEK_SESSIONS = len(WEEKDAYS) * len(SESSIONS)


def _long(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


# --- reasons ---------------------------------------------------------------------------------------
def reason_problem(reason: str) -> str | None:
    """Why ``reason`` cannot be the reason for a part-time timetable, or None when it can.

    >>> reason_problem("medical") is None
    True
    >>> reason_problem("")
    'Choose the exceptional circumstance that makes a part-time timetable necessary.'
    """
    if reason == BEHAVIOUR:
        return BEHAVIOUR_REFUSAL
    if reason in REASON_LABELS:
        return None
    if not reason:
        return "Choose the exceptional circumstance that makes a part-time timetable necessary."
    return f"{reason!r} is not one of the exceptional circumstances the protocol allows."


# --- key stage and hours ---------------------------------------------------------------------------
def key_stage_of(year_group: int) -> str:
    """The key stage of a national curriculum year (Nursery -1 and Reception 0 are EYFS), as
    school.models.YearGroup has it."""
    return YearGroup.key_stage(year_group)


def guideline_hours(year_group: int) -> Decimal | None:
    """Full-time guideline hours a week for the year group; EYFS uses KS1's; KS5 has none."""
    stage = key_stage_of(year_group)
    if stage == "EYFS":
        return KS_HOURS["KS1"]
    return KS_HOURS.get(stage)


def guideline_note(year_group: int) -> str:
    stage = key_stage_of(year_group)
    if stage == "EYFS":
        return "Reception and nursery have no guideline of their own; KS1's 21 hours is used."
    if stage == "KS5":
        return "There is no full-time guideline for the sixth form."
    return f"The full-time guideline for {stage} is {KS_HOURS[stage].normalize():f} hours a week."


@dataclass(frozen=True)
class WeekHours:
    """The agreed sessions of a week against the full-time guideline."""

    sessions: int
    hours_per_session: Decimal
    session_length_is_default: bool
    hours: Decimal
    guideline: Decimal | None
    key_stage: str

    @property
    def share_of_guideline(self) -> int | None:
        """Whole percent of the guideline hours (may pass 100 with long sessions)."""
        if not self.guideline:
            return None
        return int((self.hours / self.guideline * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    @property
    def below_guideline(self) -> Decimal | None:
        if self.guideline is None:
            return None
        return max(Decimal(0), self.guideline - self.hours)


def week_hours(sessions: int, *, year_group: int, hours_per_session: Decimal | None) -> WeekHours:
    """Agreed sessions a week in hours, with the guideline for the year group.

    >>> w = week_hours(5, year_group=1, hours_per_session=None)
    >>> w.hours, w.guideline, w.share_of_guideline, w.session_length_is_default
    (Decimal('12.5'), Decimal('21'), 60, True)
    """
    default = not hours_per_session
    length = DEFAULT_HOURS_PER_SESSION if default else Decimal(hours_per_session)
    return WeekHours(
        sessions=sessions,
        hours_per_session=length,
        session_length_is_default=default,
        hours=(length * sessions).normalize(),
        guideline=guideline_hours(year_group),
        key_stage=key_stage_of(year_group),
    )


# --- the time limit --------------------------------------------------------------------------------
def school_weeks_used(calendar, *, start: date, end: date) -> int:
    """School weeks (weeks with at least one session) from the week of ``start`` to that of ``end``."""
    if end < start:
        return 0
    return len(calendar.school_weeks_between(start, end))


def latest_end_date(calendar, *, start: date, max_weeks: int) -> date | None:
    """The last school day of the ``max_weeks``-th school week counting the week of ``start`` as the
    first; None when the school calendar does not reach that far yet."""
    days = calendar.school_days_between(start, start + timedelta(days=7 * (max_weeks + 52)))
    if not days:
        return None
    weeks: list[date] = []
    for day in days:
        monday = day - timedelta(days=day.weekday())
        if not weeks or weeks[-1] != monday:
            weeks.append(monday)
    if len(weeks) < max_weeks:
        return None
    last_monday = weeks[max_weeks - 1]
    return max(d for d in days if last_monday <= d < last_monday + timedelta(days=7))


def end_date_problem(calendar, *, start: date | None, end: date | None, max_weeks: int) -> str | None:
    """Why ``end`` cannot be the end date of a timetable starting on ``start``, or None."""
    if end is None:
        return (
            "Give the end date: a part-time timetable must have a time limit by which the pupil is "
            "expected back full-time."
        )
    if start is None:
        return None
    if end < start:
        return "The end date cannot be before the start date."
    if school_weeks_used(calendar, start=start, end=end) > max_weeks:
        latest = latest_end_date(calendar, start=start, max_weeks=max_weeks)
        by = f": {_long(latest)} at the latest" if latest else ""
        return (
            f"The end date can be at most {max_weeks} school weeks from the start{by} (the protocol's "
            "limit; holidays do not count)."
        )
    if not calendar.school_days_between(end, end + timedelta(days=400)) and not calendar.in_term(end):
        return (
            "The school calendar does not reach that date yet, so its school weeks cannot be counted: "
            "add the next term's dates to the calendar first."
        )
    return None


# --- reviews ---------------------------------------------------------------------------------------
def next_review_due(after: date, *, days: int = DEFAULT_REVIEW_DAYS, calendar=None) -> date:
    """``days`` after ``after``; moved to the next school day when the school is closed that day."""
    due = after + timedelta(days=days)
    if calendar is not None and not calendar.is_school_day(due):
        following = calendar.school_days_between(due, due + timedelta(days=120))
        if following:
            return following[0]
    return due


# --- sessions --------------------------------------------------------------------------------------
def session_label(weekday: int, session: str) -> str:
    """ "Monday morning" (weekday 0 is Monday)."""
    return f"{WEEKDAYS[weekday]} {'morning' if session == 'AM' else 'afternoon'}"


def describe_sessions(agreed: Iterable[tuple[int, str]]) -> str:
    """The agreed sessions in plain English, in week order.

    >>> describe_sessions([(0, "AM"), (1, "AM"), (0, "PM")])
    'Monday morning and afternoon, Tuesday morning'
    >>> describe_sessions([(d, "AM") for d in range(5)])
    'every morning'
    >>> describe_sessions([])
    'no sessions'
    """
    chosen = set(agreed)
    for session, half in (("AM", "morning"), ("PM", "afternoon")):
        if chosen == {(d, session) for d in range(len(WEEKDAYS))}:
            return f"every {half}"
    parts = []
    for weekday, name in enumerate(WEEKDAYS):
        halves = [h for h, s in (("morning", "AM"), ("afternoon", "PM")) if (weekday, s) in chosen]
        if halves:
            parts.append(f"{name} {' and '.join(halves)}")
    return ", ".join(parts) or "no sessions"


def missed_sessions(school_sessions: Iterable[tuple[date, str]], agreed: Iterable[tuple[int, str]]):
    """The school sessions the pupil is *not* expected in (those coded C2), in order.

    >>> days = [(date(2026, 11, 2), "AM"), (date(2026, 11, 2), "PM"), (date(2026, 11, 3), "AM")]
    >>> missed_sessions(days, [(0, "AM")])
    [(datetime.date(2026, 11, 2), 'PM'), (datetime.date(2026, 11, 3), 'AM')]
    """
    chosen = set(agreed)
    return [(day, s) for day, s in school_sessions if (day.weekday(), s) not in chosen]


def sessions_problem(agreed: Iterable[tuple[int, str]]) -> str | None:
    """A part-time timetable has some sessions in school and is not the full week."""
    chosen = set(agreed)
    if any(w not in range(len(WEEKDAYS)) or s not in SESSIONS for w, s in chosen):
        return "Choose sessions from Monday to Friday, morning or afternoon."
    if not chosen:
        return "Choose at least one session the pupil attends (a pupil not attending at all is not on a part-time timetable)."
    if len(chosen) >= FULL_WEEK_SESSIONS:
        return "Every session is chosen: that is a full-time timetable."
    return None
