"""What provision costs: per session, per pupil, to date and projected for the year (pure).

Choices (the school's provision map works this way):

* An intervention is costed per hour (a TA's hourly rate) or per session (a bought-in programme).
  A per-hour cost is pro rata to the session length: 45 minutes at £18.00 an hour is £13.50.
* A group session's cost is split equally between the places in the group (the intervention's
  group size), not between whoever happens to be enrolled that week: a pupil's notional cost then
  does not jump when a classmate leaves the group, and an unfilled place stays a cost to the school,
  not to the pupils in the group. A 1:1 intervention has a group size of 1.
* Sessions delivered = sessions per week x school weeks (weeks with at least one school session,
  from the school calendar) between the enrolment's start and end. Half-terms cost nothing.
* Money is kept as Decimal and rounded to the penny (half up) only at the end.

Worked example: "Reading catch-up", groups of 4, 3 sessions a week of 30 minutes at £18.00 an hour.
One session costs £9.00; a pupil's share is £2.25; over 10 school weeks that is 30 sessions, £67.50.

    >>> share = pupil_share_per_session(cost=Decimal("18.00"), basis="per_hour", minutes=30, group_size=4)
    >>> share
    Decimal('2.25')
    >>> cost_over_weeks(share_per_session=share, sessions_per_week=3, weeks=10)
    Decimal('67.50')
    >>> over_threshold(Decimal("6000.00"), Decimal("6000")), over_threshold(Decimal("6000.01"), Decimal("6000"))
    (False, True)
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

PER_HOUR = "per_hour"
PER_SESSION = "per_session"
PENNY = Decimal("0.01")

#: Seed 000: the school funds the first £6,000 of additional provision for a pupil (element 2);
#: beyond that the school applies for top-up funding. A per-school setting with this default.
DEFAULT_NOTIONAL_THRESHOLD = Decimal("6000")


def to_pennies(amount: Decimal) -> Decimal:
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def session_cost(*, cost: Decimal, basis: str, minutes: int) -> Decimal:
    """The cost of delivering one session to the whole group (unrounded)."""
    if basis == PER_HOUR:
        return Decimal(cost) * Decimal(minutes) / Decimal(60)
    if basis == PER_SESSION:
        return Decimal(cost)
    raise ValueError(f"Unknown cost basis {basis!r}.")


def pupil_share_per_session(*, cost: Decimal, basis: str, minutes: int, group_size: int) -> Decimal:
    """One pupil's share of a session: the session cost split equally between the group's places."""
    if group_size < 1:
        raise ValueError("A group has at least one place.")
    return session_cost(cost=cost, basis=basis, minutes=minutes) / Decimal(group_size)


def cost_over_weeks(*, share_per_session: Decimal, sessions_per_week: int, weeks: int) -> Decimal:
    return to_pennies(share_per_session * sessions_per_week * max(weeks, 0))


def clip_period(start: date, end: date | None, *, window_start: date, window_end: date):
    """The part of [start, end] inside [window_start, window_end], or None when they do not overlap.

    An open enrolment (end None) runs to the window's end.
    """
    first = max(start, window_start)
    last = min(end or window_end, window_end)
    if last < first:
        return None
    return first, last


def over_threshold(projected_annual: Decimal, threshold: Decimal) -> bool:
    """True when the year's projected cost is above the notional SEN budget (exactly at it is not)."""
    return Decimal(projected_annual) > Decimal(threshold)


def impact(entry: Decimal | None, exit_: Decimal | None) -> Decimal | None:
    """Exit measure minus entry measure, in the enrolment's unit; None until both are recorded.

    >>> impact(Decimal("82"), Decimal("91")), impact(Decimal("82"), None)
    (Decimal('9'), None)
    """
    if entry is None or exit_ is None:
        return None
    return Decimal(exit_) - Decimal(entry)
