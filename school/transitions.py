"""The one way a status changes: a table of allowed moves (data, in each app), one exception, and a
history row for every move.

Each app declares its table as data next to its rule (the SEN register in send/register_status.py, a
support cycle's stages in send/cycle_stages.py, a case's status in graduated_response/transitions.py).
A service moves a record with `move(...)`, which refuses an illegal move in plain English and writes
the history row the table's owner supplies, in the caller's transaction.

    >>> lights = Transitions(
    ...     name="light",
    ...     labels={"red": "Red", "green": "Green", "amber": "Amber"},
    ...     moves={"red": {"green": "go"}, "green": {"amber": "slow down"}, "amber": {"red": "stop"}},
    ... )
    >>> lights.allowed("red", "green"), lights.allowed("red", "amber")
    (True, False)
    >>> lights.why("green", "amber")
    'slow down'
    >>> lights.check("red", "amber")
    Traceback (most recent call last):
    ...
    school.transitions.IllegalMove: ['A light moves from Red to Green, not to Amber.']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError


class IllegalMove(ValidationError):
    """A move the table does not allow. A ValidationError, so forms show it beside the field."""


@dataclass(frozen=True)
class Transitions:
    name: str
    labels: Mapping[str, str]
    # from -> {to: why the move exists}. Anything not listed is refused.
    moves: Mapping[str, Mapping[str, str]]
    # Optional plain-English refusals for states that allow no move at all (a closed cycle).
    final_messages: Mapping[str, str] = field(default_factory=dict)

    def label(self, state: str) -> str:
        return self.labels.get(state, state or "new")

    def next_states(self, state: str) -> tuple[str, ...]:
        return tuple(self.moves.get(state, {}))

    def allowed(self, from_state: str, to_state: str) -> bool:
        return to_state in self.moves.get(from_state, {})

    def why(self, from_state: str, to_state: str) -> str:
        return self.moves.get(from_state, {}).get(to_state, "")

    def check(self, from_state: str, to_state: str) -> None:
        """None when the move is allowed; IllegalMove saying what is allowed when it is not."""
        if self.allowed(from_state, to_state):
            return
        if to_state not in self.labels:
            raise IllegalMove(f"{to_state!r} is not a {self.name} status.")
        if from_state == to_state:
            raise IllegalMove(f"It is already {self.label(to_state)}.")
        if from_state in self.final_messages:
            raise IllegalMove(self.final_messages[from_state])
        options = " or ".join(self.label(s) for s in self.next_states(from_state)) or "nothing"
        article = "An" if self.name[:1].lower() in "aeiou" else "A"
        raise IllegalMove(
            f"{article} {self.name} moves from {self.label(from_state)} to {options}, "
            f"not to {self.label(to_state)}."
        )


def move(
    *,
    table: Transitions,
    obj,
    to: str,
    save: Callable[[], object],
    history: Callable[[str, str], Any],
    attr: str = "status",
    from_state: str | None = None,
):
    """Check the move, set `obj.<attr>`, save it, and write its history row (returned).

    `from_state` defaults to the object's current state (give it for a record that does not exist
    yet). The caller has locked `obj` (select_for_update) so two people cannot both move it from the
    same state, and `save()` is the caller's audited save, in the same transaction. `history(from, to)`
    returns an unsaved history row, validated and saved here, so no move goes unrecorded.
    """
    from_state = getattr(obj, attr) if from_state is None else from_state
    table.check(from_state, to)
    setattr(obj, attr, to)
    save()
    row = history(from_state, to)
    row.full_clean()
    row.save()
    return row
