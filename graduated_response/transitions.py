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


# --- the formal measures (graduated_response/measures.py); history rows are MeasureStatusEvent ---------
CONTRACT = Transitions(
    name="attendance contract",
    labels={"": "new", "proposed": "Proposed", "agreed": "Agreed", "ended": "Ended", "broken": "Not kept"},
    moves={
        "": {"proposed": "offered to the family", "agreed": "agreed with the parents present"},
        "proposed": {"agreed": "agreed with the parents present", "ended": "not taken up"},
        "agreed": {"ended": "ran its course", "broken": "the family did not keep to it"},
    },
    final_messages={
        "ended": "This contract has ended. Record a new one if the family agrees to another.",
        "broken": "This contract was not kept. Record a new one, or consider the next step.",
    },
)

NOTICE_TO_IMPROVE = Transitions(
    name="notice to improve",
    labels={
        "": "new",
        "in_period": "In its improvement period",
        "improved": "Improved",
        "not_improved": "Not improved",
        "withdrawn": "Withdrawn",
    },
    moves={
        "": {"in_period": "issued"},
        "in_period": {
            "improved": "attendance improved enough",
            "not_improved": "attendance did not improve enough",
            "withdrawn": "withdrawn",
        },
    },
    final_messages={
        "improved": "The outcome of this notice is already recorded.",
        "not_improved": "The outcome of this notice is already recorded.",
        "withdrawn": "This notice was withdrawn.",
    },
)

PENALTY_NOTICE = Transitions(
    name="penalty notice",
    labels={
        "": "new",
        "issued": "Issued",
        "paid": "Paid",
        "unpaid": "Unpaid",
        "prosecuted": "Referred for prosecution",
        "withdrawn": "Withdrawn",
    },
    moves={
        "": {"issued": "the framework allows it"},
        "issued": {"paid": "paid in time", "unpaid": "not paid in 28 days", "withdrawn": "withdrawn"},
        "unpaid": {"prosecuted": "referred for prosecution", "withdrawn": "withdrawn"},
    },
    final_messages={
        "paid": "This notice is paid.",
        "prosecuted": "This notice was referred for prosecution.",
        "withdrawn": "This notice was withdrawn.",
    },
)

LEGAL_STEP = Transitions(
    name="legal step",
    labels={"": "new", "proposed": "Being considered", "active": "In force / referred", "ended": "Ended"},
    moves={
        "": {"proposed": "being considered", "active": "made or referred"},
        "proposed": {"active": "made or referred", "ended": "not pursued"},
        "active": {"ended": "ended"},
    },
    final_messages={"ended": "This step has ended."},
)
