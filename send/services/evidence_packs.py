"""Asking for an EHC needs assessment evidence pack, and recording its download.

Action codes: send.evidence_pack.requested, send.evidence_pack.downloaded (the task records
send.evidence_pack.ready or send.evidence_pack.failed: send/evidence_pack.py).
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from school import audit, policy

from ..models_assessment import EhcNeedsAssessment
from ..models_evidence import EvidencePack
from .common import save_audited

logger = logging.getLogger(__name__)


def enqueue(pack_id: int) -> bool:
    """Hand the pack's render to the broker now; False (logged, the pack stays pending and the page
    says it is waiting for the background service) if the broker is down."""
    from ..tasks import render_evidence_pack

    try:
        render_evidence_pack.apply_async(args=[pack_id])
    except Exception:  # a refused connection, a timeout: the broker is down
        logger.exception("Could not queue evidence pack %s", pack_id)
        return False
    EvidencePack.objects.filter(pk=pack_id).update(enqueued_at=timezone.now())
    return True


@transaction.atomic
def evidence_pack_request(*, assessment: EhcNeedsAssessment, actor) -> EvidencePack:
    """Write a pending evidence pack for the assessment's pupil and queue its making after commit.

    The pack holds confidential documents only if `actor` may open them now (VIEW_CONFIDENTIAL_DOCUMENTS):
    it is made later by a task with no user, so what the person could see is fixed here.
    """
    if assessment.withdrawn_at is not None:
        raise ValidationError("This needs assessment was withdrawn: no evidence pack can be made for it.")
    pack = EvidencePack(
        school=assessment.school,
        pupil=assessment.pupil,
        assessment=assessment,
        requested_by=actor,
        created_at=timezone.now(),
        include_confidential=policy.can(actor, assessment.school, policy.VIEW_CONFIDENTIAL_DOCUMENTS),
    )
    save_audited(actor=actor, instance=pack, action="send.evidence_pack.requested", pupil=assessment.pupil)
    transaction.on_commit(lambda: enqueue(pack.pk))
    return pack


def evidence_pack_downloaded(*, pack: EvidencePack, actor) -> None:
    audit.record_view(actor=actor, obj=pack, action="send.evidence_pack.downloaded")
