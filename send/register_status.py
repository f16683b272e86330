"""The SEN register state machine: the one table of allowed status moves (pure).

Statuses: a pupil with no SEND record is "none". Monitoring means a concern is being watched but the
pupil is not on the SEN register (census N). SEN support is census K, an EHC plan is census E.
Removed means taken off the register (census N) and monitored afterwards, as the SEND Code of
Practice expects (6.58: a pupil who no longer needs SEN support is still monitored).

Worked example: a teacher's concern leads to monitoring; the SENDCo, with the parents' agreement,
moves the pupil to SEN support (K); the local authority issues an EHC plan (E); years later the plan
ceases and the pupil returns to SEN support (K).

    >>> REGISTER.check("none", "monitoring")
    >>> census_code("sen_support"), census_code("ehc_plan"), census_code("removed")
    ('K', 'E', 'N')
    >>> REGISTER.check("sen_support", "monitoring")
    >>> REGISTER.check("monitoring", "ehc_plan")
    Traceback (most recent call last):
    ...
    school.transitions.IllegalMove: ['A pupil moves from Monitoring to SEN support or Removed from the register, not to EHC plan.']
"""

from __future__ import annotations

from school.transitions import Transitions

NONE = "none"
MONITORING = "monitoring"
SEN_SUPPORT = "sen_support"
EHC_PLAN = "ehc_plan"
REMOVED = "removed"

LABELS = {
    NONE: "Not recorded",
    MONITORING: "Monitoring",
    SEN_SUPPORT: "SEN support",
    EHC_PLAN: "EHC plan",
    REMOVED: "Removed from the register",
}
STATUS_CHOICES = [(s, LABELS[s]) for s in (MONITORING, SEN_SUPPORT, EHC_PLAN, REMOVED)]

CENSUS = {NONE: "N", MONITORING: "N", SEN_SUPPORT: "K", EHC_PLAN: "E", REMOVED: "N"}

# from -> {to: why the move exists}. Anything not listed is refused.
TRANSITIONS: dict[str, dict[str, str]] = {
    NONE: {
        MONITORING: "concern raised",
        SEN_SUPPORT: "added to the register",
        # A pupil can join the school already holding an EHC plan.
        EHC_PLAN: "joined with an EHC plan",
    },
    MONITORING: {SEN_SUPPORT: "added to the register", REMOVED: "monitoring ended"},
    SEN_SUPPORT: {
        EHC_PLAN: "EHC plan issued",
        # A review decides "Move to monitoring" (send/review_decisions.py): off SEN support, still watched.
        MONITORING: "off SEN support, still monitored",
        REMOVED: "needs met without SEN support",
    },
    EHC_PLAN: {SEN_SUPPORT: "EHC plan ceased", REMOVED: "EHC plan ceased and needs met"},
    REMOVED: {MONITORING: "monitoring again", SEN_SUPPORT: "added to the register again"},
}

REGISTER = Transitions(name="pupil", labels=LABELS, moves=TRANSITIONS)

# Moves that put a pupil on the SEN register: the parents' agreement must be recorded (seed 001).
NEEDS_PARENTS_AGREEMENT = {(NONE, SEN_SUPPORT), (MONITORING, SEN_SUPPORT), (REMOVED, SEN_SUPPORT)}


def needs_parents_agreement(from_status: str, to_status: str) -> bool:
    return (from_status, to_status) in NEEDS_PARENTS_AGREEMENT


def census_code(status: str) -> str:
    return CENSUS[status]


def is_on_register(status: str) -> bool:
    return CENSUS.get(status, "N") in {"K", "E"}
