"""First-day calls that reached nobody: one click records who was rung, on which number, and when."""

from __future__ import annotations

from datetime import date as Date

from django.core.exceptions import ValidationError
from django.db import transaction

from school import audit

from ..models import CallAttempt


@transaction.atomic
def call_attempt_record(*, actor, school, pupil, contact, outcome: str, absence_date: Date) -> CallAttempt:
    """Record a failed call to one of the pupil's contacts about the absence on ``absence_date``."""
    if not pupil.contact_links.filter(contact=contact).exists():
        raise ValidationError({"contact": "That person is not one of this pupil's contacts."})
    attempt = CallAttempt(
        school=school,
        pupil=pupil,
        contact=contact,
        contact_name=str(contact)[:200],
        phone=contact.phone,
        outcome=outcome,
        absence_date=absence_date,
        made_by=actor,
    )
    attempt.full_clean()
    attempt.save()
    audit.record(
        actor=actor,
        action="attendance.call_attempt.recorded",
        obj=attempt,
        after={
            "contact": attempt.contact_name,
            "phone": attempt.phone,
            "outcome": attempt.outcome,
            "absence_date": absence_date.isoformat(),
        },
    )
    return attempt
