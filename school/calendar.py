"""The school calendar service: school days, sessions, school weeks and school-day arithmetic.

A school day is a weekday inside a half-term (TermPeriod) that is neither a bank holiday in England
(from the `holidays` package) nor a whole-day closure. A closure may cover only the morning or the
afternoon, in which case the day has one session. A *school week* is any Monday-Sunday week with at
least one session (School Attendance Regulations 2024; docs/rules.md section 3).

Build one `SchoolCalendar` per request or task (two queries) and ask it as many questions as you like:

    cal = SchoolCalendar.for_school(school)
    cal.is_school_day(date(2026, 10, 26))        # False: half-term holiday
    cal.add_school_days(date(2026, 10, 22), 5)   # counts on past half-term into November
    cal.last_school_weeks(10, ending=date(2026, 11, 20))  # (first Monday, last Sunday) of 10 school weeks

Worked example: half-terms 1 Sep-23 Oct and 2 Nov-18 Dec 2026. Friday 23 Oct plus 1 school day is
Monday 2 Nov (26-30 Oct is half-term). The last 2 school weeks ending Friday 6 Nov are the weeks of
2 Nov and 19 Oct: the half-term week has no sessions, so it is not a school week and is skipped.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

import holidays

AM, PM = "AM", "PM"
BOTH = (AM, PM)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def england_bank_holiday_names(years: Iterable[int]) -> dict[date, str]:
    """Bank holidays in England for `years`, from the `holidays` package, with their names."""
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=sorted(set(years))).items())


def england_bank_holidays(years: Iterable[int]) -> set[date]:
    return set(england_bank_holiday_names(years))


def closure_date_refusal(calendar: SchoolCalendar, day: date, *, in_academic_year: bool) -> str | None:
    """Why a closure cannot go on `day`, or None. A closure only makes sense on a day the school meets.

    The school is already closed at weekends, on bank holidays and in holidays (days of an academic
    year outside every half-term); a date outside every academic year is not in the calendar at all.

    >>> cal = SchoolCalendar.build([(date(2026, 9, 1), date(2026, 10, 23)), (date(2026, 11, 2), date(2026, 12, 18))])
    >>> closure_date_refusal(cal, date(2026, 11, 16), in_academic_year=True) is None
    True
    >>> closure_date_refusal(cal, date(2026, 11, 21), in_academic_year=True)
    'That is a weekend: the school is already closed.'
    >>> closure_date_refusal(cal, date(2026, 10, 27), in_academic_year=True)
    'That day is in a holiday: the school is already closed.'
    """
    if not in_academic_year:
        return "That date is outside every academic year of the school calendar. Add the year first."
    if day.weekday() >= 5:
        return "That is a weekend: the school is already closed."
    if day in calendar.bank_holidays:
        return "That is a bank holiday: the school is already closed."
    if not calendar.in_term(day):
        return "That day is in a holiday: the school is already closed."
    return None


@dataclass(frozen=True)
class SchoolCalendar:
    """An in-memory calendar: periods are (start, end) inclusive; closures map a date to closed sessions."""

    periods: tuple[tuple[date, date], ...]
    closures: dict[date, tuple[str, ...]] = field(default_factory=dict)
    bank_holidays: frozenset[date] = frozenset()

    @classmethod
    def build(cls, periods, closures=None, *, use_bank_holidays: bool = True) -> SchoolCalendar:
        periods = tuple(sorted((start, end) for start, end in periods))
        years = {d.year for start, end in periods for d in (start, end)}
        bank = frozenset(england_bank_holidays(years)) if (use_bank_holidays and years) else frozenset()
        return cls(periods=periods, closures=dict(closures or {}), bank_holidays=bank)

    @classmethod
    def for_school(cls, school) -> SchoolCalendar:
        from .models import ClosureDay, TermPeriod

        periods = TermPeriod.objects.filter(academic_year__school=school).values_list(
            "start_date", "end_date"
        )
        closures = {}
        for day, sessions in ClosureDay.objects.filter(school=school).values_list("date", "sessions"):
            closures[day] = BOTH if sessions == ClosureDay.Sessions.BOTH else (sessions,)
        return cls.build(list(periods), closures)

    # --- days and sessions ------------------------------------------------------------------------
    def in_term(self, day: date) -> bool:
        return any(start <= day <= end for start, end in self.periods)

    def sessions_on(self, day: date) -> tuple[str, ...]:
        """The sessions the school meets on `day`: (), ("AM",), ("PM",) or ("AM", "PM")."""
        if day.weekday() >= 5 or day in self.bank_holidays or not self.in_term(day):
            return ()
        closed = self.closures.get(day, ())
        return tuple(s for s in BOTH if s not in closed)

    def is_school_day(self, day: date) -> bool:
        return bool(self.sessions_on(day))

    def is_session(self, day: date, session: str) -> bool:
        return session in self.sessions_on(day)

    @cached_property
    def _school_days(self) -> list[date]:
        days = []
        for start, end in self.periods:
            day = start
            while day <= end:
                if self.sessions_on(day):
                    days.append(day)
                day += timedelta(days=1)
        return sorted(set(days))

    def school_days_between(self, start: date, end: date) -> list[date]:
        """School days from `start` to `end`, both included."""
        days = self._school_days
        return days[bisect_left(days, start) : bisect_right(days, end)]

    def count_school_days_between(self, start: date, end: date) -> int:
        days = self._school_days
        return max(0, bisect_right(days, end) - bisect_left(days, start))

    def sessions_between(self, start: date, end: date) -> list[tuple[date, str]]:
        return [(day, s) for day in self.school_days_between(start, end) for s in self.sessions_on(day)]

    def add_school_days(self, day: date, n: int) -> date:
        """The school day `n` school days after `day` (before it when n is negative).

        Raises ValueError when the calendar does not reach that far.
        """
        days = self._school_days
        if n >= 0:
            index = bisect_right(days, day) + n - 1
        else:
            index = bisect_left(days, day) + n
        if n == 0:
            if day in days:
                return day
            raise ValueError(f"{day} is not a school day.")
        if index < 0 or index >= len(days):
            raise ValueError("The school calendar does not reach that far; add the next academic year.")
        return days[index]

    def school_days_since(self, day: date, *, today: date) -> int:
        """School days after `day` up to and including `today` (the age of a mark, in school days)."""
        if today <= day:
            return 0
        return self.count_school_days_between(day + timedelta(days=1), today)

    # --- school weeks -----------------------------------------------------------------------------
    @cached_property
    def _school_weeks(self) -> list[date]:
        return sorted({monday_of(day) for day in self._school_days})

    def last_school_weeks(self, n: int, *, ending: date) -> tuple[date, date] | None:
        """The first and last day of the last `n` school weeks up to the week containing `ending`.

        The range runs from the Monday of the earliest week to `ending` itself (sessions after
        `ending` have not happened). Weeks without any session (holidays) are skipped, so ten school
        weeks can span a half-term or the summer and two academic years. None if there are no school
        weeks at all up to `ending`.
        """
        weeks = self._school_weeks
        upto = bisect_right(weeks, monday_of(ending))
        if upto == 0:
            return None
        first = weeks[max(0, upto - n)]
        return first, ending

    def school_weeks_between(self, start: date, end: date) -> list[date]:
        """Mondays of the school weeks that overlap start..end."""
        weeks = self._school_weeks
        return weeks[bisect_left(weeks, monday_of(start)) : bisect_right(weeks, monday_of(end))]

    def academic_year_start(self, day: date) -> date | None:
        """First school day of the academic year containing `day` (1 Sept boundary), if known."""
        year_start = date(day.year if day.month >= 9 else day.year - 1, 9, 1)
        days = self.school_days_between(year_start, day)
        if days:
            return days[0]
        following = self._school_days[bisect_left(self._school_days, year_start) :]
        return following[0] if following else None
