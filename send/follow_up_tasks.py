"""Triage promises come back as tasks: which dated follow-ups a triage creates, for whom (pure).

A SENDCo's triage of a concern (seed 001) promises an observation, a pupil progress meeting and a
meeting with the parents, each on a date, and a "monitor" decision has a date by which monitoring is
reviewed. Each promise becomes one follow-up task for the person responsible: the SENDCo who triaged
(they made the promise). The teacher who raised the concern gets one item too: the outcome to read.

Worked example: a concern triaged on 30 November with an observation on 2 December and "monitor"
until 15 January gives the SENDCo two tasks and the teacher the outcome to read that day.

    >>> from datetime import date
    >>> promised = follow_ups(
    ...     observe_on=date(2026, 12, 2), progress_meeting_on=None, parents_meeting_on=None,
    ...     monitoring_review_by=date(2027, 1, 15), triaged_on=date(2026, 11, 30),
    ... )
    >>> [(p.kind, p.due_on.isoformat(), p.for_raiser) for p in promised]
    [('observation', '2026-12-02', False), ('monitoring_review', '2027-01-15', False), ('outcome', '2026-11-30', True)]

Monitoring with no review date given is reviewed one half-term (six weeks) after triage:

    >>> default_monitoring_review_by(date(2026, 11, 30))
    datetime.date(2027, 1, 11)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from school.transitions import Transitions

OBSERVATION = "observation"
PROGRESS_MEETING = "progress_meeting"
PARENTS_MEETING = "parents_meeting"
MONITORING_REVIEW = "monitoring_review"
OUTCOME = "outcome"

KIND_LABELS = {
    OBSERVATION: "Observe the pupil",
    PROGRESS_MEETING: "Discuss at the pupil progress meeting",
    PARENTS_MEETING: "Meet the parents",
    MONITORING_REVIEW: "Review monitoring: keep, add to the SEN register or stop",
    OUTCOME: "Read the SENDCo's decision on your concern",
}
KIND_CHOICES = list(KIND_LABELS.items())

#: A half-term: how long monitoring runs before its review when the triage gives no date.
MONITORING_WEEKS = 6

OPEN = "open"
DONE = "done"
WITHDRAWN = "withdrawn"
STATUS_LABELS = {OPEN: "To do", DONE: "Done", WITHDRAWN: "Withdrawn"}
STATUS_CHOICES = list(STATUS_LABELS.items())

STATUSES = Transitions(
    name="task",
    labels=STATUS_LABELS,
    moves={
        OPEN: {DONE: "done", WITHDRAWN: "no longer needed"},
        WITHDRAWN: {OPEN: "withdrawn by mistake"},
        DONE: {},
    },
    final_messages={DONE: "This task is already done."},
)


@dataclass(frozen=True)
class FollowUp:
    kind: str
    due_on: date
    for_raiser: bool = False  # the teacher who raised the concern, not the SENDCo


def default_monitoring_review_by(triaged_on: date) -> date:
    return triaged_on + timedelta(weeks=MONITORING_WEEKS)


def follow_ups(
    *,
    observe_on: date | None,
    progress_meeting_on: date | None,
    parents_meeting_on: date | None,
    monitoring_review_by: date | None,
    triaged_on: date,
) -> list[FollowUp]:
    """The tasks one triage creates, in the order the form asks for them; the outcome item last."""
    promised = [
        FollowUp(kind, day)
        for kind, day in (
            (OBSERVATION, observe_on),
            (PROGRESS_MEETING, progress_meeting_on),
            (PARENTS_MEETING, parents_meeting_on),
            (MONITORING_REVIEW, monitoring_review_by),
        )
        if day is not None
    ]
    return [*promised, FollowUp(OUTCOME, triaged_on, for_raiser=True)]
