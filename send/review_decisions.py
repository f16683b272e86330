"""The decision a progress review of a SEN support cycle takes, and what each one means next (pure).

Seed 001: the decision to ask the local authority for an EHC needs assessment is taken at a progress
review, with the parents. SEND Code of Practice 6.54-6.56 (the review decides the next cycle) and 6.58
(a pupil who no longer needs SEN support comes off the register and is still monitored).

A decision never changes the register by itself: a move on the register needs its own record (the
parents' agreement, the date it took effect), so the review says which move it calls for and the
cycle page offers it.

    >>> decision = DECISIONS[REQUEST_EHC_NEEDS_ASSESSMENT]
    >>> decision.label
    'Request an EHC needs assessment'
    >>> decision.starts_next_cycle, decision.register_status
    (True, None)
    >>> DECISIONS[COME_OFF_REGISTER].starts_next_cycle, DECISIONS[COME_OFF_REGISTER].register_status
    (False, 'removed')
    >>> DECISIONS[MOVE_TO_MONITORING].register_status
    'monitoring'
    >>> next_step(MOVE_TO_MONITORING)
    'Take the pupil off SEN support and keep monitoring them: record the move on the SEN register.'
    >>> next_step("")
    ''
"""

from __future__ import annotations

from dataclasses import dataclass

from . import register_status

STAY_ON_SEN_SUPPORT = "stay"
INCREASE_SUPPORT = "increase"
REQUEST_EHC_NEEDS_ASSESSMENT = "request_ehc"
MOVE_TO_MONITORING = "monitoring"
COME_OFF_REGISTER = "off_register"


@dataclass(frozen=True)
class Decision:
    code: str
    label: str
    # Whether another assess-plan-do-review cycle follows this one.
    starts_next_cycle: bool
    # The register status the decision calls for, or None when the pupil stays where they are.
    register_status: str | None
    # What happens next, in a sentence the SENDCo reads on the cycle page.
    next_step: str


DECISIONS: dict[str, Decision] = {
    d.code: d
    for d in (
        Decision(
            STAY_ON_SEN_SUPPORT,
            "Stay on SEN support",
            True,
            None,
            "Start the next cycle with the targets still to reach.",
        ),
        Decision(
            INCREASE_SUPPORT,
            "Increase support",
            True,
            None,
            "Start the next cycle with more or different provision, and check the cost against "
            "the notional budget.",
        ),
        Decision(
            REQUEST_EHC_NEEDS_ASSESSMENT,
            "Request an EHC needs assessment",
            True,
            None,
            "Ask the local authority for an EHC needs assessment, with the parents' agreement, and "
            "keep SEN support going while it is decided.",
        ),
        Decision(
            MOVE_TO_MONITORING,
            "Move to monitoring",
            False,
            register_status.MONITORING,
            "Take the pupil off SEN support and keep monitoring them: record the move on the SEN register.",
        ),
        Decision(
            COME_OFF_REGISTER,
            "Come off the register",
            False,
            register_status.REMOVED,
            "The pupil's needs are met without SEN support: record the move on the SEN register.",
        ),
    )
}

CHOICES = [(d.code, d.label) for d in DECISIONS.values()]


def label(code: str) -> str:
    return DECISIONS[code].label if code in DECISIONS else ""


def next_step(code: str) -> str:
    return DECISIONS[code].next_step if code in DECISIONS else ""
