"""The one transition table for a case's status. Every status change goes through
``school.transitions.move`` and leaves a ``CaseStatusEvent`` row; an illegal move is refused.

    >>> CASE.allowed("", "open"), CASE.allowed("open", "closed"), CASE.allowed("closed", "open")
    (True, True, False)

A closed case is never reopened: if the pupil's attendance falls again, the nightly run opens a new
case, so each episode keeps its own history and close reason.
"""

from school.transitions import Transitions

OPEN, CLOSED = "open", "closed"

CASE = Transitions(
    name="case",
    labels={"": "new", OPEN: "Open", CLOSED: "Closed"},
    moves={"": {OPEN: "attendance crossed a tier's threshold"}, OPEN: {CLOSED: "closed with a reason"}},
    final_messages={CLOSED: "This case is closed. A new case opens if attendance falls again."},
)
