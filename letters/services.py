"""Letters writes: create a letter (a snapshot, audited) and render it (conditional, idempotent).

Action codes: letters.letter.created, letters.letter.rendered, letters.letter.failed,
letters.letter.retried.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from school import audit
from school.models import Pupil

from . import rendering, storage
from .models import Letter

logger = logging.getLogger(__name__)

LETTER_TEMPLATE = "letters/pdf/letter.html"


@transaction.atomic
def letter_create(
    *,
    actor,
    pupil: Pupil,
    kind: str,
    subject: str,
    body_template: str,
    context: dict,
    recipient_name: str = "",
    recipient_address: str = "",
) -> Letter:
    """Snapshot a letter now and queue its rendering once the transaction commits.

    `body_template` is rendered here, with Django's autoescaping, into `body_html`: the letter keeps
    what it said on the day it was written, whatever changes later.
    """
    school = pupil.school
    now = timezone.now()
    letter = Letter(
        school=school,
        pupil=pupil,
        kind=kind,
        school_name=school.name,
        letter_date=timezone.localdate(now),
        recipient_name=recipient_name,
        recipient_address=recipient_address,
        subject=subject,
        body_html=render_to_string(body_template, {"school": school, "pupil": pupil, **context}),
        created_by=actor,
        created_at=now,
        stored_name=storage.new_stored_name(),
    )
    letter.full_clean()
    letter.save()
    audit.record(
        actor=actor,
        action="letters.letter.created",
        obj=letter,
        after=audit.snapshot(letter, exclude=("body_html",)),
    )
    from .tasks import render_letter  # the task module imports this one

    transaction.on_commit(lambda: render_letter.delay(letter.pk))
    return letter


@transaction.atomic
def letter_retry(*, actor, letter: Letter) -> bool:
    """Queue a failed letter to be prepared again, from the same snapshot. False if it had not failed.

    A conditional update moves it back to pending, so two people pressing "Try again" queue it once.
    """
    moved = Letter.objects.filter(pk=letter.pk, status=Letter.Status.FAILED).update(
        status=Letter.Status.PENDING, error=""
    )
    if not moved:
        return False
    audit.record(
        actor=actor,
        action="letters.letter.retried",
        obj=letter,
        before={"status": Letter.Status.FAILED},
        after={"status": Letter.Status.PENDING},
    )
    from .tasks import render_letter

    transaction.on_commit(lambda: render_letter.delay(letter.pk))
    return True


def letter_html(letter: Letter) -> str:
    """The whole printable page for a letter, from its snapshot only."""
    return render_to_string(LETTER_TEMPLATE, {"letter": letter, "school": {"name": letter.school_name}})


def letter_render(*, letter_id: int) -> str:
    """Render a pending letter's PDF and mark it rendered; returns the letter's status afterwards.

    Safe to run twice or concurrently: only a pending letter is rendered, and the move to rendered is a
    conditional UPDATE, so exactly one run records it. A failure marks the letter failed with the error
    and returns (a batch of letters goes on); it does not raise.
    """
    letter = Letter.objects.select_related("school", "pupil").filter(pk=letter_id).first()
    if letter is None:
        return "missing"
    if letter.status != Letter.Status.PENDING:
        return letter.status
    try:
        pdf = rendering.html_to_pdf(letter_html(letter))
        storage.write_atomically(storage.letter_path(letter), pdf)
    except Exception as exc:  # a bad letter must not stop the others
        logger.exception("Letter %s could not be rendered", letter_id)
        with transaction.atomic():
            moved = Letter.objects.filter(pk=letter_id, status=Letter.Status.PENDING).update(
                status=Letter.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000]
            )
            if moved:
                audit.record(
                    actor=None,
                    action="letters.letter.failed",
                    obj=letter,
                    before={"status": Letter.Status.PENDING},
                    after={"status": Letter.Status.FAILED, "error": f"{type(exc).__name__}"},
                )
        return Letter.Status.FAILED
    with transaction.atomic():
        now = timezone.now()
        moved = Letter.objects.filter(pk=letter_id, status=Letter.Status.PENDING).update(
            status=Letter.Status.RENDERED, rendered_at=now, error=""
        )
        if moved:
            audit.record(
                actor=None,
                action="letters.letter.rendered",
                obj=letter,
                before={"status": Letter.Status.PENDING},
                after={"status": Letter.Status.RENDERED, "rendered_at": now.isoformat()},
            )
    return Letter.Status.RENDERED
