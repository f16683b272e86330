"""Demo: one EHC needs assessment in progress in the demo school (fictional local authority)."""

from __future__ import annotations

from datetime import date, timedelta

from school.models import Pupil

from .models_ehcp import LocalAuthority
from .services import ehc_assessments


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
