"""The one transition table for a meeting's status (pure). A meeting is planned, then held, not
attended, or cancelled; each of those is final (a new meeting is planned instead), so the record of
what happened at a meeting is never overwritten by a later one.

    >>> MEETING.allowed("planned", "held"), MEETING.allowed("held", "planned")
    (True, False)
    >>> MEETING.check("not_attended", "held")
    Traceback (most recent call last):
    ...
    school.transitions.IllegalMove: ['The parents did not attend this meeting: plan a new meeting instead.']
"""

from school.transitions import Transitions

PLANNED, HELD, NOT_ATTENDED, CANCELLED = "planned", "held", "not_attended", "cancelled"

LABELS = {"": "new", PLANNED: "Planned", HELD: "Held", NOT_ATTENDED: "Not attended", CANCELLED: "Cancelled"}

MEETING = Transitions(
    name="meeting",
    labels=LABELS,
    moves={
        "": {PLANNED: "planned"},
        PLANNED: {
            HELD: "the meeting took place",
            NOT_ATTENDED: "the parents did not come",
            CANCELLED: "called off",
        },
    },
    final_messages={
        HELD: "This meeting was held and recorded: plan a new meeting instead.",
        NOT_ATTENDED: "The parents did not attend this meeting: plan a new meeting instead.",
        CANCELLED: "This meeting was cancelled: plan a new meeting instead.",
    },
)
