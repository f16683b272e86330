"""Returns to the local authority, as pure rules: which are due, and by when (docs/rules.md sections 4, 7).

* **New pupil return** (SI 2024/208 reg 13): the admission-register items for a new pupil go to the local
  authority by the end of the 5th day after the pupil's name is entered in the admission register. The
  product takes the admission date as the day the name is entered, and counts calendar days (the
  regulation says days, not school days). Not needed for a pupil joining the most junior year group on
  the first day of the school year, unless the local authority asks.
* **Deletion return**: due when a name is deleted from the admission register. A name is deleted the day
  after the pupil's last day on roll (``leaving_date``), so that is the due date.
* **Attendance return** (10 continuous school days of unauthorised absence) and **sickness return**
  (a pupil expected to miss 15 school days through illness): the regulations ask for these "at intervals
  agreed with the local authority, at least once a calendar month". The product's reading: each is due by
  the last day of the calendar month in which it became due, so it goes with that month's return.
* **One sickness return per period of illness**: a period is a run of consecutive school sessions coded
  ``I`` (a session with another code, or with no mark, ends it). Days the school does not meet
  (weekends, holidays, closure days in the calendar) are not sessions, so they never end a period; nor
  does a session the pupil could not have attended anyway, marked ``#`` (school closed, for example an
  INSET day imported from the MIS) or ``Y``/``Y1``-``Y7`` (exceptional circumstances such as snow):
  such a session neither ends the period nor counts in it. The first return covers the period in
  which the pupil's illness reached (or was expected to reach) 15 school days; each later, separate
  period of at least one whole school day in the same school year gets its own return.

Worked example: a pupil admitted on Wednesday 4 November 2026 must be reported by Monday 9 November;
one who left on Friday 20 November is deleted, and reported, on Saturday 21 November.

    >>> from datetime import date
    >>> new_pupil_due(date(2026, 11, 4)), deletion_due(date(2026, 11, 20))
    (datetime.date(2026, 11, 9), datetime.date(2026, 11, 21))
    >>> monthly_due(date(2026, 11, 17)), monthly_due(date(2026, 12, 31))
    (datetime.date(2026, 11, 30), datetime.date(2026, 12, 31))
    >>> sessions = [(date(2026, 11, d), s) for d in (16, 17, 18, 19) for s in ("AM", "PM")]
    >>> marks = {s: "I" for s in sessions[:3]} | {sessions[3]: "/"} | {s: "I" for s in sessions[4:]}
    >>> [(run[0][0], len(run)) for run in illness_periods(sessions, marks)]
    [(datetime.date(2026, 11, 16), 3), (datetime.date(2026, 11, 18), 4)]
"""

from __future__ import annotations

import calendar as month_calendar
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

NEW_PUPIL_DAYS = 5
ILLNESS_CODES = frozenset({"I"})
#: Sessions the pupil could not have attended (school closed, exceptional circumstances): they neither
#: end a period of illness nor count in it.
CLOSED_CODES = frozenset({"#", "Y", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7"})
#: A later period of illness gets its own return when it lasts at least this many sessions (a whole day).
SEPARATE_PERIOD_MIN_SESSIONS = 2

READING = (
    "New pupil returns are due by the end of the 5th day after the admission date; deletion returns on "
    "the day the name is deleted (the day after the last day on roll); attendance (10 continuous school "
    "days) and sickness returns by the last day of the month in which they became due, with that month's "
    "return. Each separate period of illness gets its own sickness return."
)


def new_pupil_due(admission_date: date) -> date:
    return admission_date + timedelta(days=NEW_PUPIL_DAYS)


def deletion_due(leaving_date: date) -> date:
    return leaving_date + timedelta(days=1)


def monthly_due(day: date) -> date:
    return day.replace(day=month_calendar.monthrange(day.year, day.month)[1])


def new_pupil_exempt(
    *, admission_date: date, year_group: int, first_school_day: date | None, junior_year: int
):
    """The pupil joined the most junior year group on the first day of the school year: no return.

    >>> new_pupil_exempt(admission_date=date(2026, 9, 3), year_group=0,
    ...                  first_school_day=date(2026, 9, 3), junior_year=0)
    True
    >>> new_pupil_exempt(admission_date=date(2026, 9, 4), year_group=0,
    ...                  first_school_day=date(2026, 9, 3), junior_year=0)
    False
    """
    return admission_date == first_school_day and year_group == junior_year


def illness_periods(
    sessions: Sequence[tuple[date, str]], marks: Mapping[tuple[date, str], str]
) -> list[list[tuple[date, str]]]:
    """Runs of consecutive school sessions coded I, in order (a session with no mark ends a run).

    Boundaries: ill on Friday, the school closed on Monday (an INSET day: not a session, or a session
    marked ``#``) and ill again on Tuesday is one period; a school day present between is two.

    >>> fri, mon, tue, wed = (date(2026, 11, d) for d in (20, 23, 24, 25))
    >>> sessions = [(d, s) for d in (fri, mon, tue, wed) for s in ("AM", "PM")]
    >>> marks = {s: "I" for s in sessions} | {(mon, "AM"): "#", (mon, "PM"): "#"}
    >>> [len(run) for run in illness_periods(sessions, marks)]
    [6]
    >>> [len(run) for run in illness_periods(sessions, marks | {(mon, "AM"): "/", (mon, "PM"): "/"})]
    [2, 4]
    """
    runs: list[list[tuple[date, str]]] = []
    current: list[tuple[date, str]] = []
    for session in sessions:
        code = marks.get(session)
        if code in ILLNESS_CODES:
            current.append(session)
        elif code in CLOSED_CODES:
            continue
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def sickness_periods_due(
    periods: Sequence[Sequence[tuple[date, str]]], *, reached_on: date
) -> list[Sequence[tuple[date, str]]]:
    """The periods that each need a return: the one in progress (or the last one) when the year's
    illness reached 15 school days on ``reached_on``, and each later separate period of a day or more.

    >>> d = lambda n: (date(2026, 11, n), "AM")
    >>> [p[0][0].day for p in sickness_periods_due([[d(2)], [d(9), d(10)], [d(20)], [d(23), d(24)]],
    ...                                                reached_on=date(2026, 11, 12))]
    [9, 23]
    """
    started = [p for p in periods if p[0][0] <= reached_on]
    first = started[-1:] if started else list(periods[:1])
    later = [p for p in periods if p[0][0] > reached_on and p not in first]
    return [*first, *(p for p in later if len(p) >= SEPARATE_PERIOD_MIN_SESSIONS)]
