"""Suppression of small numbers in anything governors see.

Governors see only anonymised aggregates (STATUTORY_RULES.md section 6): a group of fewer than 5
pupils is not shown at all, and a count of 1 to 4 pupils inside a larger group is shown as
"fewer than 5", because a small count can point at an identifiable child. Zero is shown as 0.

Worked example: Year 3 has 58 pupils, 3 of them persistently absent. The year's attendance (a ratio
of sums over 58 pupils) is shown; the persistent-absence count is shown as "fewer than 5". A cohort
of 4 looked-after children is shown only as "fewer than 5 pupils" with no figures.
"""

THRESHOLD = 5
SMALL = "fewer than 5"


def is_suppressed_group(pupils: int) -> bool:
    return pupils < THRESHOLD


def count_for_display(count: int) -> int | str:
    """A count of pupils as it may be shown: 0, 5 or more, or "fewer than 5"."""
    if 0 < count < THRESHOLD:
        return SMALL
    return count
