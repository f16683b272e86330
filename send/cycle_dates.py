"""Dates a support cycle cannot have: the rule behind the cycle start, assessment and review forms.

- A review is not held in the future (it records what happened).
- A review is due no later than the school's limit: ``SendSettings.cycle_school_weeks`` school weeks
  after the start (12 by default, at most 15: SEN support is reviewed at least termly, seed 000).
- A new cycle does not start before the last cycle's review: the review is what it follows from.

Worked example: the school's limit is 12 school weeks, so a cycle starting 7 Sep 2026 may be due
for review on 7 Dec 2026 at the latest; a cycle following a review held on 4 Dec cannot start on
1 Dec.

    >>> from datetime import date
    >>> print(review_due_problem(date(2026, 12, 8), latest=date(2026, 12, 7), weeks=12))
    The review must be due within the school's 12 school weeks of the start: by 7 December 2026.
    >>> start_problem(date(2026, 12, 1), last_reviewed_on=date(2026, 12, 4))
    'A new cycle cannot start before the last review (4 December 2026).'
    >>> reviewed_on_problem(date(2026, 12, 2), today=date(2026, 12, 1))
    'The review cannot be in the future.'
"""

from __future__ import annotations

from datetime import date


def reviewed_on_problem(reviewed_on: date, *, today: date) -> str | None:
    if reviewed_on > today:
        return "The review cannot be in the future."
    return None


def review_due_problem(review_due: date, *, latest: date, weeks: int) -> str | None:
    if review_due > latest:
        return (
            f"The review must be due within the school's {weeks} school weeks of the start: "
            f"by {latest:%-d %B %Y}."
        )
    return None


def start_problem(start_date: date, *, last_reviewed_on: date | None) -> str | None:
    if last_reviewed_on and start_date < last_reviewed_on:
        return f"A new cycle cannot start before the last review ({last_reviewed_on:%-d %B %Y})."
    return None
