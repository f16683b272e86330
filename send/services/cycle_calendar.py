"""Cycles that move with the calendar: a cycle at "Do" moves to "Review" by itself when its review
date comes (the nightly checks call this for each school), so nobody has to click it there.

Action code: send.cycle.stage_changed (actor None: "System, Automatic" in the audit trail).

Set-based, a fixed number of queries whatever the number of cycles: one locking read, one
conditional UPDATE, one INSERT of history rows and one bulk audit write. Safe to repeat and to race:
the rows are locked and the UPDATE only moves cycles still at "Do", so a cycle a person moved in the
meantime is left alone and a second run moves nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone

from school import audit

from .. import cycle_stages
from ..models import CycleStageChange, SupportCycle

REASON = "review date reached"


@transaction.atomic
def cycles_move_due_to_review(*, school, on: date, cycle_ids: Iterable[int] | None = None) -> list[int]:
    """Move every cycle of `school` at "Do" whose review is due on or before `on` to "Review"
    (only those in `cycle_ids` when given). Returns the ids of the cycles moved."""
    cycle_stages.STAGES.check(cycle_stages.DO, cycle_stages.REVIEW)
    due = SupportCycle.objects.filter(school=school, stage=cycle_stages.DO, review_due__lte=on)
    if cycle_ids is not None:
        due = due.filter(pk__in=list(cycle_ids))
    cycles = list(due.select_for_update(of=("self",)).select_related("pupil").order_by("pk"))
    if not cycles:
        return []
    ids = [c.pk for c in cycles]
    SupportCycle.objects.filter(pk__in=ids, stage=cycle_stages.DO).update(stage=cycle_stages.REVIEW)
    now = timezone.now()
    CycleStageChange.objects.bulk_create(
        [
            CycleStageChange(
                cycle=c,
                from_stage=cycle_stages.DO,
                to_stage=cycle_stages.REVIEW,
                changed_by=None,
                changed_at=now,
                reason=REASON,
            )
            for c in cycles
        ]
    )
    audit.record_bulk(
        actor=None,
        action="send.cycle.stage_changed",
        school=school,
        reason=f"Do to Review; {REASON}",
        entries=[
            {
                "object_type": "send.supportcycle",
                "object_id": c.pk,
                "object_repr": str(c),
                "pupil_id": c.pupil_id,
                "before": {"stage": cycle_stages.DO, "review_due": c.review_due.isoformat()},
                "after": {"stage": cycle_stages.REVIEW, "review_due": c.review_due.isoformat()},
            }
            for c in cycles
        ],
    )
    return ids
