"""Section F of an EHC plan: is each line of provision specified, and is it delivered? (pure)

The SEND Code of Practice (9.69) says provision in Section F "must be detailed and specific and should
normally be quantified, for example, in terms of the type, hours and frequency of support". A line that
says "access to regular support as appropriate" cannot be checked, and a tribunal would call it
unenforceable, so its vague phrases are flagged and it is not counted as met.

How delivery is counted: the line's specified minutes a week are its sessions a week times its minutes
a session. What is delivered is the sum, over the provision-map interventions the line is linked to, of
each intervention's sessions a week times its minutes a session, for the pupil's places current on the
day (a place that has started and not ended, and is not withdrawn). These are the sessions the pupil is
timetabled for, not a register of sessions that took place.

Worked example: the plan specifies 5 sessions of 30 minutes of 1:1 reading a week (150 minutes); the
pupil has one current place in a reading group of 3 sessions of 30 minutes (90 minutes), so 60 minutes
a week are short.

    >>> line = check_line(description="1:1 reading with a trained TA", sessions_per_week=5,
    ...                   minutes_per_session=30, delivered=90)
    >>> line.specified, line.delivered, line.shortfall, line.status
    (150, 90, 60, 'short')
    >>> unquantified_phrases("Access to regular support from an adult as appropriate", 3, 20)
    ['access to', 'regular', 'as appropriate']
    >>> check_line(description="Small-group speech work", sessions_per_week=None,
    ...            minutes_per_session=None, delivered=0).problems
    ('no frequency (sessions a week)', 'no duration (minutes a session)')
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Longest first, so "regularly" is reported as itself and not as "regular".
VAGUE_PHRASES = (
    "opportunities to",
    "as appropriate",
    "as required",
    "access to",
    "regularly",
    "regular",
    "up to",
    "may",
)
_VAGUE = re.compile(r"\b(" + "|".join(re.escape(p) for p in VAGUE_PHRASES) + r")\b", re.IGNORECASE)

NO_FREQUENCY = "no frequency (sessions a week)"
NO_DURATION = "no duration (minutes a session)"

SHORT = "short"
MET = "met"
UNQUANTIFIED = "unquantified"
STATUS_LABELS = {
    SHORT: "Short of the plan",
    MET: "Delivered as specified",
    UNQUANTIFIED: "Not quantified: cannot be checked",
}
# The overview lists the lines the SENDCo must act on first.
STATUS_ORDER = {SHORT: 0, UNQUANTIFIED: 1, MET: 2}


def unquantified_phrases(description: str, sessions_per_week: int | None, minutes_per_session: int | None):
    """The vague phrases in `description` (each once, in the order written), then what is missing."""
    found: list[str] = []
    for match in _VAGUE.finditer(description or ""):
        phrase = match.group(1).lower()
        if phrase not in found:
            found.append(phrase)
    if not sessions_per_week:
        found.append(NO_FREQUENCY)
    if not minutes_per_session:
        found.append(NO_DURATION)
    return found


def specified_minutes(sessions_per_week: int | None, minutes_per_session: int | None) -> int | None:
    """Minutes a week the plan specifies; None when it gives no frequency or no duration."""
    if not sessions_per_week or not minutes_per_session:
        return None
    return sessions_per_week * minutes_per_session


@dataclass(frozen=True)
class LineCheck:
    specified: int | None  # minutes a week in the plan
    delivered: int  # minutes a week of the pupil's current places in the linked interventions
    shortfall: int | None  # minutes a week short (0 when met); None when the line cannot be checked
    problems: tuple[str, ...]  # vague phrases and missing quantities

    @property
    def status(self) -> str:
        if self.shortfall:
            return SHORT
        return UNQUANTIFIED if self.problems else MET

    @property
    def vague(self) -> tuple[str, ...]:
        return tuple(p for p in self.problems if p not in (NO_FREQUENCY, NO_DURATION))

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(p for p in self.problems if p in (NO_FREQUENCY, NO_DURATION))

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def sort_key(self) -> tuple:
        """Short lines first, the largest shortfall first; then lines that cannot be checked."""
        return (STATUS_ORDER[self.status], -(self.shortfall or 0))


def check_line(
    *, description: str, sessions_per_week: int | None, minutes_per_session: int | None, delivered: int
) -> LineCheck:
    """One Section F line against what is delivered (`delivered`: minutes a week, see the module)."""
    specified = specified_minutes(sessions_per_week, minutes_per_session)
    shortfall = None if specified is None else max(0, specified - (delivered or 0))
    return LineCheck(
        specified=specified,
        delivered=delivered or 0,
        shortfall=shortfall,
        problems=tuple(unquantified_phrases(description, sessions_per_week, minutes_per_session)),
    )
