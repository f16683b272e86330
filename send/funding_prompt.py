"""When to prompt "consider a funding application", and the same threshold in hours of TA support (pure).

Seed 000: the school funds additional provision for a pupil up to element 2, "£6000 / 9.5 hours of TA
support"; beyond that it may apply for additional funding. Funding already awarded to the pupil raises
the line: the prompt compares the year's projected cost with the notional SEN budget (the school's
setting, £6,000 by default) plus what has been awarded, and only a projection *above* that total
prompts (exactly at it does not, as send/provision_costs.over_threshold).

Our reading where the seed is silent: the hours scale with the money at the seed's rate, 9.5 hours a
week for every £6,000, so a school that sets another notional budget, or a pupil with an award, sees
hours that match the money beside it; hours are rounded to the nearest quarter hour for reading.

Worked example: projected £8,200, notional £6,000 and £1,500 awarded: the line is £7,500, about 12
hours a week, and the projection is above it by £700.

    >>> from decimal import Decimal as D
    >>> p = funding_prompt(projected=D("8200"), notional=D("6000"), awarded=[D("1500")])
    >>> p.line, p.line_hours, p.prompt, p.above_by
    (Decimal('7500'), Decimal('12.00'), True, Decimal('700'))
    >>> funding_prompt(projected=D("8200"), notional=D("6000"), awarded=[D("2200")]).prompt
    False
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

#: Seed 000: "£6000 / 9.5 hours of TA support" a week.
HOURS_PER_BUDGET = Decimal("9.5")
BUDGET_FOR_HOURS = Decimal("6000")
QUARTER = Decimal("0.25")


def hours_a_week(amount: Decimal) -> Decimal:
    """The hours of TA support a week that `amount` a year buys at the seed's rate, to a quarter hour.

    >>> hours_a_week(Decimal("6000")), hours_a_week(Decimal("3000")), hours_a_week(Decimal("0"))
    (Decimal('9.50'), Decimal('4.75'), Decimal('0.00'))
    """
    hours = Decimal(amount) * HOURS_PER_BUDGET / BUDGET_FOR_HOURS
    return ((hours / QUARTER).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * QUARTER).quantize(
        Decimal("0.01")
    )


@dataclass(frozen=True)
class FundingPrompt:
    projected: Decimal
    notional: Decimal
    awarded: Decimal
    line: Decimal  # notional + awarded
    line_hours: Decimal
    projected_hours: Decimal
    prompt: bool
    above_by: Decimal


def funding_prompt(*, projected: Decimal, notional: Decimal, awarded) -> FundingPrompt:
    """Compare the year's projected cost with the notional budget plus every amount awarded."""
    total_awarded = sum((Decimal(a) for a in awarded), Decimal("0"))
    line = Decimal(notional) + total_awarded
    projected = Decimal(projected)
    return FundingPrompt(
        projected=projected,
        notional=Decimal(notional),
        awarded=total_awarded,
        line=line,
        line_hours=hours_a_week(line),
        projected_hours=hours_a_week(projected),
        prompt=projected > line,
        above_by=max(projected - line, Decimal("0")),
    )
