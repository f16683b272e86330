"""The tier rules as pure functions: band boundaries, minimum sessions, escalation and step-down."""

from decimal import Decimal

import pytest

from attendance.figures import percentage_1dp
from graduated_response.tiers import DEFAULT_BANDS, Band, band_problems, evaluate, next_tier, tier_for


@pytest.mark.parametrize(
    ("pct", "tier"),
    [
        ("100.0", 0),
        ("95.1", 0),
        ("95.0", 1),
        ("93.0", 1),
        ("92.9", 2),
        ("90.1", 2),
        ("90.0", 3),
        ("80.0", 3),
        ("79.9", 4),
        ("50.0", 4),
        ("49.9", 5),
        ("0.0", 5),
    ],
)
def test_band_boundaries_as_the_policy_writes_them(pct, tier):
    assert tier_for(Decimal(pct)) == tier


def test_92_95_rounds_half_up_to_93_0_and_is_tier_1():
    # 1,859 of 2,000 sessions is exactly 92.95%: half-up rounding gives 93.0, which is Tier 1.
    assert percentage_1dp(1859, 2000) == Decimal("93.0")
    assert evaluate(possible=2000, attendance=1859) == 1
    # Just below the half: 92.94% shows as 92.9 and is Tier 2.
    assert evaluate(possible=5000, attendance=4647) == 2


@pytest.mark.parametrize(
    ("possible", "attendance", "tier"),
    [(19, 0, None), (20, 0, 5), (20, 19, 1), (20, 20, 0), (0, 0, None)],
)
def test_a_pupil_is_judged_only_after_the_minimum_possible_sessions(possible, attendance, tier):
    assert evaluate(possible=possible, attendance=attendance) == tier


def test_the_minimum_is_the_schools_choice():
    assert evaluate(possible=10, attendance=4, min_sessions=10) == 5
    assert evaluate(possible=10, attendance=4, min_sessions=11) is None


@pytest.mark.parametrize(
    ("current", "today", "weeks", "expected"),
    [
        (1, 3, [1, 1, 1, 1], 3),  # falling is immediate, skipping tiers
        (2, 5, [], 5),
        (3, 2, [2, 2, 2], 3),  # only 3 better weeks on record
        (3, 2, [3, 2, 2, 2], 3),  # one week still in Tier 3
        (3, 2, [2, 2, 2, 2], 2),
        (3, 1, [2, 1, 1, 1], 2),  # steps to the worst level actually sustained
        (3, 2, [2, None, 2, 2], 3),  # a school week not judged breaks the run
        (1, 0, [0, 0, 0, 0], 0),  # back to Universal: the case closes
        (2, 2, [0, 0, 0, 0], 2),  # today not better: stay
    ],
)
def test_next_tier(current, today, weeks, expected):
    assert next_tier(current=current, today=today, recent_weeks=weeks) == expected


def test_step_down_weeks_is_configurable():
    assert next_tier(current=3, today=2, recent_weeks=[3, 2, 2], step_down_weeks=2) == 2


def test_default_bands_tile_0_to_100():
    assert band_problems(DEFAULT_BANDS) == {}


def test_gaps_and_overlaps_are_refused():
    bands = list(DEFAULT_BANDS)
    gap = bands.copy()
    gap[2] = Band(2, Decimal("90.1"), Decimal("92.8"))  # leaves 92.9 in no band
    assert "Tier 2 must end at 92.9" in band_problems(gap)[2]
    overlap = bands.copy()
    overlap[3] = Band(3, Decimal("80.0"), Decimal("90.5"))
    assert 3 in band_problems(overlap)
    upside_down = bands.copy()
    upside_down[4] = Band(4, Decimal("79.9"), Decimal("50.0"))
    assert "lowest percentage" in band_problems(upside_down)[4]
