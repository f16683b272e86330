"""The next letter a case calls for: a suggestion from the tier and the letter and meeting history.
Staff choose; the case page offers every template beside the suggestion (docs/rules.md section 4.4).

The seed attendance policy (004, Appendix 4 "Suggested actions") escalates in three levels, each with
its letter and meeting; Appendix 2 runs from universal support through targeted support to formal
support with the local authority. Mapped onto the product's tiers (graduated_response/defaults.py):

    ===================  =========================================  ===================================
    seed level           letters and meetings                       product tiers
    ===================  =========================================  ===================================
    universal offer      phone calls, rewards (no letter)           Universal, Tier 1 (early
                                                                    intervention: talk, do not write)
    1 form tutor         Letter 1 initial concerns; Meeting 1       Tier 2 (approaching persistent
                                                                    absence) and worse
    2 attendance leader  Letter 2 invitation to a SAM; Meeting 2;   Tier 2 and 3 after Letter 1
                         2a did not attend, 2b targets, 2c met      (Tier 3: persistently absent)
    3 assistant head     Letter 3 invitation to a SAP (SAM targets  Tier 4 and 5 (bespoke provision,
                         not met); Meeting 3; 3a, 3b, 3c            the local authority's guidance)
    ===================  =========================================  ===================================

The order of the checks, first match wins:

1. A meeting that happened gets its follow-up first (the seed: "any meetings recorded and parents
   provided with a copy whether they are present or not"): SAP not attended 3a, SAP targets met 3c,
   SAP held 3b; then the same for the SAM with 2a, 2c, 2b. These apply in any tier, so a family whose
   child climbed back to Tier 1 still hears that the targets were met.
2. Universal and Tier 1: no letter (the universal offer is a conversation).
3. Letter 1 first, at any tier from 2: a letter that invites to a panel is never the family's first
   word from the school about attendance.
4. The persistent absence letter once attendance is 90.0% or less (seed 6.2: a persistent absentee
   "receive[s] a letter home ... informing the parent/carer of the current attendance"; DfE: missing
   10% or more of possible sessions, docs/rules.md section 4).
5. Letter 2 (invitation to a SAM) after Letter 1 while the pupil is still in Tier 2 or worse.
6. From Tier 4, Letter 3 (invitation to a SAP) once the SAM has taken place (held or not attended),
   since the SAP is for "SAM targets not met"; while the SAM is still planned, nothing new.
7. Otherwise nothing new: every letter this stage calls for has gone.

Worked example: a pupil enters Tier 2 with no letters; then Letter 1 has gone; then the SAM was held.

    >>> suggest(History(tier=2)).code
    'letter_1'
    >>> suggest(History(tier=2, produced=frozenset({"letter_1"}))).code
    'letter_2'
    >>> suggest(History(tier=2, produced=frozenset({"letter_1", "letter_2"}), sam="held")).code
    'letter_2b'
    >>> suggest(History(tier=4, produced=frozenset({"letter_1", "letter_2", "letter_2b"}), sam="held")).code
    'letter_3'
    >>> print(suggest(History(tier=1)).code)
    None
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

#: Attendance at or below this is persistent absence (missing 10% or more; docs/rules.md section 4).
PERSISTENT_ABSENCE_PCT = Decimal("90.0")
#: The first tier whose pupils' families get letters (seed level 1), and the first for Letter 3.
FIRST_LETTER_TIER = 2
PANEL_TIER = 4

HELD, NOT_ATTENDED, PLANNED = "held", "not_attended", "planned"


@dataclass(frozen=True)
class History:
    """What the rule reads about one case.

    ``produced``: template codes of letters already produced since the case opened. ``sam`` and
    ``sap``: the status of the latest School Attendance Meeting and Panel since then ("planned",
    "held", "not_attended"; None for none or cancelled); ``*_targets_met``: every target of that held
    meeting is met. ``attendance_pct``: this year's attendance to one decimal place, if judged."""

    tier: int
    produced: frozenset[str] = field(default_factory=frozenset)
    sam: str | None = None
    sam_targets_met: bool = False
    sap: str | None = None
    sap_targets_met: bool = False
    attendance_pct: Decimal | None = None


@dataclass(frozen=True)
class Suggestion:
    code: str | None
    reason: str


def _meeting_follow_up(h: History) -> Suggestion | None:
    for meeting, status, met, (dna, done, confirm) in (
        ("School Attendance Panel", h.sap, h.sap_targets_met, ("letter_3a", "letter_3c", "letter_3b")),
        ("School Attendance Meeting", h.sam, h.sam_targets_met, ("letter_2a", "letter_2c", "letter_2b")),
    ):
        if status == NOT_ATTENDED and dna not in h.produced:
            return Suggestion(dna, f"The family did not attend the {meeting}.")
        if status == HELD and met and done not in h.produced:
            return Suggestion(done, f"Every target from the {meeting} is met.")
        if status == HELD and confirm not in h.produced:
            return Suggestion(confirm, f"The {meeting} was held: confirm its targets to the family.")
    return None


def suggest(h: History) -> Suggestion:
    """The template code the case calls for next, with why; ``code`` None when none is due."""
    follow_up = _meeting_follow_up(h)
    if follow_up:
        return follow_up
    if h.tier < FIRST_LETTER_TIER:
        return Suggestion(
            None, "Universal support and Tier 1 are a conversation with the family, not a letter."
        )
    if "letter_1" not in h.produced:
        return Suggestion("letter_1", f"The pupil is in Tier {h.tier} and no letter has gone home yet.")
    persistent = h.attendance_pct is not None and h.attendance_pct <= PERSISTENT_ABSENCE_PCT
    if persistent and "persistent_absence" not in h.produced:
        return Suggestion(
            "persistent_absence", f"Attendance is {h.attendance_pct}%: the pupil is persistently absent."
        )
    if "letter_2" not in h.produced:
        return Suggestion("letter_2", f"Letter 1 has gone and the pupil is still in Tier {h.tier}.")
    if h.tier >= PANEL_TIER and "letter_3" not in h.produced:
        if h.sam in (HELD, NOT_ATTENDED):
            return Suggestion(
                "letter_3", f"The pupil is in Tier {h.tier} after the School Attendance Meeting."
            )
        return Suggestion(None, "Letter 3 follows the School Attendance Meeting: record the meeting first.")
    return Suggestion(None, "Every letter this stage calls for has been produced: review the case.")
