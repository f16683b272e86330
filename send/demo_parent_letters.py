"""Demo data for telling parents about SEN support (send/parent_letter_models.py): most pupils on SEN
support have their parents recorded as told at a meeting with the SENDCo, and the two placed most
recently are left "Parents not yet told", so the SEND dashboard's list and the pupil page's button
have something to show. No letters are written here: a newcomer prepares one from the page."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from school import audit

from . import register_status
from .models import ProvisionNotification, SendStatusChange

NOT_YET_TOLD = 2


def build(*, school, sendco, today: date) -> None:
    placements = list(
        SendStatusChange.objects.filter(
            record__school=school,
            record__status=register_status.SEN_SUPPORT,
            to_status=register_status.SEN_SUPPORT,
        )
        .select_related("pupil")
        .order_by("changed_at", "id")
    )
    told = placements[:-NOT_YET_TOLD] if len(placements) > NOT_YET_TOLD else []
    now = timezone.now()
    notifications = ProvisionNotification.objects.bulk_create(
        [
            ProvisionNotification(
                school=school,
                pupil=placement.pupil,
                placement=placement,
                method=ProvisionNotification.Method.OTHER,
                told_on=min(timezone.localdate(placement.changed_at), today),
                note="Told at a meeting with the SENDCo and the class teacher (demo).",
                recorded_by=sendco,
                recorded_at=now,
            )
            for placement in told
        ]
    )
    audit.record_bulk(
        actor=sendco,
        action="send.provision_notice.recorded",
        school=school,
        reason="Demo data",
        entries=[
            {
                "object_type": "send.provisionnotification",
                "object_id": n.pk,
                "object_repr": str(n),
                "pupil_id": n.pupil_id,
                "after": audit.snapshot(n),
            }
            for n in notifications
        ],
    )
