"""The one transition table for a case's status. Every status change goes through ``transition`` and
leaves a ``CaseStatusEvent`` row; an illegal move is refused.

    >>> allowed("", "open"), allowed("open", "closed"), allowed("closed", "open")
    (True, True, False)

A closed case is never reopened: if the pupil's attendance falls again, the nightly run opens a new
case, so each episode keeps its own history and close reason.
"""

from django.core.exceptions import ValidationError

OPEN, CLOSED = "open", "closed"

CASE_TRANSITIONS: frozenset[tuple[str, str]] = frozenset({("", OPEN), (OPEN, CLOSED)})


def allowed(from_status: str, to_status: str) -> bool:
    return (from_status, to_status) in CASE_TRANSITIONS


def check(from_status: str, to_status: str) -> None:
    if not allowed(from_status, to_status):
        raise ValidationError(f"A case cannot move from {from_status or 'new'} to {to_status}.")
