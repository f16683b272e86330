"""The rule for when the nightly run asks for an early review of an EHC plan because attendance fell.

A pupil with an EHC plan in force gets an early review asked for when, tonight, their case entered a
tier (it opened) or fell to a worse one, and the tier it is now in is the school's
``ResponseSettings.ehcp_review_from_tier`` or worse (a setting, 1 to 5; 3 unless the school changes
it). A move within the tiers below it asks for nothing; a further fall once past it asks again, and
the run links the alert to the review already in progress instead of asking for a second one
(graduated_response/nightly_ehcp.py).

Worked example, with the setting at 3: a case entering Tier 2 asks for nothing; one falling from Tier 2
to Tier 3 asks; one falling from Tier 3 to Tier 4 asks again (the review in progress is linked); one
stepping up from Tier 4 to Tier 3 asks for nothing.

>>> asks_for_early_review(from_tier=None, to_tier=2, review_from_tier=3)
False
>>> asks_for_early_review(from_tier=2, to_tier=3, review_from_tier=3)
True
>>> asks_for_early_review(from_tier=4, to_tier=3, review_from_tier=3)
False
>>> reason_for_review(attendance_pct=84.5, to_tier=3, review_from_tier=3)
'Attendance fell to 84.5% this year, into Tier 3 (the school asks for an early review from Tier 3).'
"""

from __future__ import annotations

#: The tier from which a review is asked for unless the school chooses another (1 to 5).
DEFAULT_FROM_TIER = 3
LOWEST, HIGHEST = 1, 5


def asks_for_early_review(*, from_tier: int | None, to_tier: int, review_from_tier: int) -> bool:
    """True when tonight's move (entering a tier: from_tier None, or falling to a worse one) lands in
    `review_from_tier` or a worse tier."""
    fell = from_tier is None or to_tier > from_tier
    return fell and to_tier >= review_from_tier


def reason_for_review(*, attendance_pct, to_tier: int, review_from_tier: int) -> str:
    """The review request's reason, saying the figure, the tier and the school's setting."""
    fell = (
        f"Attendance fell to {attendance_pct}% this year" if attendance_pct is not None else "Attendance fell"
    )
    return f"{fell}, into Tier {to_tier} (the school asks for an early review from Tier {review_from_tier})."
