"""SEND deadlines of EHC plan reviews, registered with send.deadlines: for each plan in force, when its
next review is due (overdue included); for each open review, its next step (invitations, advice,
report, the local authority's decision, the amended plan). Four queries, whatever the number of plans.
How each date is counted is send/annual_review_dates.py, said in each item's `rule`."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from .deadlines import Deadline, deadline_source
from .selectors_reviews import next_step, open_reviews_needing_steps, plan_reviews


@deadline_source
def review_deadlines(school, *, today: date, until: date) -> list[Deadline]:
    items: list[Deadline] = []
    for row in plan_reviews(school, today=today):
        review = row.open_review
        # A review planned before the due date meets it: its own steps are the deadlines then.
        if review is not None and review.meeting_date and review.meeting_date <= row.due.due:
            continue
        if row.due.due > until:
            continue
        url = (
            reverse("send:ehc_review_detail", args=[review.pk])
            if review is not None
            else reverse("send:ehc_review_schedule", args=[row.plan.pk])
        )
        title = {"phase_transfer": "Phase transfer review due", "under_five": "Review due (under 5)"}.get(
            row.due.kind, "Annual review due"
        )
        items.append(
            Deadline(
                kind="ehcp.review.due",
                title=title,
                due=row.due.due,
                pupil_id=row.plan.pupil_id,
                pupil_name=row.pupil.display_name,
                url=url,
                key=f"plan:{row.plan.pk}",
                local_authority=row.plan.local_authority.name,
                rule=row.due.rule,
            )
        )
    for review in open_reviews_needing_steps(school):
        step = next_step(review)
        if step is None or step.due > until:
            continue
        items.append(
            Deadline(
                kind=f"ehcp.review.{step.key}",
                title=step.title,
                due=step.due,
                pupil_id=review.pupil_id,
                pupil_name=review.pupil.display_name,
                url=step.url,
                key=f"review:{review.pk}",
                local_authority=review.plan.local_authority.name,
                rule=step.rule,
            )
        )
    return items
