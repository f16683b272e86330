"""The graduated response tiers as pure rules: band lookup, the minimum-sessions rule, and when a pupil
moves between tiers.

The seed policy (Graduated Response for Improving Pupil Attendance) bands the attendance percentage
over the academic year to date, *rounded half-up to one decimal place* (``attendance.figures``):

    ======== ================= =============================================
    tier     percentage (1dp)   the seed's words
    ======== ================= =============================================
    0        above 95.0         Universal support
    1        95.0 - 93.0        Early intervention: attendance is dropping
    2        92.9 - 90.1        Targeted support: approaching persistent absence
    3        90.0 - 80.0        Targeted, intensive support: persistently absent
    4        79.9 - 50.0        Bespoke provision: a safeguarding concern
    5        below 50.0         In line with LA statutory guidance: severely absent
    ======== ================= =============================================

Because the percentage has one decimal place, each band is an inclusive range of tenths and the bands
tile 0.0-100.0 with no gaps: 92.95% rounds to 93.0 and is Tier 1; 92.94% rounds to 92.9 and is Tier 2.
A school may change the bands (they are data: ``TierBand``); these are the defaults.

Worked example: 1,859 of 2,000 possible sessions attended is 92.95%, shown as 93.0, so Tier 1.

    >>> tier_for(Decimal("93.0"))
    1
    >>> evaluate(possible=2000, attendance=1859)
    1
    >>> evaluate(possible=12, attendance=2) is None     # fewer than 20 possible sessions: not judged yet
    True

Movement between tiers: a fall into a worse band is acted on at once; a rise to a better band is
acted on only when the pupil has stayed better for ``step_down_weeks`` (default 4) consecutive school
weeks, so a pupil hovering around 90% does not flip between Tier 2 and Tier 3 every night.

    >>> next_tier(current=3, today=2, recent_weeks=[3, 2, 2, 2])   # only 3 better weeks: stay in Tier 3
    3
    >>> next_tier(current=3, today=2, recent_weeks=[2, 2, 2, 2])   # 4 better weeks: step down to Tier 2
    2
    >>> next_tier(current=2, today=4, recent_weeks=[2, 2, 2, 2])   # falling is immediate
    4
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from attendance.figures import percentage_1dp

__all__ = [
    "DEFAULT_BANDS",
    "DEFAULT_MIN_SESSIONS",
    "DEFAULT_STEP_DOWN_WEEKS",
    "TIER_NAMES",
    "AT_RISK_MARGIN",
    "UNIVERSAL",
    "Band",
    "at_risk_of_tier_1",
    "band_problems",
    "evaluate",
    "next_tier",
    "tier_for",
    "tier_name",
]

UNIVERSAL = 0
#: A pupil is judged only once they have this many possible sessions (a new pupil's first absence
#: must not open a Tier 5 case).
DEFAULT_MIN_SESSIONS = 20
#: Consecutive school weeks a pupil must stay in a better band before the case steps down.
DEFAULT_STEP_DOWN_WEEKS = 4

TIER_NAMES = {
    0: "Universal",
    1: "Tier 1",
    2: "Tier 2",
    3: "Tier 3",
    4: "Tier 4",
    5: "Tier 5",
}

TENTH = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class Band:
    """An inclusive range of one-decimal-place percentages: ``low <= pct <= high``."""

    tier: int
    low: Decimal
    high: Decimal

    def contains(self, pct: Decimal) -> bool:
        return self.low <= pct <= self.high


DEFAULT_BANDS: tuple[Band, ...] = (
    Band(0, Decimal("95.1"), Decimal("100.0")),
    Band(1, Decimal("93.0"), Decimal("95.0")),
    Band(2, Decimal("90.1"), Decimal("92.9")),
    Band(3, Decimal("80.0"), Decimal("90.0")),
    Band(4, Decimal("50.0"), Decimal("79.9")),
    Band(5, Decimal("0.0"), Decimal("49.9")),
)


def tier_name(tier: int | None) -> str:
    if tier is None:
        return "Not judged yet"
    return TIER_NAMES.get(tier, f"Tier {tier}")


def tier_for(pct_1dp: Decimal, bands: Sequence[Band] = DEFAULT_BANDS) -> int:
    """The tier whose band holds ``pct_1dp`` (already rounded to one decimal place).

    >>> [tier_for(Decimal(p)) for p in ("95.1", "95.0", "93.0", "92.9", "90.1", "90.0", "80.0", "79.9")]
    [0, 1, 1, 2, 2, 3, 3, 4]
    """
    pct = Decimal(pct_1dp).quantize(TENTH)
    for band in bands:
        if band.contains(pct):
            return band.tier
    raise ValueError(f"no tier band holds {pct}%; the bands must cover 0.0 to 100.0")


def evaluate(
    *,
    possible: int,
    attendance: int,
    bands: Sequence[Band] = DEFAULT_BANDS,
    min_sessions: int = DEFAULT_MIN_SESSIONS,
) -> int | None:
    """The pupil's tier from their year-to-date session counts, or None while ``possible`` is below
    ``min_sessions`` (too few sessions to judge).

    >>> evaluate(possible=20, attendance=19)    # 95.0%: Tier 1
    1
    >>> evaluate(possible=19, attendance=0) is None
    True
    """
    if possible < max(min_sessions, 1):
        return None
    return tier_for(percentage_1dp(attendance, possible), bands)


def next_tier(
    *,
    current: int,
    today: int,
    recent_weeks: Sequence[int | None],
    step_down_weeks: int = DEFAULT_STEP_DOWN_WEEKS,
) -> int:
    """The tier a case should hold tonight.

    ``current`` is the case's tier, ``today`` tonight's measured tier and ``recent_weeks`` the pupil's
    worst tier in each of the school weeks just *completed*, oldest first (None for a school week
    in which the pupil was not judged). Holiday weeks are not school weeks and are not in the list,
    so a half-term neither counts towards nor breaks a run of good weeks.

    * Worse today: escalate at once to today's tier.
    * Better today: step down only if the last ``step_down_weeks`` completed school weeks were all
      better than ``current``; the case moves to the worst tier seen in those weeks and today (the
      level the pupil has actually sustained), which is never worse than ``current``.

    >>> next_tier(current=2, today=0, recent_weeks=[1, 0, 0, 0])   # sustained Tier 1 at worst
    1
    >>> next_tier(current=2, today=1, recent_weeks=[1, None, 1, 1]) # a week not judged breaks the run
    2
    >>> next_tier(current=2, today=1, recent_weeks=[1, 1, 1])       # fewer than 4 weeks on record
    2
    """
    if today >= current:
        return today
    window = list(recent_weeks)[-step_down_weeks:] if step_down_weeks > 0 else []
    if len(window) < step_down_weeks or any(week is None or week >= current for week in window):
        return current
    return max([today, *window])


#: How close to Tier 1 a Universal pupil must be (in percentage points above the top of Tier 1) to
#: be shown as "at risk of entering Tier 1". The seed policy asks schools to act on "increasing levels
#: of absence ... before it becomes a regular pattern"; it names no figure, so we chose one point.
AT_RISK_MARGIN = Decimal("1.0")


def at_risk_of_tier_1(pct_1dp: Decimal | None, bands: Sequence[Band] = DEFAULT_BANDS) -> bool:
    """Whether a pupil judged Universal is within ``AT_RISK_MARGIN`` of the top of Tier 1.

    With the default bands Tier 1 ends at 95.0, so 95.1 to 96.0 is at risk:

    >>> [at_risk_of_tier_1(Decimal(p)) for p in ("95.0", "95.1", "96.0", "96.1")]
    [False, True, True, False]
    >>> at_risk_of_tier_1(None)
    False
    """
    if pct_1dp is None:
        return False
    tier_1 = next((b for b in bands if b.tier == 1), None)
    pct = Decimal(pct_1dp).quantize(TENTH)
    if tier_1 is None or tier_for(pct, bands) != UNIVERSAL:
        return False
    return pct <= tier_1.high + AT_RISK_MARGIN


def band_problems(bands: Sequence[Band]) -> dict[int, str]:
    """Problems with a school's edited bands, by tier: each band must be a range of tenths within
    0.0-100.0, better tiers higher, with no gap or overlap between neighbours.

    >>> band_problems(DEFAULT_BANDS)
    {}
    >>> band_problems([Band(0, Decimal("95.1"), Decimal("100.0")), Band(1, Decimal("0.0"), Decimal("94.9"))])
    {1: 'Tier 1 must end at 95.0, just below Universal (which starts at 95.1).'}
    """
    problems: dict[int, str] = {}
    ordered = sorted(bands, key=lambda b: b.tier)
    for band in ordered:
        if band.low > band.high:
            problems[band.tier] = (
                f"{tier_name(band.tier)}: the lowest percentage must not be above the highest."
            )
        elif band.low < 0 or band.high > 100:
            problems[band.tier] = f"{tier_name(band.tier)} must lie between 0.0 and 100.0."
        elif band.low != band.low.quantize(TENTH) or band.high != band.high.quantize(TENTH):
            problems[band.tier] = f"{tier_name(band.tier)}: use at most one decimal place."
    if problems:
        return problems
    if ordered and ordered[0].high != Decimal("100.0"):
        problems[ordered[0].tier] = f"{tier_name(ordered[0].tier)} must go up to 100.0."
    if ordered and ordered[-1].low != Decimal("0.0"):
        problems[ordered[-1].tier] = f"{tier_name(ordered[-1].tier)} must go down to 0.0."
    for better, worse in zip(ordered, ordered[1:], strict=False):
        expected = better.low - TENTH
        if worse.high != expected:
            problems.setdefault(
                worse.tier,
                f"{tier_name(worse.tier)} must end at {expected}, just below {tier_name(better.tier)} "
                f"(which starts at {better.low}).",
            )
    return problems
