"""Reads for EHC plan reviews: every plan in force with its last review and when the next is due, and
each open review's next step. A fixed number of queries whatever the number of plans (the deadline
calendar, the nightly alerts and the SENDCo's list all read these)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max, OuterRef, Subquery
from django.urls import reverse

from . import annual_review_dates as rules
from .models import AnnualReview, EhcPlan, SendSettings
from .models_reviews import HELD_STATUSES, OPEN_STATUSES, ReviewStatus

#: The school's practice for a review asked for early: plan its meeting within 2 weeks of the request.
PLAN_REQUESTED_WITHIN_DAYS = 14


@dataclass(frozen=True)
class PlanReview:
    plan: EhcPlan
    last_review_on: date | None
    due: rules.ReviewDue
    open_review: AnnualReview | None

    @property
    def pupil(self):
        return self.plan.pupil

    def is_overdue(self, today: date) -> bool:
        return self.due.due < today


@dataclass(frozen=True)
class NextStep:
    key: str
    title: str
    due: date
    rule: str
    url: str


def review_year_reading(school) -> str:
    found = SendSettings.objects.filter(school=school).values_list("review_year_reading", flat=True).first()
    return found or rules.DAY_BEFORE


def plan_reviews(school, *, today: date, plans=None) -> list[PlanReview]:
    """Every plan in force on `today` (or `plans`, a queryset of them), with its last review meeting,
    its next review due and its open review; overdue first, then by due date. Three queries."""
    held = (
        AnnualReview.objects.current()
        .filter(plan=OuterRef("pk"), status__in=HELD_STATUSES)
        .order_by()
        .values("plan")
        .annotate(last=Max("meeting_date"))
        .values("last")
    )
    queryset = plans if plans is not None else EhcPlan.objects.in_force(today).filter(school=school)
    rows = list(
        queryset.select_related("pupil", "local_authority")
        .annotate(last_review_on=Subquery(held))
        .order_by("pk")
    )
    reading = review_year_reading(school)
    open_reviews = {
        r.plan_id: r
        for r in AnnualReview.objects.current()
        .filter(plan__in=[p.pk for p in rows], status__in=OPEN_STATUSES)
        .order_by("created_at", "id")
    }
    result = []
    for plan in rows:
        last = plan.last_review_on
        start = last or plan.issue_date
        due = rules.next_review_due(
            start=start,
            year_group=plan.pupil.year_group,
            date_of_birth=plan.pupil.date_of_birth,
            reading=reading,
            today=today,
            started_by="the last review meeting" if last else "the plan's issue",
        )
        result.append(
            PlanReview(plan=plan, last_review_on=last, due=due, open_review=open_reviews.get(plan.pk))
        )
    return sorted(result, key=lambda r: (r.due.due, r.pupil.display_name))


def _step(review: AnnualReview, key: str, url_name: str) -> NextStep:
    timeline = {s.key: s for s in rules.meeting_timeline(review.meeting_date)}
    step = timeline[key]
    return NextStep(key, step.title, step.due, step.rule, reverse(url_name, args=[review.pk]))


def next_step(review: AnnualReview) -> NextStep | None:
    """The first step of an open review not yet done, with its deadline and the page where it is done."""
    status = review.status
    if status == ReviewStatus.REQUESTED:
        return NextStep(
            "plan_meeting",
            "Plan the meeting of the review asked for",
            review.created_at.date() + timedelta(days=PLAN_REQUESTED_WITHIN_DAYS),
            "The school's practice: plan the meeting within 2 weeks of the request.",
            reverse("send:ehc_review_meeting", args=[review.pk]),
        )
    if review.meeting_date is None:
        return None
    if status in (ReviewStatus.PLANNED, ReviewStatus.INVITED):
        if review.advice_requested_on is None:
            return _step(review, "advice_requested", "send:ehc_review_advice")
        if status == ReviewStatus.PLANNED:
            return _step(review, "invitations", "send:ehc_review_invite")
        if review.advice_circulated_on is None:
            return _step(review, "advice_circulated", "send:ehc_review_advice")
        return NextStep(
            "meeting",
            "Record the review meeting",
            review.meeting_date,
            "On the day of the meeting.",
            reverse("send:ehc_review_record", args=[review.pk]),
        )
    if status == ReviewStatus.HELD:
        return _step(review, "report", "send:ehc_review_report")
    if status == ReviewStatus.REPORT_SENT:
        return _step(review, "la_decision", "send:ehc_review_decision")
    if status == ReviewStatus.LA_DECIDED and review.la_decision == AnnualReview.Decision.AMEND:
        return _step(review, "amended_plan", "send:ehc_review_amended")
    return None


def review_timeline(review: AnnualReview) -> list[dict]:
    """Each step of a review with its deadline, its rule, and the day it was done (None if not yet)."""
    if review.meeting_date is None:
        return []
    done = {
        "advice_requested": review.advice_requested_on,
        "invitations": review.invitations_sent_on,
        "advice_circulated": review.advice_circulated_on,
        "report": review.report_sent_on,
        "la_decision": review.la_decision_on,
        "amended_plan": review.amended_plan_on,
    }
    rows = []
    for step in rules.meeting_timeline(review.meeting_date):
        on = done[step.key]
        if step.key == "amended_plan" and review.la_decision and review.la_decision != "amend":
            continue
        rows.append({"step": step, "done_on": on, "late": bool(on and on > step.due)})
    rows.insert(
        3,
        {
            "step": rules.Step("meeting", "The review meeting", review.meeting_date, "The date planned."),
            "done_on": review.meeting_date if review.status in HELD_STATUSES else None,
            "late": False,
        },
    )
    return rows


def plan_review_history(plan: EhcPlan):
    return AnnualReview.objects.filter(plan=plan).order_by("-created_at", "-id")


def open_reviews_needing_steps(school):
    """Open reviews of the school's plans, with their pupil and plan (one query)."""
    return (
        AnnualReview.objects.current()
        .filter(school=school, status__in=OPEN_STATUSES)
        .filter(plan__withdrawn_at__isnull=True)
        .select_related("pupil", "plan__local_authority")
    )


def _review_panel(school, plans, *, today: date) -> dict | None:
    rows = plan_reviews(school, today=today, plans=plans)
    if not rows:
        return None
    row = rows[0]
    return {"row": row, "history": list(plan_review_history(row.plan)[:5]), "today": today}


def pupil_review_panel(*, pupil, today: date) -> dict | None:
    """The pupil page's EHC plan review card: the plan in force, when its review is due, the review in
    progress and the reviews so far (None without a plan in force). Four queries."""
    return _review_panel(pupil.school, EhcPlan.objects.in_force(today).filter(pupil=pupil), today=today)


def plan_review_panel(*, plan: EhcPlan, today: date) -> dict | None:
    """The same card on the plan's own page: None unless this plan is in force on `today` (a ceased or
    withdrawn plan is not reviewed). Four queries."""
    return _review_panel(plan.school, EhcPlan.objects.in_force(today).filter(pk=plan.pk), today=today)
