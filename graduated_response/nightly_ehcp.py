"""The nightly run's request for an early review of an EHC plan when attendance falls.

A pupil with an EHC plan in force whose case entered a tier or fell to a worse one tonight, into the
school's ``ehcp_review_from_tier`` or worse (the rule: graduated_response/ehcp_review_tier.py), gets an
early review of the plan asked for: a send.AnnualReview of kind "early", status "requested", reason
"Attendance fell to X% this year, into Tier N (the school asks for an early review from Tier M).", and
an alert to the SENDCo and headteacher that links to it. In bulk, in a
fixed number of queries whatever the number of pupils:

1. the plans in force of tonight's pupils, and their open reviews (two queries);
2. one INSERT of the new requests; the constraint "one open attendance-requested review per plan"
   makes a repeated or racing night a no-op (``bulk_insert`` skips conflicts);
3. the requests just written, read back (one query), their history rows and audit rows (two inserts);
4. one alert per pupil and tier, linking to the review (open already, or asked for tonight).

A plan that already has a review in progress (planned by the SENDCo, or asked for on an earlier night)
gets no second one: the alert links to the review in progress instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from school import audit
from send.models import AnnualReview, EhcPlan, ReviewStatusChange
from send.models_reviews import OPEN_STATUSES, ReviewStatus

from .ehcp_review_tier import DEFAULT_FROM_TIER, asks_for_early_review, reason_for_review
from .nightly_bulk import bulk_insert
from .triggers import AlertDraft, ehcp_review_alert

REQUESTED_BY = "The nightly attendance checks"


def request_reviews(
    *,
    school,
    on: date,
    now: datetime,
    falls: Iterable[tuple[int, int | None, int, str, dict]],
    review_from_tier: int = DEFAULT_FROM_TIER,
) -> list[tuple[int, AlertDraft]]:
    """`falls`: (pupil_id, from_tier, to_tier, case_key, figures) for each case that entered a tier or
    fell tonight. Those into `review_from_tier` or worse (the school's setting) write the review
    requests; returns the alerts to insert with the night's others."""
    falls = [
        fall
        for fall in falls
        if asks_for_early_review(from_tier=fall[1], to_tier=fall[2], review_from_tier=review_from_tier)
    ]
    if not falls:
        return []
    plans = dict(
        EhcPlan.objects.in_force(on)
        .filter(school=school, pupil_id__in={f[0] for f in falls})
        .values_list("pupil_id", "pk")
    )
    if not plans:
        return []

    def open_reviews() -> dict[int, int]:
        rows = (
            AnnualReview.objects.filter(
                plan_id__in=list(plans.values()), status__in=OPEN_STATUSES, withdrawn_at__isnull=True
            )
            .order_by("created_at", "id")
            .values_list("plan_id", "pk")
        )
        found: dict[int, int] = {}
        for plan_id, pk in rows:
            found.setdefault(plan_id, pk)
        return found

    existing = open_reviews()
    fall_by_pupil = {pupil_id: (to_tier, figures) for pupil_id, _, to_tier, _, figures in falls}
    rows = [
        {
            "school_id": school.pk,
            "plan_id": plan_id,
            "pupil_id": pupil_id,
            "kind": AnnualReview.Kind.EARLY,
            "requested_via": AnnualReview.RequestedVia.ATTENDANCE,
            "requested_by": REQUESTED_BY,
            "reason": reason_for_review(
                attendance_pct=fall_by_pupil[pupil_id][1].get("attendance_pct"),
                to_tier=fall_by_pupil[pupil_id][0],
                review_from_tier=review_from_tier,
            ),
            "status": ReviewStatus.REQUESTED,
            "created_at": now,
        }
        for pupil_id, plan_id in plans.items()
        if plan_id not in existing
    ]
    if rows:
        bulk_insert(AnnualReview, rows)
        _record_new(school=school, on=on, now=now)
    reviews = open_reviews()
    drafts = []
    for pupil_id, from_tier, to_tier, case_key, figures in falls:
        plan_id = plans.get(pupil_id)
        if plan_id is None:
            continue
        review_id = reviews.get(plan_id)
        drafts.append(
            (
                pupil_id,
                ehcp_review_alert(
                    from_tier=from_tier,
                    to_tier=to_tier,
                    case_key=case_key,
                    figures=figures,
                    review_id=review_id,
                    asked_tonight=plan_id not in existing,
                ),
            )
        )
    return drafts


def _record_new(*, school, on: date, now: datetime) -> None:
    """History and audit rows for the requests written tonight (those without a history row yet)."""
    new = list(
        AnnualReview.objects.filter(
            school=school,
            requested_via=AnnualReview.RequestedVia.ATTENDANCE,
            created_at=now,
            history__isnull=True,
        ).values("pk", "pupil_id", "plan_id", "reason")
    )
    if not new:
        return
    bulk_insert(
        ReviewStatusChange,
        [
            {
                "review_id": row["pk"],
                "from_status": "",
                "to_status": ReviewStatus.REQUESTED,
                "on": on,
                "note": f"Asked for by {REQUESTED_BY.lower()}",
                "changed_by_id": None,
                "changed_at": now,
            }
            for row in new
        ],
    )
    audit.record_bulk(
        actor=None,
        action="send.ehc_review.requested",
        school=school,
        entries=[
            {
                "object_type": "send.annualreview",
                "object_id": row["pk"],
                "pupil_id": row["pupil_id"],
                "after": {
                    "kind": "early",
                    "status": "requested",
                    "plan": row["plan_id"],
                    "reason": row["reason"],
                },
                "reason": row["reason"],
            }
            for row in new
        ],
    )
