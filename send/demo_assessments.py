"""Demo: one EHC needs assessment in progress in the demo school (fictional local authority)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from school.models import Pupil

from .models_assessment import AssessmentStatusChange
from .models_ehcp import LocalAuthority
from .services import ehc_assessments


def _on(day: date) -> datetime:
    """A step's history time: the morning of its own date, as if it had been recorded that day."""
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def build(*, school, sendco, pupils, today: date) -> None:
    if not pupils:
        return
    pupil = pupils[0]
    if not isinstance(pupil, Pupil):
        return
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
