"""The 30-day restore rule for withdrawn records (school.withdrawal.restorable), without the database."""

import doctest
from datetime import UTC, datetime, timedelta

import pytest

from school import withdrawal
from school.withdrawal import restorable

WITHDRAWN = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (timedelta(0), True),
        (timedelta(days=29, hours=23), True),
        (timedelta(days=30), True),
        (timedelta(days=30, seconds=1), False),
        (timedelta(days=45), False),
    ],
)
def test_restorable_up_to_exactly_30_days(after, expected):
    assert restorable(WITHDRAWN, now=WITHDRAWN + after) is expected


def test_a_record_never_withdrawn_is_not_restorable():
    assert restorable(None, now=WITHDRAWN) is False


def test_worked_example_in_the_docstring_holds():
    assert doctest.testmod(withdrawal).failed == 0
