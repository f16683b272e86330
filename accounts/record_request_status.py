"""The status of a request for records: the one table of allowed moves (pure).

A request is received, then prepared (the records gathered and reviewed), then either released to the
requester or refused (for example the requester's identity or parental responsibility could not be
confirmed). Released and refused are final: a new request is recorded as a new request.

    >>> STATUS.check(RECEIVED, IN_PREPARATION)
    >>> STATUS.check(RELEASED, RECEIVED)
    Traceback (most recent call last):
    ...
    school.transitions.IllegalMove: ['This request has been released. Record a new request instead.']
"""

from __future__ import annotations

from school.transitions import Transitions

RECEIVED = "received"
IN_PREPARATION = "in_preparation"
RELEASED = "released"
REFUSED = "refused"

LABELS = {
    RECEIVED: "Received",
    IN_PREPARATION: "In preparation",
    RELEASED: "Released",
    REFUSED: "Refused",
}
CHOICES = list(LABELS.items())
OPEN = (RECEIVED, IN_PREPARATION)

TRANSITIONS: dict[str, dict[str, str]] = {
    RECEIVED: {IN_PREPARATION: "records being gathered", REFUSED: "request refused"},
    IN_PREPARATION: {RELEASED: "records released", REFUSED: "request refused"},
    RELEASED: {},
    REFUSED: {},
}


def closed_message(status: str) -> str:
    """Why a closed request cannot be changed, or "" for an open one.

    >>> closed_message(REFUSED)
    'This request has been refused. Record a new request instead.'
    """
    return STATUS.final_messages.get(status, "")


STATUS = Transitions(
    name="request",
    labels=LABELS,
    moves=TRANSITIONS,
    final_messages={
        RELEASED: "This request has been released. Record a new request instead.",
        REFUSED: "This request has been refused. Record a new request instead.",
    },
)
