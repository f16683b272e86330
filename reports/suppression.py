"""Suppression of small numbers in anything governors see.

Governors see only anonymised aggregates (docs/rules.md section 6): a group of fewer than 5
pupils is not shown at all, and a count of 1 to 4 pupils inside a larger group is shown as
"fewer than 5", because a small count can point at an identifiable child. Zero is shown as 0.

Primary suppression alone is not enough when a total is also shown: with the whole school's 6
severely absent pupils on the page, "EAL: fewer than 5" beside "English first language: 5" gives
the EAL figure away (6 - 5 = 1). Hiding one more cell is not always enough either: "SEN support:
fewer than 5, EHC plan: not shown, No SEN: 5" out of 6 still says that exactly one pupil with SEN
is severely absent. So within each breakdown, the next smallest cells are hidden too (secondary
suppression, shown as "not shown") until what the hidden cells hold together, which the total
gives away, is itself 5 or more.

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
    return _hide_until_safe(sizes, hidden)


def _hide_until_safe(values: list[int], hidden: set[int]) -> set[int]:
    """Add the smallest shown cells to `hidden` until the hidden cells hold 5 or more together (the
    total minus the shown cells tells anyone their sum), or there is only one hidden cell left to
    protect and something else is hidden beside it.

    >>> sorted(_hide_until_safe([5, 1, 0], {1}))   # 6 - 5 = 1 would still be known
    [0, 1, 2]
    >>> sorted(_hide_until_safe([60, 3, 9], {1}))  # 3 + 9 = 12 hidden together: safe
    [1, 2]
    """
    hidden = set(hidden)
    while hidden and len(hidden) < len(values):
        hidden_sum = sum(values[i] for i in hidden)
        if len(hidden) > 1 and hidden_sum >= THRESHOLD:
            break
        smallest = min((values[i], i) for i in range(len(values)) if i not in hidden)
        hidden.add(smallest[1])
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
    >>> counts_for_display([0, 2, 13])  # the 0 alone beside it would leave 15 - 13 = 2 known
    ['not shown', 'fewer than 5', 'not shown']
    >>> counts_for_display([0, 9, 12])
    [0, 9, 12]
    >>> counts_for_display([5, 1, 0])   # 6 in all: "1 pupil with SEN" must not be worked out either
    ['not shown', 'fewer than 5', 'not shown']
    """
    shown: list[int | str] = [count_for_display(count) for count in counts]
    small = {i for i, value in enumerate(shown) if value == SMALL}
    for i in _hide_until_safe(counts, small) - small:
        shown[i] = HIDDEN
    return shown
