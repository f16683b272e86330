"""A PDF that a worker makes for a record: the evidence pack (send/evidence_pack.py) and the printed
views forms (send/views_forms_print.py). Both records go pending -> ready | failed (models_evidence
.STATUSES); these two pieces are the same for both, so they live here once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import models, transaction
from django.db.models import Q

from school import audit

from .models_evidence import STATUSES


def background_pdf_finish(record: models.Model, *, to: str, action: str, **fields) -> bool:
    """Move a pending record to `to` once (a conditional update: a redelivered task moves nothing) and
    audit it. The error's text stays on the record (it may quote a pupil's record), not in the trail."""
    STATUSES.check("pending", to)
    model = type(record)
    with transaction.atomic():
        moved = model._default_manager.filter(pk=record.pk, status="pending").update(status=to, **fields)
        if moved:
            audit.record(
                actor=None,
                action=action,
                obj=record,
                before={"status": "pending"},
                after={"status": to, "pages": fields.get("pages")} if to == "ready" else {"status": to},
            )
    return bool(moved)


def background_pdfs_sweep(
    model: type[models.Model],
    *,
    now: datetime,
    stale_after: timedelta,
    max_attempts: int,
    limit: int,
    enqueue: Callable[[int], bool],
    failed_action: str,
    gave_up: str,
) -> dict:
    """Queue again each record pending and never queued (the broker was down) or queued long ago (the
    worker was lost); give up on one tried `max_attempts` times, marking it failed with `gave_up`
    (formatted with its attempts), so its page never says "being made" for ever.
    Returns counts {"queued", "given_up", "down"}."""
    counts = {"queued": 0, "given_up": 0, "down": 0}
    manager = model._default_manager
    stale = manager.filter(status="pending").filter(
        Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - stale_after)
    )
    for record in stale.filter(attempts__gte=max_attempts).order_by("pk")[:limit]:
        with transaction.atomic():
            error = gave_up.format(attempts=record.attempts)
            if manager.filter(pk=record.pk, status="pending").update(status="failed", error=error):
                audit.record(
                    actor=None,
                    action=failed_action,
                    obj=record,
                    before={"status": "pending"},
                    after={"status": "failed"},
                )
                counts["given_up"] += 1
    for pk in stale.filter(attempts__lt=max_attempts).order_by("pk").values_list("pk", flat=True)[:limit]:
        if not enqueue(pk):
            counts["down"] += 1
            break  # the broker is down: the next sweep tries again
        counts["queued"] += 1
    return counts
