"""The outbox: the one way background work is queued, so a failure tells the truth.

A user's action writes its work as a pending row (a Letter to render, an Email to send, a LetterBatch
to run) inside its own
transaction, then calls ``enqueue_on_commit``. After commit the task is handed to the broker; if the
broker is down the error is logged and the row simply stays pending with ``enqueued_at`` empty, so the
action itself still succeeds and the page can say "saved; it will be done when the background service
is back" (``is_waiting_for_broker``). ``outbox_sweep`` (Celery beat every few minutes, the
``outbox_sweep`` command, and each worker's start-up) queues again every row left pending longer than
``STALE_AFTER`` or never queued, and gives up honestly on an e-mail whose sender died mid-send. It also
tries again an e-mail that failed (the mail server was down), after 5 minutes, 30 minutes and 2 hours
(``EMAIL_RETRY_AFTER``), then leaves it to a person's "Try again"; never one lost mid-send, which the
server may have taken.

Tasks take ids and are idempotent (conditional updates pending -> done), so queueing twice is safe.

Worked example: the broker is down at 09:00 when a SENDCo asks for the parents' views on paper. The
request and its letter are saved, the letter is pending with no ``enqueued_at`` and the page says so.
At 09:05 the sweep runs (or a worker starts): the letter is queued, rendered and marked ready.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Email, Letter, LetterBatch

logger = logging.getLogger(__name__)

#: A row queued this long ago and still pending was lost (worker or broker restarted): queue it again.
STALE_AFTER = timedelta(minutes=10)
#: An e-mail "sending" this long (well past the task's hard time limit) lost its worker mid-send.
SENDING_LOST_AFTER = timedelta(minutes=15)
#: Pressing "Try again" twice within this long queues the work once.
RETRY_GAP = timedelta(seconds=30)
SWEEP_BATCH = 500
#: A failed e-mail is tried again by the sweep this long after its last attempt (the n-th wait after the
#: n-th attempt), then left to a person's "Try again": a mail server that was down for a while is caught
#: up without anyone pressing anything, and an address the server refuses is not tried for ever.
EMAIL_RETRY_AFTER = (timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
MAX_EMAIL_ATTEMPTS = len(EMAIL_RETRY_AFTER) + 1
#: The error of an e-mail whose sender died mid-send: the server may have taken it, so it is never
#: tried again automatically (a person decides).
SENDING_LOST_ERROR = "The background service stopped while sending it; it may not have been sent."


def _task_for(model):
    from . import tasks  # the task module imports the services, which import this one

    return {Letter: tasks.render_letter, Email: tasks.send_email, LetterBatch: tasks.run_batch}[model]


def enqueue(model, pk: int) -> bool:
    """Hand the row's task to the broker now; False (logged, the row stays pending) if it is down."""
    try:
        _task_for(model).apply_async(args=[pk])
    except Exception:  # kombu OperationalError, a refused connection, a timeout: the broker is down
        logger.exception("Could not queue %s %s; the outbox sweep will queue it later", model.__name__, pk)
        return False
    model.objects.filter(pk=pk).update(enqueued_at=timezone.now())
    return True


def enqueue_on_commit(model, pk: int) -> None:
    """Queue the row's task once the caller's transaction commits (a rolled-back action queues nothing)."""
    transaction.on_commit(lambda: enqueue(model, pk))


def is_waiting_for_broker(item) -> bool:
    """True when the row is still pending and was never handed to the broker (it was down)."""
    item.refresh_from_db(fields=["status", "enqueued_at"])
    return item.status == "pending" and item.enqueued_at is None


@dataclass(frozen=True)
class LettersProgress:
    """Where a set of letters' PDFs are now, for a page's message (``letters_progress``).

    ``pending`` letters were handed to the background service and are being prepared; ``queued`` ones
    are pending but were never handed to it (it was down: the sweep queues them when it is back).

    >>> LettersProgress(ready=2, pending=0, queued=0, failed=0).sentence()
    'They are ready to print.'
    >>> LettersProgress(ready=1, pending=0, queued=1, failed=1).sentence()
    '1 is ready to print; 1 is waiting for the background service, which is down; 1 could not be prepared (open it to try again).'
    """

    ready: int
    pending: int
    queued: int
    failed: int

    @property
    def total(self) -> int:
        return self.ready + self.pending + self.queued + self.failed

    @property
    def all_ready(self) -> bool:
        return self.total > 0 and self.ready == self.total

    @property
    def level(self) -> int:
        """The page message's level: a warning when any letter is waiting for the service or failed."""
        from django.contrib import messages

        return messages.WARNING if (self.queued or self.failed) else messages.SUCCESS

    def sentence(self) -> str:
        """The truth in plain English: ready, being prepared, waiting for the service, or failed."""
        n = self.total
        one = n == 1
        if not n:
            return ""
        if self.ready == n:
            return "It is ready to print." if one else "They are ready to print."
        if self.pending == n:
            return (
                "It is being prepared: it is usually ready in a few seconds."
                if one
                else "They are being prepared: they are usually ready in a few seconds."
            )
        if self.queued == n:
            return (
                f"The background service is down, so {'it' if one else 'they'} will be prepared when "
                "the service is back."
            )
        if self.failed == n:
            return (
                "It could not be prepared: open it to try again."
                if one
                else "None could be prepared: open each one to try again."
            )

        def be(count: int) -> str:
            return f"{count} {'is' if count == 1 else 'are'}"

        parts = [
            *([f"{be(self.ready)} ready to print"] if self.ready else []),
            *([f"{be(self.pending)} being prepared"] if self.pending else []),
            *(
                [f"{be(self.queued)} waiting for the background service, which is down"]
                if self.queued
                else []
            ),
            *(
                [
                    f"{self.failed} could not be prepared (open {'it' if self.failed == 1 else 'each one'} to try again)"
                ]
                if self.failed
                else []
            ),
        ]
        return "; ".join(parts) + "."


def letters_progress(letters) -> LettersProgress:
    """Count the letters ready, being prepared, queued while the background service is down, and
    failed, as they are in the database now (one query, whatever the number of letters). A batch's
    letters are prepared by the batch's own task, so a pending one is "being prepared"."""
    from collections import Counter

    ids = [letter.pk for letter in letters]
    counts: Counter = Counter()
    rows = Letter.objects.filter(pk__in=ids).values_list("status", "enqueued_at", "batch_id") if ids else []
    for status, enqueued_at, batch_id in rows:
        if status == Letter.Status.RENDERED:
            counts["ready"] += 1
        elif status == Letter.Status.FAILED:
            counts["failed"] += 1
        elif enqueued_at is None and batch_id is None:
            counts["queued"] += 1
        else:
            counts["pending"] += 1
    return LettersProgress(
        ready=counts["ready"], pending=counts["pending"], queued=counts["queued"], failed=counts["failed"]
    )


def retryable(model, pk: int, *, now: datetime):
    """The conditional update's filter for "Try again": a failed row, or a pending row not queued in
    the last ``RETRY_GAP`` (a double press queues once)."""
    return model.objects.filter(pk=pk).filter(
        Q(status="failed")
        | Q(status="pending", enqueued_at__isnull=True)
        | Q(status="pending", enqueued_at__lt=now - RETRY_GAP)
    )


def emails_due_again(now: datetime):
    """Failed e-mails whose wait after their last attempt (EMAIL_RETRY_AFTER) is over, fewer than
    MAX_EMAIL_ATTEMPTS tried, and not lost mid-send."""
    due = Q()
    for attempts, wait in enumerate(EMAIL_RETRY_AFTER, start=1):
        due |= Q(attempts=attempts, sending_since__lt=now - wait)
    return Email.objects.filter(status="failed").filter(due).exclude(error=SENDING_LOST_ERROR)


def will_retry(email) -> bool:
    """True when the sweep will try this failed e-mail again by itself (the page says so)."""
    return (
        email.status == "failed"
        and 1 <= email.attempts < MAX_EMAIL_ATTEMPTS
        and email.error != SENDING_LOST_ERROR
    )


def _stale_pending(model, now: datetime):
    if model is LetterBatch:
        return _stale_batches(now)
    rows = model.objects.filter(status="pending").filter(
        Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - STALE_AFTER)
    )
    # A batch's letters are rendered by the batch's own task (letters.batches), not one by one.
    return rows.filter(batch__isnull=True) if model is Letter else rows


def _stale_batches(now: datetime):
    """Batches not finished whose task was never queued, or was queued and has made no progress for
    STALE_AFTER (its worker was lost; a long batch that is still moving is left alone)."""
    return LetterBatch.objects.exclude(status__in=["ready", "failed"]).filter(
        Q(enqueued_at__isnull=True)
        | Q(enqueued_at__lt=now - STALE_AFTER, progress_at__lt=now - STALE_AFTER)
        | Q(enqueued_at__lt=now - STALE_AFTER, progress_at__isnull=True)
    )


def outbox_sweep(*, now: datetime | None = None) -> dict:
    """Queue again every row pending too long; mark e-mails whose sender died mid-send as failed.

    Then try again the failed e-mails that are due (``emails_due_again``: the mail server was down).

    Returns counts: {"letters": queued, "emails": queued, "batches": queued, "lost": e-mails given up,
    "down": refused, "retried": failed e-mails tried again}.
    """
    now = now or timezone.now()
    from .services import email_retry, email_sending_lost

    lost = email_sending_lost(before=now - SENDING_LOST_AFTER)
    counts = {"letters": 0, "emails": 0, "batches": 0, "lost": lost, "down": 0, "retried": 0}
    for email in emails_due_again(now).order_by("pk")[:SWEEP_BATCH]:
        counts["retried"] += email_retry(actor=None, email=email)
    for model, key in ((Letter, "letters"), (Email, "emails"), (LetterBatch, "batches")):
        for pk in _stale_pending(model, now).order_by("pk").values_list("pk", flat=True)[:SWEEP_BATCH]:
            if enqueue(model, pk):
                counts[key] += 1
            else:
                counts["down"] += 1
                return counts  # the broker is down: the next sweep tries again
    return counts
