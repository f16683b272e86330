"""Boundary tables for send/part_time_rules.py (no database)."""

from datetime import date
from decimal import Decimal

import pytest

from school.calendar import SchoolCalendar
from send import part_time_rules as rules

# Autumn 2026 with half-term 26-30 October, then Christmas; spring from 5 January 2027.
CAL = SchoolCalendar.build(
    [
        (date(2026, 9, 2), date(2026, 10, 23)),
        (date(2026, 11, 2), date(2026, 12, 18)),
        (date(2027, 1, 5), date(2027, 2, 12)),
    ]
)


@pytest.mark.parametrize(
    ("year", "stage", "hours"),
    [
        (-1, "EYFS", Decimal("21")),
        (0, "EYFS", Decimal("21")),  # Reception: KS1's, said beside it
        (1, "KS1", Decimal("21")),
        (2, "KS1", Decimal("21")),
        (3, "KS2", Decimal("23.5")),
        (6, "KS2", Decimal("23.5")),
        (7, "KS3", Decimal("24")),
        (9, "KS3", Decimal("24")),
        (10, "KS4", Decimal("25")),
        (11, "KS4", Decimal("25")),
        (12, "KS5", None),
    ],
)
def test_key_stage_and_guideline_hours(year, stage, hours):
    assert rules.key_stage_of(year) == stage
    assert rules.guideline_hours(year) == hours


def test_reception_says_it_uses_key_stage_1():
    assert "KS1" in rules.guideline_note(0)
    assert rules.guideline_note(3) == "The full-time guideline for KS2 is 23.5 hours a week."


@pytest.mark.parametrize(
    ("reason", "refused"),
    [
        ("medical", False),
        ("semh", False),
        ("send_placement", False),
        ("not_school_ready", False),
        ("behaviour", True),
        ("", True),
        ("punishment", True),
    ],
)
def test_reasons(reason, refused):
    assert (rules.reason_problem(reason) is not None) is refused


def test_behaviour_is_refused_in_plain_english():
    assert "never be used to manage behaviour" in rules.reason_problem("behaviour")


@pytest.mark.parametrize(
    ("start", "end", "weeks"),
    [
        (date(2026, 11, 2), date(2026, 11, 6), 1),  # one school week
        (date(2026, 11, 6), date(2026, 11, 9), 2),  # Friday to Monday: two weeks
        (date(2026, 10, 19), date(2026, 11, 2), 2),  # across half-term: the holiday week is not counted
        (date(2026, 12, 14), date(2027, 1, 8), 2),  # across Christmas: two holiday weeks not counted
        (date(2026, 11, 9), date(2026, 11, 8), 0),  # end before start
    ],
)
def test_school_weeks_used(start, end, weeks):
    assert rules.school_weeks_used(CAL, start=start, end=end) == weeks


@pytest.mark.parametrize(
    ("start", "max_weeks", "latest"),
    [
        (date(2026, 11, 2), 6, date(2026, 12, 11)),  # Monday start: six whole weeks
        (date(2026, 11, 6), 6, date(2026, 12, 11)),  # Friday start: that week is the first
        (date(2026, 10, 14), 6, date(2026, 11, 27)),  # half-term not counted
        (date(2026, 12, 7), 6, date(2027, 1, 29)),  # Christmas not counted
        (date(2026, 11, 2), 1, date(2026, 11, 6)),
        (date(2027, 2, 1), 6, None),  # the calendar stops at 12 February
    ],
)
def test_latest_end_date(start, max_weeks, latest):
    assert rules.latest_end_date(CAL, start=start, max_weeks=max_weeks) == latest


@pytest.mark.parametrize(
    ("end", "ok"),
    [
        (date(2026, 12, 11), True),  # the last school day of the sixth week
        (date(2026, 12, 13), True),  # the Sunday of the sixth week
        (date(2026, 12, 14), False),  # the Monday of the seventh
        (date(2026, 11, 1), False),  # before the start
        (None, False),  # no end date
    ],
)
def test_end_date_boundaries(end, ok):
    problem = rules.end_date_problem(CAL, start=date(2026, 11, 2), end=end, max_weeks=6)
    assert (problem is None) is ok


def test_end_date_beyond_the_calendar_is_refused_with_a_way_forward():
    problem = rules.end_date_problem(CAL, start=date(2027, 2, 8), end=date(2027, 3, 1), max_weeks=6)
    assert "calendar does not reach" in problem


def test_too_late_end_date_names_the_latest_day():
    problem = rules.end_date_problem(CAL, start=date(2026, 11, 2), end=date(2026, 12, 14), max_weeks=6)
    assert "Friday 11 December 2026" in problem


@pytest.mark.parametrize(
    ("after", "days", "due"),
    [
        (date(2026, 11, 2), 14, date(2026, 11, 16)),
        (date(2026, 10, 12), 14, date(2026, 11, 2)),  # 26 October is half-term: next school day
        (date(2026, 11, 6), 14, date(2026, 11, 20)),
        (date(2026, 11, 7), 14, date(2026, 11, 23)),  # a Saturday: the Monday after
        (date(2026, 12, 11), 14, date(2027, 1, 5)),  # Christmas
        (date(2026, 11, 2), 7, date(2026, 11, 9)),
    ],
)
def test_next_review_due(after, days, due):
    assert rules.next_review_due(after, days=days, calendar=CAL) == due


@pytest.mark.parametrize(
    ("agreed", "problem"),
    [
        ([], True),
        ([(0, "AM")], False),
        ([(w, s) for w in range(5) for s in ("AM", "PM")][:9], False),
        ([(w, s) for w in range(5) for s in ("AM", "PM")], True),  # the full week is not part-time
        ([(5, "AM")], True),  # Saturday
        ([(0, "XX")], True),
    ],
)
def test_sessions_problem(agreed, problem):
    assert (rules.sessions_problem(agreed) is not None) is problem


@pytest.mark.parametrize(
    ("sessions", "length", "hours", "default"),
    [
        (5, None, Decimal("12.5"), True),
        (5, Decimal("3.25"), Decimal("16.25"), False),
        (0, Decimal("3.25"), Decimal("0"), False),
    ],
)
def test_week_hours(sessions, length, hours, default):
    w = rules.week_hours(sessions, year_group=3, hours_per_session=length)
    assert (w.hours, w.session_length_is_default, w.guideline) == (hours, default, Decimal("23.5"))


def test_missed_sessions_are_the_ones_not_agreed():
    week = CAL.sessions_between(date(2026, 11, 2), date(2026, 11, 6))
    missed = rules.missed_sessions(week, [(d, "AM") for d in range(5)])
    assert missed == [(date(2026, 11, d), "PM") for d in range(2, 7)]
