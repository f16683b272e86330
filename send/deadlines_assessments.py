"""SEND deadlines of EHC needs assessments, registered with send.deadlines: the next open step of each
open assessment, leaving out steps covered by a recorded statutory exception.

Two queries for any number of pupils: the open assessments (with pupil and local authority) and
their exceptions.
"""

from __future__ import annotations

from django.urls import reverse

from . import ehc_assessment_deadlines as rules
from .deadlines import Deadline, deadline_source
from .models_assessment import STEP_CHOICES, EhcNeedsAssessment

TITLES = {
    "decision": "Local authority's decision whether to assess",
    "advice": "Send the school's advice to the local authority",
    "not_to_issue": "Local authority's decision whether to issue a plan",
    "draft_comments": "Send the school's comments on the draft plan",
    "final": "Local authority issues the final plan",
}
assert set(TITLES) == {s for s, _ in STEP_CHOICES}


@deadline_source
def assessment_deadlines(school, *, today, until) -> list[Deadline]:
    assessments = list(
        EhcNeedsAssessment.objects.open_on(today)
        .filter(school=school, la_received_on__isnull=False)
        .select_related("pupil", "local_authority")
        .prefetch_related("exceptions")
    )
    items = []
    for a in assessments:
        excepted = {e.step for e in a.exceptions.all()}
        due, done = a.due_dates(), a.done_dates()
        open_steps = [
            s
            for s in a.applicable_steps()
            if due[s] and not done[s] and s not in excepted and due[s] <= until
        ]
        if not open_steps:
            continue
        step = min(open_steps, key=lambda s: due[s])
        items.append(
            Deadline(
                kind=f"ehcp.assessment.{step}",
                title=TITLES[step],
                due=due[step],
                pupil_id=a.pupil_id,
                pupil_name=str(a.pupil),
                url=reverse("send:assessment_detail", args=[a.pk]),
                key=f"assessment:{a.pk}",
                local_authority=a.local_authority.name,
                rule=rules.HOW_COUNTED[step],
            )
        )
    return items
