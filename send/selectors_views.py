"""Reads for views requests in bulk: the reviews coming up in the next N weeks (SEN support cycles and
EHC plan reviews), and the requests with no reply yet. A fixed number of queries whatever the number
of pupils (tests/send/test_views_bulk.py counts them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Prefetch, Q

from school import policy
from school.models import PupilContact

from .models import SupportCycle, ViewsRequest
from .models_reviews import AnnualReview, ReviewStatus

#: EHC plan reviews still before their meeting: the time to ask for views.
BEFORE_MEETING = (ReviewStatus.REQUESTED, ReviewStatus.PLANNED, ReviewStatus.INVITED)


@dataclass
class UpcomingReview:
    review: SupportCycle | AnnualReview
    date: date
    kind: str  # "SEN support review" / "EHC plan annual review"
    asked: set  # the respondents already asked

    @property
    def pupil(self):
        return self.review.pupil


def upcoming_reviews(*, user, school, today: date, weeks: int) -> list[UpcomingReview]:
    """Every open SEN support cycle whose review is due, and every EHC plan review whose meeting is,
    from today to `weeks` weeks ahead, for pupils in the user's scope; soonest first. Three queries."""
    until = today + timedelta(weeks=weeks)
    cycles = (
        policy.scoped_to_pupils(user, school, SupportCycle.objects.filter(school=school))
        .open()
        .filter(review_due__gte=today, review_due__lte=until)
        .select_related("pupil__registration_class", "school")
        .prefetch_related(
            Prefetch("views_requests", queryset=ViewsRequest.objects.only("id", "cycle_id", "respondent"))
        )
    )
    reviews = (
        policy.scoped_to_pupils(user, school, AnnualReview.objects.current().filter(school=school))
        .filter(status__in=BEFORE_MEETING, meeting_date__gte=today, meeting_date__lte=until)
        .select_related("pupil__registration_class", "school")
        .prefetch_related(
            Prefetch(
                "views_requests", queryset=ViewsRequest.objects.only("id", "annual_review_id", "respondent")
            )
        )
    )
    rows = [
        UpcomingReview(c, c.review_due, "SEN support review", {r.respondent for r in c.views_requests.all()})
        for c in cycles
    ] + [
        UpcomingReview(
            r,
            r.meeting_date,
            f"EHC plan {r.get_kind_display().lower()}",
            {v.respondent for v in r.views_requests.all()},
        )
        for r in reviews
    ]
    rows.sort(
        key=lambda row: (row.date, row.pupil.legal_last_name, row.pupil.legal_first_name, row.review.pk)
    )
    return rows


def parent_contacts(*, pupil_ids) -> dict:
    """{pupil id: the priority-1 contact with parental responsibility} for many pupils, one query
    (the same choice as selectors.parent_contact_for)."""
    found = {}
    links = (
        PupilContact.objects.filter(pupil_id__in=list(pupil_ids), parental_responsibility=True)
        .select_related("contact")
        .order_by("pupil_id", "priority", "id")
    )
    for link in links:
        found.setdefault(link.pupil_id, link.contact)
    return found


def outstanding_requests(*, user, school):
    """Views asked for and not in yet, for reviews still to come (open cycles, EHC reviews before
    their meeting), pupils in the user's scope: who, how asked, when asked and reminded. One query."""
    in_school = Q(cycle__school=school) | Q(annual_review__school=school)
    open_review = Q(cycle__isnull=False) & ~Q(cycle__stage="closed") | Q(
        annual_review__status__in=BEFORE_MEETING, annual_review__withdrawn_at__isnull=True
    )
    requests = (
        ViewsRequest.objects.filter(in_school)
        .filter(open_review)
        .filter(sent_at__isnull=False, received_on__isnull=True)
    )
    scoped_cycles = policy.scoped_to_pupils(user, school, SupportCycle.objects.filter(school=school))
    scoped_reviews = policy.scoped_to_pupils(user, school, AnnualReview.objects.filter(school=school))
    requests = requests.filter(Q(cycle__in=scoped_cycles) | Q(annual_review__in=scoped_reviews))
    return requests.select_related(
        "cycle__pupil__registration_class", "annual_review__pupil__registration_class", "contact", "email"
    ).order_by("sent_at", "pk")
