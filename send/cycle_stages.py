"""Assess, plan, do, review: the stages of a SEN support cycle and the moves between them (pure).

SEND Code of Practice 6.44-6.56. A cycle moves forward one stage at a time; a review can send the
cycle back to "plan" (the plan is rewritten after a review without starting a new cycle) or close it.
A closed cycle never reopens: the next cycle starts from its review and carries unmet targets forward.

    >>> STAGES.check("assess", "plan")
    >>> STAGES.check("assess", "review")
    Traceback (most recent call last):
    ...
    school.transitions.IllegalMove: ['A cycle moves from Assess to Plan, not to Review.']
"""

from __future__ import annotations

from school.transitions import Transitions

ASSESS = "assess"
PLAN = "plan"
DO = "do"
REVIEW = "review"
CLOSED = "closed"

LABELS = {ASSESS: "Assess", PLAN: "Plan", DO: "Do", REVIEW: "Review", CLOSED: "Closed"}
STAGE_CHOICES = list(LABELS.items())

# from -> {to: why}. A review can send the cycle back to "plan" or close it.
TRANSITIONS: dict[str, dict[str, str]] = {
    ASSESS: {PLAN: "assessment done"},
    PLAN: {DO: "plan agreed"},
    DO: {REVIEW: "time to review"},
    REVIEW: {CLOSED: "reviewed and closed", PLAN: "plan rewritten after the review"},
    CLOSED: {},
}

STAGES = Transitions(
    name="cycle",
    labels=LABELS,
    moves=TRANSITIONS,
    final_messages={CLOSED: "This cycle is closed. Start a new cycle from its review instead."},
)


def next_stages(stage: str) -> tuple[str, ...]:
    return STAGES.next_states(stage)
