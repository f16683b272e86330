"""Boundary tables for the EHC needs assessment time limits (no database)."""

from datetime import date

import pytest

from send import ehc_assessment_deadlines as rules


@pytest.mark.parametrize(
    ("received", "decision", "not_to_issue", "final"),
    [
        # A Friday: every limit is a Friday too, weekends are not skipped.
        (date(2026, 9, 4), date(2026, 10, 16), date(2026, 12, 25), date(2027, 1, 22)),
        # A Saturday receipt keeps Saturday limits.
        (date(2026, 10, 31), date(2026, 12, 12), date(2027, 2, 20), date(2027, 3, 20)),
        # Month end into a short February (not a leap year).
        (date(2027, 1, 31), date(2027, 3, 14), date(2027, 5, 23), date(2027, 6, 20)),
        # Leap year: the decision falls on 29 February.
        (date(2028, 1, 18), date(2028, 2, 29), date(2028, 5, 9), date(2028, 6, 6)),
        # Across the year end.
        (date(2026, 12, 1), date(2027, 1, 12), date(2027, 3, 23), date(2027, 4, 20)),
    ],
)
def test_weeks_from_receipt(received, decision, not_to_issue, final):
    assert rules.decision_to_assess_due(received) == decision
    assert rules.decision_not_to_issue_due(received) == not_to_issue
    assert rules.final_plan_due(received) == final
    assert decision.weekday() == final.weekday() == received.weekday()


@pytest.mark.parametrize(
    ("asked", "due"),
    [
        (date(2026, 7, 1), date(2026, 8, 12)),
        (date(2028, 2, 1), date(2028, 3, 14)),
        (date(2027, 2, 1), date(2027, 3, 15)),
    ],
)
def test_advice_is_six_weeks_from_the_day_asked(asked, due):
    assert rules.advice_due(asked) == due


@pytest.mark.parametrize(
    ("served", "last_day"),
    [
        (date(2026, 9, 1), date(2026, 9, 15)),  # day served is day 1: 1 + 14
        (date(2028, 2, 20), date(2028, 3, 5)),  # through 29 February
        (date(2027, 2, 20), date(2027, 3, 6)),
        (date(2026, 12, 25), date(2027, 1, 8)),
    ],
)
def test_draft_comment_period_begins_with_the_day_served(served, last_day):
    assert rules.draft_comments_last_day(served) == last_day
    assert (last_day - served).days + 1 == 15


@pytest.mark.parametrize(
    ("last_completed", "requested", "flagged"),
    [
        (date(2027, 8, 31), date(2028, 2, 29), True),  # leap year: 31 Aug + 6 months = 29 Feb
        (date(2027, 8, 31), date(2028, 3, 1), False),
        (date(2026, 8, 31), date(2027, 2, 28), True),  # 28 Feb in a common year
        (date(2026, 8, 31), date(2027, 3, 1), False),
        (date(2026, 3, 15), date(2026, 9, 15), True),
        (date(2026, 3, 15), date(2026, 9, 16), False),
        (None, date(2026, 9, 16), False),
    ],
)
def test_reassessment_within_six_calendar_months(last_completed, requested, flagged):
    assert rules.reassessment_too_soon(last_completed=last_completed, requested=requested) is flagged


CLOSES, REOPENS = date(2026, 7, 22), date(2026, 9, 2)  # six weeks of summer closure


@pytest.mark.parametrize(
    ("asked", "in_exception"),
    [
        (date(2026, 7, 14), False),  # 8 days before closing
        (date(2026, 7, 15), True),  # 1 week before closing
        (date(2026, 8, 10), True),
        (date(2026, 8, 25), True),  # last day before the week before re-opening
        (date(2026, 8, 26), False),  # 1 week before re-opening: the school can answer
    ],
)
def test_summer_closure_exception(asked, in_exception):
    assert rules.advice_request_in_closure(asked, closes_on=CLOSES, reopens_on=REOPENS) is in_exception


def test_a_short_closure_is_no_exception():
    half_term = (date(2026, 10, 26), date(2026, 11, 2))
    assert not rules.advice_request_in_closure(
        date(2026, 10, 27), closes_on=half_term[0], reopens_on=half_term[1]
    )


@pytest.mark.parametrize(
    ("done", "today", "excepted", "state"),
    [
        (None, date(2026, 8, 12), False, "due"),  # the due day itself is still in time
        (None, date(2026, 8, 13), False, "overdue"),
        (None, date(2026, 8, 13), True, "late_excepted"),
        (date(2026, 8, 12), date(2026, 9, 1), False, "on_time"),
        (date(2026, 8, 13), date(2026, 9, 1), False, "late"),
        (date(2026, 8, 13), date(2026, 9, 1), True, "late_excepted"),
    ],
)
def test_step_state(done, today, excepted, state):
    assert rules.step_state(due=date(2026, 8, 12), done_on=done, today=today, excepted=excepted) == state
