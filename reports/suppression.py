"""Suppression of small numbers in anything governors see.

Governors see only anonymised aggregates (docs/rules.md section 6): a group of fewer than 5
pupils is not shown at all, and a count of 1 to 4 pupils inside a larger group is shown as
"fewer than 5", because a small count can point at an identifiable child. Zero is shown as 0.

Primary suppression alone is not enough when a total is also shown: with the whole school's 6
severely absent pupils on the page, "EAL: fewer than 5" beside "English first language: 5" gives
the EAL figure away (6 - 5 = 1). So within each breakdown, when exactly one cell is hidden, the
next smallest cell is hidden too (secondary suppression), shown as "not shown".

Worked example: Year 3 has 58 pupils, 3 of them persistently absent. The year's attendance (a ratio
of sums over 58 pupils) is shown; the persistent-absence count is shown as "fewer than 5". A cohort
of 4 looked-after children is hidden, and so is the "not looked after" group beside it, because the
whole-school figures minus that group would reveal the four children's figures.
"""

THRESHOLD = 5
SMALL = "fewer than 5"
HIDDEN = "not shown"


def is_suppressed_group(pupils: int) -> bool:
    return pupils < THRESHOLD


def count_for_display(count: int) -> int | str:
    """A count of pupils as it may be shown: 0, 5 or more, or "fewer than 5"."""
    if 0 < count < THRESHOLD:
        return SMALL
    return count


def groups_to_hide(sizes: list[int]) -> set[int]:
    """Indexes of the groups of one breakdown to hide, primary and secondary.

    >>> sorted(groups_to_hide([4, 416]))      # the complement would give the 4 away
    [0, 1]
    >>> sorted(groups_to_hide([2, 3, 415]))   # two hidden already: their sum is all one learns
    [0, 1]
    >>> sorted(groups_to_hide([60, 60, 58]))
    []
    """
    hidden = {i for i, size in enumerate(sizes) if is_suppressed_group(size)}
    if len(hidden) == 1 and len(sizes) > 1:
        others = sorted((size, i) for i, size in enumerate(sizes) if i not in hidden)
        hidden.add(others[0][1])
    return hidden


def hidden_groups_with_reasons(sizes: list[int]) -> dict[int, str]:
    """Each hidden group of one breakdown and why: SMALL (fewer than 5 pupils) or HIDDEN (a larger
    group hidden only so the small one beside it cannot be worked out; it must not be called small).

    >>> hidden_groups_with_reasons([4, 73, 416])
    {0: 'fewer than 5', 1: 'not shown'}
    >>> hidden_groups_with_reasons([2, 3, 415])
    {0: 'fewer than 5', 1: 'fewer than 5'}
    """
    return {i: SMALL if is_suppressed_group(sizes[i]) else HIDDEN for i in sorted(groups_to_hide(sizes))}


def counts_for_display(counts: list[int]) -> list[int | str]:
    """Counts of one breakdown (e.g. persistently absent pupils per year group), safe beside a total.

    >>> counts_for_display([1, 5])      # 6 in all: showing 5 would reveal the 1
    ['fewer than 5', 'not shown']
    >>> counts_for_display([0, 2, 7])   # the 0 is hidden too, so the 2 cannot be worked out
    ['not shown', 'fewer than 5', 7]
    >>> counts_for_display([0, 9, 12])
    [0, 9, 12]
    """
    shown: list[int | str] = [count_for_display(count) for count in counts]
    small = [i for i, value in enumerate(shown) if value == SMALL]
    if len(small) == 1 and len(counts) > 1:
        others = sorted((count, i) for i, count in enumerate(counts) if i not in small)
        shown[others[0][1]] = HIDDEN
    return shown
