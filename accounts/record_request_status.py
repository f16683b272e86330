"""The status of a request for records: the one table of allowed moves (pure).

A request is received, then prepared (the records gathered and reviewed), then either released to the
requester or refused (for example the requester's identity or parental responsibility could not be
confirmed). Released and refused are final: a new request is recorded as a new request.

    >>> check_move(RECEIVED, IN_PREPARATION)
    >>> check_move(RELEASED, RECEIVED)
    Traceback (most recent call last):
    ...
    accounts.record_request_status.IllegalMove: A request that is Released cannot move to Received. ...
"""

from __future__ import annotations

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


class IllegalMove(ValueError):
    pass


def allowed_moves(from_status: str) -> list[str]:
    return list(TRANSITIONS.get(from_status, {}))


def check_move(from_status: str, to_status: str) -> None:
    """None when the move is allowed; IllegalMove with a plain-English reason when not."""
    if to_status not in LABELS:
        raise IllegalMove(f"{to_status!r} is not a status of a request.")
    if to_status not in TRANSITIONS.get(from_status, {}):
        options = ", ".join(LABELS[s] for s in allowed_moves(from_status)) or "none (it is closed)"
        raise IllegalMove(
            f"A request that is {LABELS[from_status]} cannot move to {LABELS[to_status]}. "
            f"Allowed next steps: {options}."
        )
