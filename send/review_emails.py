"""E-mailing an EHC plan review's invitation to a professional who gave an e-mail address.

The invitation letters are prepared in the SENDCo's transaction (send/services/reviews.py). After it
commits, ``review_invitation_email`` (a Celery task, send/tasks.py) renders the professional's letter
(letters.services.letter_render: idempotent) and writes one e-mail with the PDF attached through the
letters app's outbox (letters.services.email_create; one e-mail per letter, a constraint), the same path
a letter batch's e-mails take. Whether it was e-mailed is the Email row's own status (pending, sent or
failed, set only by the mail server's answer); the review page shows it beside the person. A letter
that did not render is not e-mailed, and the page keeps offering it to print.
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from letters.models import Email, Letter
from letters.services import email_create, letter_render

from .models import ReviewInvitee

logger = logging.getLogger(__name__)

BODY = """Dear {name},

Please find attached an invitation from {school} to the review of {pupil}'s education, health and care
plan: {subject}.

If you cannot open the attachment, please contact the school office.

With best wishes,
{school}
"""


def review_invitation_email(*, invitee_id: int, actor_id: int) -> str:
    """Render the invitee's letter and write its e-mail; returns what happened. Safe to run twice."""
    invitee = ReviewInvitee.objects.select_related("letter", "review__pupil").filter(pk=invitee_id).first()
    if invitee is None or invitee.letter is None or not invitee.email:
        return "nothing to send"
    letter = invitee.letter
    if Email.objects.filter(letter=letter).exists():
        return "already written"
    if letter_render(letter_id=letter.pk) != Letter.Status.RENDERED:
        return "letter not rendered"
    actor = get_user_model().objects.get(pk=actor_id)
    pupil = invitee.review.pupil
    body = BODY.format(
        name=invitee.name,
        school=letter.school_name,
        pupil=pupil.preferred_first_name or pupil.legal_first_name,
        subject=letter.subject,
    )
    try:
        with transaction.atomic():
            email = email_create(
                actor=actor,
                pupil=pupil,
                kind=Email.Kind.LETTER,
                to=invitee.email,
                subject=letter.subject,
                body=body,
            )
            Email.objects.filter(pk=email.pk).update(letter=letter)
    except IntegrityError:
        return "already written"
    except ValidationError as exc:  # not an e-mail address after all: the letter is printed instead
        logger.warning("Review invitation %s could not be e-mailed: %s", invitee_id, exc.messages)
        return "not an e-mail address"
    return "written"


def enqueue_on_commit(*, invitee_ids: list[int], actor_id: int) -> None:
    """Queue the e-mails once the invitations' transaction commits; a broker that is down is logged and
    the letters stay on the page to print (nothing claims they were e-mailed)."""

    def enqueue():
        from .tasks import email_review_invitation

        for pk in invitee_ids:
            try:
                email_review_invitation.apply_async(args=[pk, actor_id])
            except Exception:  # the broker is down: the letter is printed instead
                logger.exception("Could not queue the e-mail of review invitation %s", pk)

    if invitee_ids:
        transaction.on_commit(enqueue)
