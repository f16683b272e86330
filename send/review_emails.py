"""E-mailing an EHC plan review's invitation to a professional who gave an e-mail address.

The e-mail is written through the letters app's outbox (letters.services.email_create) in the same
transaction as the invitation letters (send/services/reviews.py), pending, with the letter attached
(one e-mail per letter, a constraint). After commit the outbox sends it (rendering the letter first if
its own task has not run yet). So nothing is lost when the broker or the mail server is down: a pending
e-mail the broker never took is queued again by the outbox sweep (Celery beat every 5 minutes), and a
failed one is tried again by the same sweep after a growing wait, up to letters.outbox.MAX_EMAIL_ATTEMPTS
times; the review page says, for each person, whether it was e-mailed, is waiting or failed, and offers
"Try again" (``review_invitation_email_retry``). Only the Email row's own status, set by the mail server's
answer, says it went.

Action codes: letters.email.created, letters.email.retried (the letters app's).
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from letters import outbox
from letters.models import Email
from letters.services import email_retry

from .emails import email_create
from .models import ReviewInvitee

logger = logging.getLogger(__name__)

BODY = """Dear {name},

Please find attached a letter from {school} about the review of {pupil}'s education, health and care
plan: {subject}.

If you cannot open the attachment, please contact the school office.

With best wishes,
{school}
"""


def invitation_email_write(*, actor, invitee: ReviewInvitee, letter=None) -> Email | None:
    """Write the pending e-mail carrying the invitee's invitation (or ``letter``, the "meeting has
    moved" letter) inside the caller's transaction; None when there is nothing to e-mail or it was
    already written."""
    letter = letter or invitee.letter
    if letter is None or not invitee.email or invitee.role == ReviewInvitee.Role.PARENT:
        return None
    if Email.objects.filter(letter=letter).exists():
        return None
    pupil = invitee.review.pupil
    body = BODY.format(
        name=invitee.name,
        school=letter.school_name,
        pupil=pupil.preferred_first_name or pupil.legal_first_name,
        subject=letter.subject,
    )
    email = email_create(
        actor=actor, pupil=pupil, kind=Email.Kind.LETTER, to=invitee.email, subject=letter.subject, body=body
    )
    Email.objects.filter(pk=email.pk).update(letter=letter)
    email.letter = letter
    return email


def review_invitation_email(*, invitee_id: int, actor_id: int) -> str:
    """Write the invitee's e-mail if it is not written yet (the task queued by earlier versions, before
    the e-mail was written with the letters); returns what happened. Safe to run twice."""
    invitee = ReviewInvitee.objects.select_related("letter", "review__pupil").filter(pk=invitee_id).first()
    if invitee is None or invitee.letter is None or not invitee.email:
        return "nothing to send"
    actor = get_user_model().objects.get(pk=actor_id)
    try:
        with transaction.atomic():
            written = invitation_email_write(actor=actor, invitee=invitee)
    except IntegrityError:
        return "already written"
    except ValidationError as exc:  # not an e-mail address after all: the letter is printed instead
        logger.warning("Review invitation %s could not be e-mailed: %s", invitee_id, exc.messages)
        return "not an e-mail address"
    return "written" if written else "already written"


@transaction.atomic
def review_invitation_email_retry(*, actor, invitee: ReviewInvitee) -> bool:
    """ "Try again" on a review page: queue the invitee's failed or waiting e-mail again (once, however
    many presses: letters.services.email_retry), or write it if it never was. False: nothing to do."""
    done = False
    for letter in (invitee.letter, invitee.move_letter):
        if letter is None:
            continue
        email = Email.objects.filter(letter=letter).first()
        if email is None:
            done |= invitation_email_write(actor=actor, invitee=invitee, letter=letter) is not None
        else:
            done |= email_retry(actor=actor, email=email)
    return done


def delivery(email: Email | None, *, has_address: bool) -> dict:
    """What the review page says about one invitation's e-mail: ``state`` (sent, waiting, failed, none),
    the words, and whether "Try again" is offered (read from the row, no query)."""
    if email is None:
        if has_address:
            return {"state": "waiting", "text": "not written yet", "retry": True}
        return {"state": "none", "text": "", "retry": False}
    if email.status == Email.Status.SENT:
        return {"state": "sent", "text": f"e-mailed on {email.sent_at:%-d %b %Y, %H:%M}", "retry": False}
    if email.status == Email.Status.FAILED:
        then = (
            "; it will be tried again automatically"
            if outbox.will_retry(email)
            else "; print and post it, or try again"
        )
        return {"state": "failed", "text": f"could not be e-mailed ({email.error}){then}", "retry": True}
    if email.status == Email.Status.SENDING:
        return {"state": "waiting", "text": "being e-mailed now", "retry": False}
    if email.enqueued_at is None:
        return {"state": "waiting", "text": "waiting to send: the background service is down", "retry": True}
    return {"state": "waiting", "text": "waiting to send", "retry": True}
