"""Celery tasks for letters and the outbox. They take ids and are idempotent (see letters.services);
each has a soft and a hard time limit (a stuck render or mail server must not hold a worker)."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_ready

from . import outbox
from .services import email_send, letter_render

logger = logging.getLogger(__name__)


@shared_task(name="letters.tasks.render_letter", acks_late=True, soft_time_limit=120, time_limit=180)
def render_letter(letter_id: int) -> str:
    return letter_render(letter_id=letter_id)


@shared_task(name="letters.tasks.send_email", acks_late=True, soft_time_limit=60, time_limit=90)
def send_email(email_id: int) -> str:
    return email_send(email_id=email_id)


@shared_task(name="letters.tasks.run_batch", acks_late=True, soft_time_limit=1500, time_limit=1800)
def run_batch(batch_id: int) -> str:
    """Write, render and merge a batch of letters (letters.batches). Each step is safe to repeat: a
    run cut short by its time limit or a lost worker is queued again by the outbox sweep and carries
    on from where it stopped, without writing any letter twice."""
    from .batches import batch_run

    return batch_run(batch_id=batch_id)


@shared_task(name="letters.tasks.outbox_sweep", soft_time_limit=240, time_limit=300)
def outbox_sweep() -> dict:
    """Beat runs this every few minutes: queue again whatever the broker lost or refused."""
    return outbox.outbox_sweep()


@worker_ready.connect
def sweep_outbox_on_worker_start(sender=None, **kwargs):
    """Work left pending while the broker or the workers were down is queued when a worker starts."""
    try:
        outbox_sweep.delay()
    except Exception:  # the broker may still be coming up; the next beat sweep queues it instead
        logger.exception("Could not queue the outbox sweep on worker start")
