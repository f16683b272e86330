"""The school calendar as one night's checks see it, worked out once per run: ``NightlyWindow``.

Planning and writing both need the same dates (the ten-school-week window the triggers look back
over, the week of the night, the earlier school weeks a step-down is judged on, due dates counted in
school days). Working them out in one place, once, means the two halves cannot disagree about them.

Worked example: autumn term 2026 with half-term from 26 to 30 October, checked on Friday 20 November,
stepping down after 4 better school weeks. The half-term week is not a school week, so the four weeks
before this one reach back to 12 October, and ten school weeks reach back to 7 September:

>>> from school.calendar import SchoolCalendar
>>> autumn = SchoolCalendar.build(
...     [(date(2026, 9, 1), date(2026, 10, 23)), (date(2026, 11, 2), date(2026, 12, 18))],
...     use_bank_holidays=False,
... )
>>> w = NightlyWindow.build(autumn, date(2026, 11, 20), step_down_weeks=4)
>>> w.start, w.this_week, w.is_school_week
(datetime.date(2026, 9, 7), datetime.date(2026, 11, 16), True)
>>> [f"{m:%-d %b}" for m in w.recent_mondays]
['12 Oct', '19 Oct', '2 Nov', '9 Nov']
>>> len(w.sessions), len(w.week_sessions)  # 10 weeks of 5 days (half-term skipped), 2 sessions each
(100, 10)
>>> w.school_days_after(3), w.school_days_after(-1)  # Wednesday next week; Thursday
(datetime.date(2026, 11, 25), datetime.date(2026, 11, 19))
>>> w.school_days_after(30)  # past the end of the calendar: counted in calendar weeks instead
datetime.date(2027, 1, 1)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from school.calendar import SchoolCalendar, monday_of

#: How far back the triggers look (the national framework's "last 10 school weeks").
WINDOW_WEEKS = 10
#: How far back the school weeks are listed from the window's start, for the step-down history.
HISTORY_WEEKS = 30


@dataclass(frozen=True)
class NightlyWindow:
    """The dates one night's checks work with, as of the end of ``on``."""

    on: date
    #: The first day of the last ten school weeks up to ``on`` (``on`` itself when there are none).
    start: date
    #: The Monday of the week of ``on``.
    this_week: date
    #: Every school session from ``start`` to ``on``, in order.
    sessions: tuple[tuple[date, str], ...]
    #: The school weeks (their Mondays) before this one that a step-down is judged on, oldest first.
    recent_mondays: tuple[date, ...]
    #: The sessions of the week of ``on`` (up to ``on``).
    week_sessions: tuple[tuple[date, str], ...]
    #: Whether the week of ``on`` has any school session (a holiday week records no week band).
    is_school_week: bool
    calendar: SchoolCalendar = field(repr=False, compare=False)

    @classmethod
    def build(cls, calendar: SchoolCalendar, on: date, *, step_down_weeks: int) -> NightlyWindow:
        weeks = calendar.last_school_weeks(WINDOW_WEEKS, ending=on)
        start = weeks[0] if weeks else on
        this_week = monday_of(on)
        school_weeks = calendar.school_weeks_between(start - timedelta(weeks=HISTORY_WEEKS), on)
        sessions = tuple(calendar.sessions_between(start, on))
        return cls(
            on=on,
            start=start,
            this_week=this_week,
            sessions=sessions,
            week_sessions=tuple(s for s in sessions if s[0] >= this_week),
            recent_mondays=tuple([m for m in school_weeks if m < this_week][-step_down_weeks:]),
            is_school_week=this_week in school_weeks,
            calendar=calendar,
        )

    def school_days_after(self, n: int) -> date:
        """The school day ``n`` school days after ``on`` (before it when negative). Past the end of
        the calendar (next year's terms not entered yet) it falls back to calendar weeks."""
        try:
            return self.calendar.add_school_days(self.on, n)
        except ValueError:
            return self.on + timedelta(days=round(n * 7 / 5))

    def expected_illness_sessions(self, expected_return: date | None) -> int:
        """Sessions of illness still to come before an expected return (0 when none is expected)."""
        if not expected_return:
            return 0
        return 2 * self.calendar.count_school_days_between(
            self.on + timedelta(days=1), expected_return - timedelta(days=1)
        )
