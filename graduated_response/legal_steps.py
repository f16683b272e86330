"""Education supervision orders (docs/rules.md section 4; Children Act 1989 s.36 and Schedule 3):
one year at first, extendable (within its last 3 months) up to 3 years at a time; reviewed every three
months. Pure rules, no database.

    >>> from datetime import date
    >>> eso_default_end(date(2026, 1, 15))
    datetime.date(2027, 1, 15)
    >>> eso_review_dates(date(2026, 1, 15), date(2027, 1, 15))
    [datetime.date(2026, 4, 15), datetime.date(2026, 7, 15), datetime.date(2026, 10, 15), datetime.date(2027, 1, 15)]
    >>> eso_extension_problem(date(2026, 1, 15), date(2027, 1, 15), date(2030, 1, 16))
    'An extension can be for at most 3 years from the current end date (to 15 January 2030).'
"""

from __future__ import annotations

from datetime import date

REVIEW_MONTHS = 3
FIRST_TERM_YEARS = 1
MAX_EXTENSION_YEARS = 3


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day (31 January + 1 month = 28 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def eso_default_end(made_on: date) -> date:
    return add_months(made_on, 12 * FIRST_TERM_YEARS)


def eso_review_dates(made_on: date, ends_on: date) -> list[date]:
    """A review every 3 months from the order's start, up to its end."""
    dates, n = [], 1
    while (day := add_months(made_on, REVIEW_MONTHS * n)) <= ends_on:
        dates.append(day)
        n += 1
    return dates


def eso_extension_problem(made_on: date, current_end: date, new_end: date) -> str | None:
    """None when `new_end` is a valid extension of an order ending `current_end`."""
    if new_end <= current_end:
        return "An extension must end after the order's current end date."
    limit = add_months(current_end, 12 * MAX_EXTENSION_YEARS)
    if new_end > limit:
        return (
            f"An extension can be for at most {MAX_EXTENSION_YEARS} years from the current end date "
            f"(to {limit:%-d %B %Y})."
        )
    return None


def next_review(made_on: date, ends_on: date, today: date) -> date | None:
    """The next 3-monthly review on or after `today` (None after the order ends)."""
    return next((d for d in eso_review_dates(made_on, ends_on) if d >= today), None)
