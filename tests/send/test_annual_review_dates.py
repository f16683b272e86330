"""Boundary tables for the EHC plan review dates (send/annual_review_dates.py): no database."""

from datetime import date

import pytest

from send.annual_review_dates import (
    DAY_BEFORE,
    SAME_DATE,
    age_on,
    meeting_timeline,
    months_after,
    next_review_due,
    notice_refusal,
    transfer_deadline,
)


@pytest.mark.parametrize(
    ("start", "months", "reading", "expected"),
    [
        (date(2026, 3, 15), 12, DAY_BEFORE, date(2027, 3, 14)),
        (date(2026, 3, 15), 12, SAME_DATE, date(2027, 3, 15)),
        # 29 February: no such date next year, so the period ends with February, in either reading.
        (date(2028, 2, 29), 12, DAY_BEFORE, date(2029, 2, 28)),
        (date(2028, 2, 29), 12, SAME_DATE, date(2029, 2, 28)),
        # 1 March: the day before, in a leap year, is 29 February.
        (date(2027, 3, 1), 12, DAY_BEFORE, date(2028, 2, 29)),
        (date(2027, 3, 1), 12, SAME_DATE, date(2028, 3, 1)),
        # 1 January: the day before crosses back into December.
        (date(2026, 1, 1), 12, DAY_BEFORE, date(2026, 12, 31)),
        (date(2026, 12, 31), 12, DAY_BEFORE, date(2027, 12, 30)),
        # Six months from the end of August: no 31 February, so the end of February.
        (date(2026, 8, 31), 6, DAY_BEFORE, date(2027, 2, 28)),
        (date(2026, 8, 31), 6, SAME_DATE, date(2027, 2, 28)),
        (date(2027, 8, 31), 6, DAY_BEFORE, date(2028, 2, 29)),
        (date(2026, 9, 10), 6, DAY_BEFORE, date(2027, 3, 9)),
        (date(2026, 11, 30), 3, DAY_BEFORE, date(2027, 2, 28)),
        (date(2026, 10, 15), 3, SAME_DATE, date(2027, 1, 15)),
    ],
)
def test_months_after(start, months, reading, expected):
    assert months_after(start, months, reading=reading) == expected


def test_an_unknown_reading_is_refused():
    with pytest.raises(ValueError):
        months_after(date(2026, 1, 1), 12, reading="roughly")


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(2021, 5, 10), date(2026, 5, 9), 4),
        (date(2021, 5, 10), date(2026, 5, 10), 5),
        (date(2020, 2, 29), date(2025, 2, 28), 4),
        (date(2020, 2, 29), date(2025, 3, 1), 5),
    ],
)
def test_age_on(born, on, age):
    assert age_on(born, on) == age


@pytest.mark.parametrize(
    ("year_group", "today", "expected"),
    [
        (6, date(2026, 9, 1), date(2027, 2, 15)),
        (6, date(2027, 8, 31), date(2027, 2, 15)),
        (6, date(2027, 9, 1), date(2028, 2, 15)),
        (11, date(2026, 12, 1), date(2027, 3, 31)),
        (5, date(2026, 12, 1), None),
        (2, date(2026, 12, 1), None),
        (10, date(2026, 12, 1), None),
        (None, date(2026, 12, 1), None),
    ],
)
def test_transfer_deadline(year_group, today, expected):
    assert transfer_deadline(year_group, today=today) == expected


OLDER = date(2015, 1, 1)


@pytest.mark.parametrize(
    ("start", "year_group", "born", "reading", "today", "due", "kind"),
    [
        # Annual, both readings.
        (date(2026, 3, 15), 4, OLDER, DAY_BEFORE, date(2026, 6, 1), date(2027, 3, 14), "annual"),
        (date(2026, 3, 15), 4, OLDER, SAME_DATE, date(2026, 6, 1), date(2027, 3, 15), "annual"),
        # Year 6, last reviewed last year in March: the transfer date (15 Feb) comes first.
        (date(2026, 3, 15), 6, OLDER, DAY_BEFORE, date(2026, 10, 1), date(2027, 2, 15), "phase_transfer"),
        # Year 6, reviewed in early February last year: 12 months comes first (1 Feb 2027).
        (date(2026, 2, 2), 6, OLDER, DAY_BEFORE, date(2026, 10, 1), date(2027, 2, 1), "annual"),
        # Year 6 reviewed 15 February 2026: 12 months (14 Feb 2027) comes before 15 February.
        (date(2026, 2, 15), 6, OLDER, DAY_BEFORE, date(2026, 10, 1), date(2027, 2, 14), "annual"),
        (date(2026, 2, 16), 6, OLDER, DAY_BEFORE, date(2026, 10, 1), date(2027, 2, 15), "phase_transfer"),
        # Year 6 already reviewed in the transfer year (November): the next is 12 months on.
        (date(2026, 11, 20), 6, OLDER, DAY_BEFORE, date(2026, 12, 1), date(2027, 11, 19), "annual"),
        # Year 6, the transfer date already passed without a review: due (overdue) on 15 February.
        (date(2026, 6, 1), 6, OLDER, DAY_BEFORE, date(2027, 3, 1), date(2027, 2, 15), "phase_transfer"),
        # Year 11 to post-16: 31 March.
        (date(2026, 5, 1), 11, OLDER, DAY_BEFORE, date(2026, 9, 8), date(2027, 3, 31), "phase_transfer"),
        (date(2026, 3, 20), 11, OLDER, SAME_DATE, date(2026, 9, 8), date(2027, 3, 20), "annual"),
        # Under 5 on the start day: 6 months.
        (
            date(2026, 3, 15),
            -1,
            date(2022, 6, 1),
            DAY_BEFORE,
            date(2026, 4, 1),
            date(2026, 9, 14),
            "under_five",
        ),
        (
            date(2026, 3, 15),
            0,
            date(2021, 3, 16),
            SAME_DATE,
            date(2026, 4, 1),
            date(2026, 9, 15),
            "under_five",
        ),
        # Fifth birthday on the start day: annual.
        (date(2026, 3, 15), 0, date(2021, 3, 15), DAY_BEFORE, date(2026, 4, 1), date(2027, 3, 14), "annual"),
        # No date of birth known: annual.
        (date(2026, 3, 15), 0, None, DAY_BEFORE, date(2026, 4, 1), date(2027, 3, 14), "annual"),
    ],
)
def test_next_review_due(start, year_group, born, reading, today, due, kind):
    result = next_review_due(
        start=start, year_group=year_group, date_of_birth=born, reading=reading, today=today
    )
    assert (result.due, result.kind) == (due, kind)
    assert result.rule


def test_the_rule_text_says_which_reading_is_used():
    strict = next_review_due(
        start=date(2026, 3, 15), year_group=4, date_of_birth=OLDER, reading=DAY_BEFORE, today=date(2026, 4, 1)
    )
    same = next_review_due(
        start=date(2026, 3, 15), year_group=4, date_of_birth=OLDER, reading=SAME_DATE, today=date(2026, 4, 1)
    )
    assert "the day before the same date" in strict.rule and "15 March 2026" in strict.rule
    assert "the same calendar date" in same.rule


def test_under_five_gives_the_advised_three_month_date():
    result = next_review_due(
        start=date(2026, 3, 15),
        year_group=-1,
        date_of_birth=date(2023, 1, 1),
        reading=DAY_BEFORE,
        today=date(2026, 4, 1),
    )
    assert result.advised == date(2026, 6, 14)
    assert "every 3 months is advised" in result.rule


@pytest.mark.parametrize(
    ("meeting", "expected"),
    [
        (
            date(2027, 3, 15),
            {
                "advice_requested": date(2027, 2, 1),
                "invitations": date(2027, 3, 1),
                "advice_circulated": date(2027, 3, 1),
                "report": date(2027, 3, 29),
                "la_decision": date(2027, 4, 12),
                "amended_plan": date(2027, 6, 7),
            },
        ),
        # Across a year end and a leap February.
        (
            date(2028, 1, 10),
            {
                "advice_requested": date(2027, 11, 29),
                "invitations": date(2027, 12, 27),
                "advice_circulated": date(2027, 12, 27),
                "report": date(2028, 1, 24),
                "la_decision": date(2028, 2, 7),
                "amended_plan": date(2028, 4, 3),
            },
        ),
        (
            date(2028, 2, 15),
            {
                "advice_requested": date(2028, 1, 4),
                "invitations": date(2028, 2, 1),
                "advice_circulated": date(2028, 2, 1),
                "report": date(2028, 2, 29),
                "la_decision": date(2028, 3, 14),
                "amended_plan": date(2028, 5, 9),
            },
        ),
    ],
)
def test_meeting_timeline(meeting, expected):
    steps = meeting_timeline(meeting)
    assert {s.key: s.due for s in steps} == expected
    assert [s.key for s in steps] == list(expected)
    assert all(s.rule and s.title for s in steps)


@pytest.mark.parametrize(
    ("meeting", "today", "refused"),
    [
        (date(2027, 1, 15), date(2027, 1, 1), False),  # exactly 14 days: enough
        (date(2027, 1, 15), date(2026, 12, 1), False),
        (date(2027, 1, 15), date(2027, 1, 2), True),  # 13 days
        (date(2027, 1, 15), date(2027, 1, 15), True),
        (date(2027, 1, 15), date(2027, 1, 20), True),  # the meeting has passed
    ],
)
def test_notice_refusal(meeting, today, refused):
    assert (notice_refusal(meeting, today=today) is not None) is refused


def test_the_phase_transfer_rule_text_names_the_last_meeting_and_the_later_12_month_date():
    result = next_review_due(
        start=date(2026, 5, 18),
        year_group=6,
        date_of_birth=OLDER,
        reading=DAY_BEFORE,
        today=date(2026, 12, 4),
    )
    assert result.kind == "phase_transfer"
    assert result.rule == (
        "Phase transfer (Year 6 to secondary school): the review must be completed by 15 February 2027 "
        "(the usual 12 months from the last review meeting on 18 May 2026 would give 17 May 2027)."
    )
