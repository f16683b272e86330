"""Demo: one EHC needs assessment in progress in the demo school (fictional local authority), for a
pupil with an educational psychologist's report (a small PDF drawn here by the shared letters
renderer), so the demo's evidence pack has an outside agencies section with a report attached."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from letters.rendering import render_pdf
from school.models import Pupil

from .models import AgencyInvolvement
from .models_assessment import AssessmentStatusChange
from .models_ehcp import LocalAuthority
from .services import documents, ehc_assessments

#: The demo educational psychologist's report: fictional service, professional and findings.
EP_REPORT_TITLE = "Educational psychologist's report"
EP_REPORT_AUTHOR = "Dr Morwen Tallis, Harrowdale educational psychology service (fictional)"
EP_REPORT_SECTIONS = [
    (
        "Reason for involvement",
        "Asked by the SENDCo after reviewed support cycles showed less progress than expected.",
    ),
    (
        "Assessment",
        "Observed in class and one to one. Working memory and processing speed well below the average "
        "range; vocabulary and verbal reasoning within the average range.",
    ),
    (
        "Recommendations",
        "Give instructions one step at a time with a visual prompt; pre-teach new vocabulary; allow "
        "extra time to process and answer; daily small-group work on reading fluency.",
    ),
]


def _on(day: date) -> datetime:
    """A step's history time: the morning of its own date, as if it had been recorded that day."""
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _ep_report(*, school, sendco, pupil: Pupil, today: date) -> None:
    """An EP involvement (the pupil's own, or a new one) with its report uploaded as a PDF."""
    written_on = today - timedelta(weeks=3)
    involvement = (
        AgencyInvolvement.objects.filter(pupil=pupil, agency=AgencyInvolvement.Agency.EP)
        .order_by("pk")
        .first()
    )
    if involvement is None:
        involvement = AgencyInvolvement.objects.create(
            school=school,
            pupil=pupil,
            agency=AgencyInvolvement.Agency.EP,
            referral_date=today - timedelta(weeks=14),
        )
    involvement.agency_detail = EP_REPORT_AUTHOR
    involvement.status = AgencyInvolvement.Status.INVOLVED
    involvement.last_report_received_on = written_on
    involvement.save(update_fields=["agency_detail", "status", "last_report_received_on"])
    pdf = render_pdf(
        "send/pdf/demo_document.html",
        {
            "school": school,
            "pupil": pupil,
            "title": EP_REPORT_TITLE,
            "author": EP_REPORT_AUTHOR,
            "written_on": written_on,
            "sections": EP_REPORT_SECTIONS,
        },
    )
    documents.document_upload(
        actor=sendco,
        pupil=pupil,
        uploaded_file=SimpleUploadedFile("ep-report-needs-assessment.pdf", pdf),
        kind="report",
        title=EP_REPORT_TITLE,
        confidential=False,
        agency=involvement,
    )


def build(*, school, sendco, pupils, today: date) -> None:
    if not pupils:
        return
    pupil = pupils[0]
    if not isinstance(pupil, Pupil):
        return
    _ep_report(school=school, sendco=sendco, pupil=pupil, today=today)
    la, _ = LocalAuthority.objects.get_or_create(
        trust=school.trust,
        name="Harrowdale County Council",
        defaults={"sen_team_email": "sen.team@harrowdale.example.org", "sen_team_phone": "01632 960123"},
    )
    received = today - timedelta(weeks=8)
    assessment = ehc_assessments.assessment_open(
        actor=sendco,
        pupil=pupil,
        local_authority=la,
        requested_by="school",
        request_date=received - timedelta(days=3),
        la_received_on=received,
        notes="Requested after three reviewed support cycles with less than expected progress.",
    )
    ehc_assessments.assessment_record_steps(
        actor=sendco,
        assessment=assessment,
        decision="assess",
        decided_on=received + timedelta(weeks=5),
        advice_requested_on=received + timedelta(weeks=5, days=2),
    )
    # The service stamps each move with the time it ran (right for real use); a demo built today would
    # show every step as happening now, so each history row takes its step's own date.
    step_dates = {
        "requested": assessment.request_date,
        "received": received,
        "assessing": received + timedelta(weeks=5),
    }
    rows = list(AssessmentStatusChange.objects.filter(assessment=assessment))
    for row in rows:
        row.changed_at = _on(step_dates[row.to_status])
    AssessmentStatusChange.objects.bulk_update(rows, ["changed_at"])
