"""What goes into an EHC needs assessment evidence pack (seed 003: passports and learning plans, the
reviews of those plans and their outcomes, external specialists' reports, a provision map), read in a
fixed number of queries for one pupil. send/evidence_pack.py turns it into the PDF."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, Q

from attendance import charts, statistics
from school.calendar import SchoolCalendar
from school.models import Pupil

from .models import AgencyInvolvement, CycleReview, PupilPassport, SendDocument, SupportCycle, Target
from .selectors import provision_map


def reviewed_cycles(*, pupil: Pupil) -> list[SupportCycle]:
    """The pupil's assess-plan-do-review cycles that have been reviewed, oldest first, with their
    current targets and every review in date order (three queries)."""
    return list(
        SupportCycle.objects.filter(school=pupil.school_id, pupil=pupil, reviewed_on__isnull=False)
        .order_by("start_date", "number")
        .prefetch_related(
            Prefetch("targets", queryset=Target.objects.current().order_by("id")),
            Prefetch("reviews", queryset=CycleReview.objects.order_by("reviewed_on", "id")),
        )
    )


def agency_documents(*, pupil: Pupil, include_confidential: bool) -> list[SendDocument]:
    """Outside agencies' reports about the pupil, oldest first: documents of the agency report kind
    or linked to an agency's involvement, not withdrawn. Confidential ones only when asked for by
    someone who may open them (the same rule as send.selectors.documents_for)."""
    documents = (
        SendDocument.objects.current()
        .filter(school=pupil.school_id, pupil=pupil)
        .filter(Q(kind=SendDocument.Kind.REPORT) | Q(agency__isnull=False))
        .select_related("agency")
        .order_by("uploaded_at", "id")
    )
    if not include_confidential:
        documents = documents.filter(confidential=False)
    return list(documents)


def attendance_summary(*, pupil: Pupil, today: date, calendar: SchoolCalendar) -> dict:
    """This academic year's figures and the weekly chart (attendance/charts.py) for one pupil."""
    start, end = statistics.default_range(calendar, today)
    one = Pupil.objects.filter(pk=pupil.pk)
    figures = statistics.pupil_figures(one, start, end, calendar=calendar).get(pupil.pk)
    trend = statistics.weekly_trend(one, start, end, calendar=calendar)
    return {"start": start, "end": end, "figures": figures, "chart": charts.trend_chart(trend)}


def evidence_contents(*, pupil: Pupil, include_confidential: bool, today: date) -> dict:
    """Everything the pack prints, for one pupil (a fixed number of queries)."""
    calendar = SchoolCalendar.for_school(pupil.school)
    provision = provision_map(
        school=pupil.school, today=today, pupils=Pupil.objects.filter(pk=pupil.pk), calendar=calendar
    )
    return {
        "pupil": pupil,
        "passport": PupilPassport.objects.filter(pupil=pupil).first(),
        "cycles": reviewed_cycles(pupil=pupil),
        "provision": provision,
        "attendance": attendance_summary(pupil=pupil, today=today, calendar=calendar),
        "agencies": list(
            AgencyInvolvement.objects.current()
            .filter(school=pupil.school_id, pupil=pupil)
            .order_by("referral_date", "id")
        ),
        "documents": agency_documents(pupil=pupil, include_confidential=include_confidential),
    }
