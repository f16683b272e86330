"""Assess, plan, do, review: the stages of a SEN support cycle and the moves between them (pure).

SEND Code of Practice 6.44-6.56. A cycle moves forward one stage at a time; a review can send the
cycle back to "plan" (the plan is rewritten after a review without starting a new cycle) or close it.
A closed cycle never reopens: the next cycle starts from its review and carries unmet targets forward.

    >>> check_stage_move("assess", "plan")
    >>> check_stage_move("assess", "review")
    Traceback (most recent call last):
    ...
    send.cycle_stages.IllegalStageMove: A cycle moves from Assess to Plan, not to Review.
"""

from __future__ import annotations

ASSESS = "assess"
PLAN = "plan"
DO = "do"
REVIEW = "review"
CLOSED = "closed"

LABELS = {ASSESS: "Assess", PLAN: "Plan", DO: "Do", REVIEW: "Review", CLOSED: "Closed"}
STAGE_CHOICES = list(LABELS.items())

TRANSITIONS: dict[str, tuple[str, ...]] = {
    ASSESS: (PLAN,),
    PLAN: (DO,),
    DO: (REVIEW,),
    REVIEW: (CLOSED, PLAN),
    CLOSED: (),
}


class IllegalStageMove(ValueError):
    pass


def next_stages(stage: str) -> tuple[str, ...]:
    return TRANSITIONS.get(stage, ())


def check_stage_move(from_stage: str, to_stage: str) -> None:
    if to_stage not in LABELS:
        raise IllegalStageMove(f"{to_stage!r} is not a stage of the cycle.")
    if to_stage in TRANSITIONS.get(from_stage, ()):
        return
    if from_stage == CLOSED:
        raise IllegalStageMove("This cycle is closed. Start a new cycle from its review instead.")
    options = " or ".join(LABELS[s] for s in TRANSITIONS[from_stage])
    raise IllegalStageMove(
        f"A cycle moves from {LABELS[from_stage]} to {options}, not to {LABELS[to_stage]}."
    )
