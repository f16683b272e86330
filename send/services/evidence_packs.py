"""Asking for an EHC needs assessment evidence pack, and recording its download.

Action codes: send.evidence_pack.requested, send.evidence_pack.downloaded (the task records
send.evidence_pack.ready or send.evidence_pack.failed: send/evidence_pack.py).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from school import audit, policy

from ..background_pdfs import background_pdfs_sweep
from ..models_assessment import EhcNeedsAssessment
from ..models_evidence import EvidencePack
from .common import save_audited

logger = logging.getLogger(__name__)

#: A pack queued this long ago and still pending lost its worker or broker: queue it again.
STALE_AFTER = timedelta(minutes=10)
#: A pack tried this many times without finishing (each try killed by the time limit) is given up.
MAX_ATTEMPTS = 3


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


def evidence_pack_sweep(*, now: datetime | None = None) -> dict:
    """Beat runs this every few minutes (config/settings.py), like letters.outbox.outbox_sweep: queue
    again every pack pending and never queued (the broker was down) or queued long ago (the worker was
    lost); give up on a pack that was tried MAX_ATTEMPTS times, marking it failed with the reason, so
    the page never says "being made" for ever. Returns counts {"queued", "given_up", "down"}."""
    return background_pdfs_sweep(
        EvidencePack,
        now=now or timezone.now(),
        stale_after=STALE_AFTER,
        max_attempts=MAX_ATTEMPTS,
        limit=500,
        enqueue=enqueue,
        failed_action="send.evidence_pack.failed",
        gave_up="It was tried {attempts} times without finishing: make a new one.",
    )
