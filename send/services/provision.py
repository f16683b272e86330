"""SEND writes for provision: the intervention catalogue, pupils' places in it, and funding applications.

Action codes: send.intervention.*, send.provision.*, send.funding.*.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from school.models import Pupil

from ..models import FundingApplication, Intervention, ProvisionEnrolment
from .common import save_audited, with_changes


@transaction.atomic
def intervention_save(
    *, actor, school, intervention: Intervention | None = None, expected_version: int | None = None, **fields
) -> Intervention:
    intervention, before = with_changes(
        intervention,
        expected_version=expected_version,
        new=lambda: Intervention(school=school),
        fields=fields,
    )
    same_name = Intervention.objects.filter(school=school, name__iexact=intervention.name.strip())
    if same_name.exclude(pk=intervention.pk).exists():  # the constraint still guards a race
        raise ValidationError({"name": "The catalogue already has an intervention with this name."})
    if (
        intervention.delivered_by is not None
        and not intervention.delivered_by.memberships.filter(school=school, is_active=True).exists()
    ):
        raise ValidationError({"delivered_by": "Choose a member of this school's staff."})
    action = "send.intervention.changed" if before else "send.intervention.created"
    return save_audited(actor=actor, instance=intervention, action=action, before=before)


@transaction.atomic
def enrolment_save(
    *,
    actor,
    pupil: Pupil,
    enrolment: ProvisionEnrolment | None = None,
    expected_version: int | None = None,
    **fields,
) -> ProvisionEnrolment:
    enrolment, before = with_changes(
        enrolment,
        expected_version=expected_version,
        new=lambda: ProvisionEnrolment(school=pupil.school, pupil=pupil),
        fields=fields,
    )
    if enrolment.intervention_id and enrolment.intervention.school_id != pupil.school_id:
        raise ValidationError({"intervention": "Choose one of this school's interventions."})
    if enrolment.intervention_id and enrolment.start_date:
        # Two overlapping places in one intervention would count its cost twice on the provision map.
        # A withdrawn place costs nothing, so it does not block a new one.
        overlapping = (
            ProvisionEnrolment.objects.current()
            .filter(pupil=pupil, intervention_id=enrolment.intervention_id)
            .exclude(pk=enrolment.pk)
        )
        overlapping = overlapping.filter(Q(end_date__isnull=True) | Q(end_date__gte=enrolment.start_date))
        if enrolment.end_date:
            overlapping = overlapping.filter(start_date__lte=enrolment.end_date)
        if overlapping.exists():
            raise ValidationError(
                {"start_date": f"{pupil} already has a place in this intervention for some of these dates."}
            )
    action = "send.provision.changed" if before else "send.provision.enrolled"
    return save_audited(actor=actor, instance=enrolment, action=action, before=before)


@transaction.atomic
def funding_application_save(
    *,
    actor,
    pupil: Pupil,
    application: FundingApplication | None = None,
    expected_version: int | None = None,
    **fields,
) -> FundingApplication:
    application, before = with_changes(
        application,
        expected_version=expected_version,
        new=lambda: FundingApplication(school=pupil.school, pupil=pupil, created_by=actor),
        fields=fields,
    )
    action = "send.funding.changed" if before else "send.funding.created"
    return save_audited(actor=actor, instance=application, action=action, before=before)
