"""The school calendar across half-terms, bank holidays, closures and academic-year boundaries."""

from datetime import date

import pytest

from school.calendar import AM, PM, SchoolCalendar, monday_of
from tests import factories as f

D = date


def periods(*years):
    return [(start, end) for half_terms in years for _, start, end in half_terms]


@pytest.fixture(scope="module")
def cal():
    """2025/26 and 2026/27 (tests/factories.py), INSET on 4 Jan 2027, morning-only closure on 14 Oct 2026."""
    return SchoolCalendar.build(
        periods(f.HALF_TERMS_2025_26, f.HALF_TERMS_2026_27),
        {D(2027, 1, 4): (AM, PM), D(2026, 10, 14): (AM,), D(2026, 10, 15): (PM,)},
    )


@pytest.mark.parametrize(
    "day, sessions",
    [
        (D(2026, 10, 23), (AM, PM)),  # last day of Autumn 1
        (D(2026, 10, 24), ()),  # Saturday
        (D(2026, 10, 26), ()),  # October half-term
        (D(2026, 11, 2), (AM, PM)),  # back after half-term
        (D(2026, 10, 14), (PM,)),  # morning-only closure
        (D(2026, 10, 15), (AM,)),  # afternoon-only closure
        (D(2027, 1, 4), ()),  # INSET day
        (D(2027, 1, 5), (AM, PM)),  # first day of Spring 1
        (D(2027, 5, 3), ()),  # early May bank holiday, inside Summer 1
        (D(2027, 5, 4), (AM, PM)),
        (D(2026, 7, 22), (AM, PM)),  # last day of 2025/26
        (D(2026, 8, 3), ()),  # summer holiday
        (D(2026, 9, 1), ()),  # before Autumn 1 starts
    ],
)
def test_sessions_on(cal, day, sessions):
    assert cal.sessions_on(day) == sessions
    assert cal.is_school_day(day) is bool(sessions)
    assert cal.is_session(day, AM) is (AM in sessions)


@pytest.mark.parametrize(
    "day", [D(2026, 12, 25), D(2026, 12, 28), D(2027, 1, 1), D(2027, 3, 26), D(2027, 3, 29), D(2027, 5, 31)]
)
def test_bank_holidays_close_the_school_even_inside_a_term(day):
    # A made-up term that runs through Christmas, Easter and May: bank holidays still are not school days.
    term = SchoolCalendar.build([(D(2026, 12, 21), D(2027, 6, 4))])
    assert not term.is_school_day(day)
    assert term.is_school_day(D(2026, 12, 29))  # between Boxing Day (observed) and New Year


def test_calendar_without_bank_holidays_when_asked():
    term = SchoolCalendar.build([(D(2027, 5, 3), D(2027, 5, 3))], use_bank_holidays=False)
    assert term.is_school_day(D(2027, 5, 3))


def test_school_days_between_and_counts(cal):
    days = cal.school_days_between(D(2026, 10, 21), D(2026, 11, 3))
    assert days == [D(2026, 10, 21), D(2026, 10, 22), D(2026, 10, 23), D(2026, 11, 2), D(2026, 11, 3)]
    assert cal.count_school_days_between(D(2026, 10, 21), D(2026, 11, 3)) == 5
    assert cal.count_school_days_between(D(2026, 11, 3), D(2026, 10, 21)) == 0
    # 14 and 15 Oct have one session each, so 2 days but 2 sessions.
    assert len(cal.sessions_between(D(2026, 10, 14), D(2026, 10, 15))) == 2


@pytest.mark.parametrize(
    "start, n, expected",
    [
        (D(2026, 10, 23), 1, D(2026, 11, 2)),  # over October half-term
        (D(2026, 10, 22), 5, D(2026, 11, 5)),
        (D(2026, 10, 24), 1, D(2026, 11, 2)),  # from a Saturday
        (D(2026, 11, 2), -1, D(2026, 10, 23)),
        (D(2027, 4, 30), 1, D(2027, 5, 4)),  # over the early May bank holiday
        (D(2026, 12, 18), 1, D(2027, 1, 5)),  # over Christmas and the INSET day
        (D(2026, 7, 22), 1, D(2026, 9, 2)),  # into the next academic year
        (D(2026, 10, 14), 0, D(2026, 10, 14)),  # a half day is still a school day
    ],
)
def test_add_school_days(cal, start, n, expected):
    assert cal.add_school_days(start, n) == expected


def test_add_school_days_refuses_what_it_cannot_know(cal):
    with pytest.raises(ValueError):
        cal.add_school_days(D(2027, 7, 21), 1)  # no 2027/28 calendar yet
    with pytest.raises(ValueError):
        cal.add_school_days(D(2026, 10, 24), 0)  # not a school day


def test_school_days_since(cal):
    assert cal.school_days_since(D(2026, 10, 22), today=D(2026, 11, 2)) == 2
    assert cal.school_days_since(D(2026, 11, 2), today=D(2026, 11, 2)) == 0


@pytest.mark.parametrize(
    "n, ending, first",
    [
        (2, D(2026, 11, 6), D(2026, 10, 19)),  # skips the half-term week (docstring example)
        (1, D(2026, 11, 6), D(2026, 11, 2)),
        (10, D(2026, 11, 20), D(2026, 9, 7)),  # 3 weeks after half-term and 7 before it
        (11, D(2026, 11, 20), D(2026, 8, 31)),  # the week of 31 Aug has sessions from Wednesday 2 Sep
        (3, D(2026, 9, 9), D(2026, 7, 20)),  # over the summer into the previous academic year
        (2, D(2026, 11, 1), D(2026, 10, 12)),  # ending in a holiday week: the last two weeks of term
    ],
)
def test_last_school_weeks(cal, n, ending, first):
    assert cal.last_school_weeks(n, ending=ending) == (first, ending)


def test_a_week_closed_all_week_is_not_a_school_week():
    start, end = D(2026, 9, 7), D(2026, 9, 25)
    closed = {D(2026, 9, 14 + i): (AM, PM) for i in range(5)}
    term = SchoolCalendar.build([(start, end)], closed)
    assert term.school_weeks_between(start, end) == [D(2026, 9, 7), D(2026, 9, 21)]
    assert term.last_school_weeks(2, ending=D(2026, 9, 25)) == (D(2026, 9, 7), D(2026, 9, 25))


def test_last_school_weeks_before_any_term(cal):
    assert cal.last_school_weeks(10, ending=D(2025, 8, 1)) is None


def test_week_with_one_session_is_a_school_week():
    term = SchoolCalendar.build([(D(2026, 9, 7), D(2026, 9, 7))], {})
    assert term.school_weeks_between(D(2026, 9, 1), D(2026, 9, 30)) == [monday_of(D(2026, 9, 7))]


def test_academic_year_start(cal):
    assert cal.academic_year_start(D(2026, 11, 23)) == D(2026, 9, 2)
    assert cal.academic_year_start(D(2026, 3, 1)) == D(2025, 9, 3)
    assert cal.academic_year_start(D(2026, 8, 10)) == D(2025, 9, 3)


def test_for_school_reads_half_terms_and_closures(school):
    from school.models import ClosureDay

    ClosureDay.objects.create(school=school, date=D(2026, 11, 4), kind="planned", sessions="PM")
    calendar = SchoolCalendar.for_school(school)
    assert calendar.sessions_on(D(2026, 11, 4)) == (AM,)
    assert calendar.add_school_days(D(2026, 10, 23), 1) == D(2026, 11, 2)
