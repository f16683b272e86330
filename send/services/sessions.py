"""SEND writes for intervention sessions delivered (issue 15). Action code: send.session.*.

Withdrawing a session recorded by mistake goes through school.withdrawal.record_withdraw (with a
reason), as every other SEND record."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from ..models import Intervention, InterventionSession, ProvisionEnrolment, SessionAttendance
from .common import save_audited


def places_on(intervention: Intervention, day: date):
    """The intervention's places current on `day` (not withdrawn), by surname."""
    return (
        ProvisionEnrolment.objects.current()
        .filter(intervention=intervention, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("pupil__registration_class")
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "pk")
    )


@transaction.atomic
def session_record(
    *, actor, intervention: Intervention, held_on: date, minutes: int, attended, notes: str = ""
) -> InterventionSession:
    """Record a session held, with a row for every place current that day: attended when its id is in
    `attended`. A pupil without a place that day cannot be marked present."""
    places = list(places_on(intervention, held_on)) if held_on else []
    if held_on and not places:
        raise ValidationError({"held_on": "Nobody had a place in this intervention on that day."})
    attended = {int(pk) for pk in attended}
    unknown = attended - {p.pk for p in places}
    if unknown:
        raise ValidationError("Only pupils with a place in this intervention that day can be marked present.")
    session = InterventionSession(
        school_id=intervention.school_id,
        intervention=intervention,
        held_on=held_on,
        minutes=minutes,
        notes=notes,
        recorded_by=actor,
    )
    present = sum(1 for p in places if p.pk in attended)
    save_audited(
        actor=actor,
        instance=session,
        action="send.session.recorded",
        reason=f"{present} of {len(places)} attended",
    )
    SessionAttendance.objects.bulk_create(
        SessionAttendance(session=session, enrolment=place, attended=place.pk in attended) for place in places
    )
    return session
