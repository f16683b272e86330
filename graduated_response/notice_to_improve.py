"""The notice to improve's improvement period (docs/rules.md section 4; the national framework for
penalty notices): sent when support is appropriate but not taken up, with an improvement period of
3 to 6 weeks, stating the record, the support offered and what sufficient improvement means.

Reading in force: the period runs from its start date to its end date, and its length is the number
of days between them (end minus start), so a period starting on Monday 2 March and ending on Monday
23 March is 21 days: 3 weeks. 21 to 42 days are allowed; 20 or 43 are refused.

    >>> from datetime import date
    >>> period_problem(date(2026, 3, 2), date(2026, 3, 23)) is None
    True
    >>> period_problem(date(2026, 3, 2), date(2026, 3, 22))
    'The improvement period must be at least 3 weeks (21 days); this one is 20 days.'
    >>> default_end(date(2026, 3, 2))
    datetime.date(2026, 4, 13)
"""

from __future__ import annotations

from datetime import date, timedelta

MIN_DAYS = 21  # 3 weeks
MAX_DAYS = 42  # 6 weeks
DEFAULT_WEEKS = 6

IN_PERIOD, IMPROVED, NOT_IMPROVED, WITHDRAWN = "in_period", "improved", "not_improved", "withdrawn"

NEXT_STEP = {
    IMPROVED: "Attendance improved enough: keep supporting the family and monitor it.",
    NOT_IMPROVED: "Attendance did not improve enough: consider a penalty notice (the threshold and the "
    "support on record are checked when one is issued).",
}


def period_days(start: date, end: date) -> int:
    return (end - start).days


def period_problem(start: date, end: date) -> str | None:
    """None when the period is 3 to 6 weeks long; else what is wrong, in plain English."""
    days = period_days(start, end)
    if days < 0:
        return "The improvement period must end after it starts."
    if days < MIN_DAYS:
        return f"The improvement period must be at least 3 weeks ({MIN_DAYS} days); this one is {days} days."
    if days > MAX_DAYS:
        return f"The improvement period can be at most 6 weeks ({MAX_DAYS} days); this one is {days} days."
    return None


def default_end(start: date, weeks: int = DEFAULT_WEEKS) -> date:
    return start + timedelta(weeks=weeks)


def is_over(end: date, today: date) -> bool:
    """The outcome is recorded once the period has ended (on its last day or after).

    >>> is_over(date(2026, 4, 13), date(2026, 4, 12)), is_over(date(2026, 4, 13), date(2026, 4, 13))
    (False, True)
    """
    return today >= end
