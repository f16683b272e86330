"""Attendance contracts (docs/rules.md section 4; WTISA 2024): voluntary, agreed with the parents
present, usually lasting 3 to 12 months, with requirements, the support offered and review dates.
A duration outside 3 to 12 months is allowed (the guidance says "usually") but warned about.

    >>> duration_warning(6) is None
    True
    >>> duration_warning(2)
    'Most attendance contracts last 3 to 12 months; this one is 2 months. Check this is intended.'
    >>> from datetime import date
    >>> end_date(date(2026, 1, 31), 1)
    datetime.date(2026, 2, 28)
"""

from __future__ import annotations

from datetime import date

from .legal_steps import add_months

USUAL_MIN_MONTHS = 3
USUAL_MAX_MONTHS = 12
MAX_MONTHS = 36

PROPOSED, AGREED, ENDED, BROKEN = "proposed", "agreed", "ended", "broken"


def duration_warning(months: int) -> str | None:
    if USUAL_MIN_MONTHS <= months <= USUAL_MAX_MONTHS:
        return None
    unit = "month" if months == 1 else "months"
    return (
        f"Most attendance contracts last {USUAL_MIN_MONTHS} to {USUAL_MAX_MONTHS} months; this one is "
        f"{months} {unit}. Check this is intended."
    )


def end_date(start: date, months: int) -> date:
    return add_months(start, months)
