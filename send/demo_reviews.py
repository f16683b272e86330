"""Demo data for EHC plan reviews (send/models_reviews.py), built after the plans demo (demo_plans.py):
for every plan in force at the school, a history of held reviews, one a year back from its latest
(never before the plan was issued), so that the SENDCo's list has something true to say:

* one plan's annual review is overdue (its last review was about 12 and a half months ago);
* one plan's review is due next month (last review about 11 months ago);
* a Year 6 pupil's plan is in phase transfer: due by 15 February, with the review meeting planned in
  January and advice already asked for;
* the other plans were reviewed in the last few months.

Rows are written directly (the services refuse dates in the past, which a history needs), each with its
status history and an audit row saying it is demo data. No letters are written: a newcomer prepares the
invitations from the review page.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from django.utils import timezone

from school import audit
from school.models import Membership, Role

from . import annual_review_dates as rules
from .models import AnnualReview, EhcPlan, ReviewInvitee, ReviewStatusChange
from .models_reviews import ReviewStatus
from .services.reviews import outcome_lines

OVERDUE_DAYS = 380  # about 12 and a half months since the last review
DUE_NEXT_MONTH_DAYS = 335  # about 11 months: due in about a month
MAX_HISTORY = 3


def _held(plan, meeting: date, *, amend: bool, sendco, now) -> AnnualReview:
    return AnnualReview(
        school=plan.school,
        plan=plan,
        pupil=plan.pupil,
        kind=AnnualReview.Kind.ANNUAL,
        status=ReviewStatus.AMENDED if amend else ReviewStatus.CLOSED,
        meeting_date=meeting,
        meeting_time=time(15, 30),
        meeting_place="The SENDCo's room",
        advice_requested_on=meeting - timedelta(days=42),
        invitations_sent_on=meeting - timedelta(days=21),
        advice_circulated_on=meeting - timedelta(days=15),
        report_sent_on=meeting + timedelta(days=10),
        la_decision_on=meeting + timedelta(days=25),
        la_decision=AnnualReview.Decision.AMEND if amend else AnnualReview.Decision.MAINTAIN,
        amended_plan_on=meeting + timedelta(days=70) if amend else None,
        pupil_views="Enjoys the small reading group and wants more time on the computer (demo).",
        parent_views="Pleased with progress in reading; worried about playtimes (demo).",
        professional_views="The speech and language therapist recommends continuing weekly sessions (demo).",
        outcome_progress=[
            {
                "outcome": outcome,
                "progress": "Making steady progress; on track for the end of the key stage (demo).",
            }
            for outcome in outcome_lines(plan)
        ],
        recommended_amendments="Update section F to add a social skills group (demo)." if amend else "",
        created_by=sendco,
        created_at=now,
    )


def _history_rows(review: AnnualReview, sendco, now) -> list[ReviewStatusChange]:
    m = review.meeting_date
    steps = [
        ("", ReviewStatus.PLANNED, m - timedelta(days=50)),
        (ReviewStatus.PLANNED, ReviewStatus.INVITED, review.invitations_sent_on),
        (ReviewStatus.INVITED, ReviewStatus.HELD, m),
        (ReviewStatus.HELD, ReviewStatus.REPORT_SENT, review.report_sent_on),
        (ReviewStatus.REPORT_SENT, ReviewStatus.LA_DECIDED, review.la_decision_on),
    ]
    if review.status == ReviewStatus.AMENDED:
        steps.append((ReviewStatus.LA_DECIDED, ReviewStatus.AMENDED, review.amended_plan_on))
    elif review.status == ReviewStatus.CLOSED:
        steps.append((ReviewStatus.LA_DECIDED, ReviewStatus.CLOSED, review.la_decision_on))
    elif review.status == ReviewStatus.PLANNED:
        steps = steps[:1]
    return [
        ReviewStatusChange(
            review=review, from_status=a, to_status=b, on=on, note="Demo", changed_by=sendco, changed_at=now
        )
        for a, b, on in steps
        if on is not None
    ]


def _roles(plans, today: date) -> dict[int, str]:
    """Which plan shows what: a Year 6 pupil's is the phase transfer; the two oldest of the others (most
    room for a history) are overdue and due next month."""
    roles: dict[int, str] = {}
    year6 = next((p for p in plans if p.pupil.year_group == 6), None)
    if year6 is not None:
        roles[year6.pk] = "phase"
    others = sorted(
        (
            p
            for p in plans
            if p.pk not in roles
            and p.pupil.year_group not in rules.TRANSFER_YEARS
            and rules.age_on(p.pupil.date_of_birth, today) >= 6
        ),
        key=lambda p: (p.issue_date, p.pk),
    )
    for plan, role in zip(others, ("overdue", "due_next_month"), strict=False):
        roles[plan.pk] = role
    return roles


def build(*, school, sendco, today: date) -> None:
    plans = list(
        EhcPlan.objects.in_force(today)
        .filter(school=school)
        .select_related("pupil", "local_authority")
        .order_by("pk")
    )
    if not plans:
        return
    now = timezone.now()
    roles = _roles(plans, today)
    reviews: list[AnnualReview] = []
    for i, plan in enumerate(plans):
        role = roles.get(plan.pk)
        if role == "overdue":
            last = today - timedelta(days=OVERDUE_DAYS)
        elif role == "due_next_month":
            last = today - timedelta(days=DUE_NEXT_MONTH_DAYS)
        elif role == "phase":
            # Reviewed last academic year, so the transfer date (15 February) is what it is due by.
            last = min(rules.academic_year_start(today) - timedelta(days=100), today - timedelta(days=200))
        else:
            last = today - timedelta(days=60 + (i * 37) % 180)
        meetings = [last - timedelta(days=365 * n) for n in range(MAX_HISTORY)]
        for n, meeting in enumerate(m for m in meetings if m > plan.issue_date):
            reviews.append(_held(plan, meeting, amend=n == 1, sendco=sendco, now=now))
        if role == "phase":
            deadline = rules.transfer_deadline(6, today=today)
            meeting = max(today + timedelta(days=21), deadline - timedelta(days=28))
            reviews.append(
                AnnualReview(
                    school=school,
                    plan=plan,
                    pupil=plan.pupil,
                    kind=AnnualReview.Kind.PHASE_TRANSFER,
                    status=ReviewStatus.PLANNED,
                    meeting_date=meeting,
                    meeting_time=time(9, 30),
                    meeting_place="The meeting room, with the secondary school's SENDCo invited",
                    advice_requested_on=min(today, meeting - timedelta(days=42)),
                    created_by=sendco,
                    created_at=now,
                )
            )
    AnnualReview.objects.bulk_create(reviews)
    history = [row for review in reviews for row in _history_rows(review, sendco, now)]
    ReviewStatusChange.objects.bulk_create(history)
    head = (
        Membership.objects.filter(school=school, role=Role.HEADTEACHER, is_active=True)
        .select_related("user")
        .first()
    )
    invitees = []
    for review in reviews:
        if head is not None:
            invitees.append(
                ReviewInvitee(
                    review=review,
                    role=ReviewInvitee.Role.HEAD_TEACHER,
                    name=head.user.get_full_name() or head.user.username,
                    organisation=school.name,
                )
            )
        invitees.append(
            ReviewInvitee(
                review=review,
                role=ReviewInvitee.Role.LA_OFFICER,
                name=review.plan.la_officer_name or f"The SEN team, {review.plan.local_authority.name}",
                organisation=review.plan.local_authority.name,
                email=review.plan.la_officer_email or review.plan.local_authority.sen_team_email,
            )
        )
    ReviewInvitee.objects.bulk_create(invitees)
    audit.record_bulk(
        actor=None,
        action="send.ehc_review.demo_created",
        school=school,
        reason="Demo data",
        entries=[
            {
                "object_type": "send.annualreview",
                "object_id": r.pk,
                "pupil_id": r.pupil_id,
                "after": {"kind": r.kind, "status": r.status, "meeting_date": str(r.meeting_date)},
            }
            for r in reviews
        ],
    )
