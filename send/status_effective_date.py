"""When a register status change took effect: the date the user gives must be a real one (pure).

A plan issued on 20 November and typed in on 1 December took effect on 20 November, so the change
may be dated back; but never into the future (it has not happened yet) and never before the pupil
joined the school (this school's register did not hold them).

    >>> from datetime import date
    >>> effective_date_problem(date(2026, 11, 20), today=date(2026, 12, 1), admitted_on=date(2022, 9, 1))
    ''
    >>> effective_date_problem(date(2026, 12, 2), today=date(2026, 12, 1), admitted_on=date(2022, 9, 1))
    'The date it took effect cannot be in the future.'
    >>> effective_date_problem(date(2022, 8, 31), today=date(2026, 12, 1), admitted_on=date(2022, 9, 1))
    'The date it took effect cannot be before the pupil joined the school (1 September 2022).'
"""

from __future__ import annotations

from datetime import date


def effective_date_problem(on: date, *, today: date, admitted_on: date | None) -> str:
    """What is wrong with `on` as the day a status change took effect ('' when nothing): today and
    the day of admission are both allowed."""
    if on > today:
        return "The date it took effect cannot be in the future."
    if admitted_on is not None and on < admitted_on:
        return (
            f"The date it took effect cannot be before the pupil joined the school ({admitted_on:%-d %B %Y})."
        )
    return ""
