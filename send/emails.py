"""The one way SEND writes an e-mail: through the letters outbox (letters.services.email_create), with
the school office's address (SendSettings.office_email) as the Reply-To when the sender has none
(letters/reply_to.py). No SEND caller decides a Reply-To itself."""

from __future__ import annotations

from letters import services as letters_services
from letters.models import Email

from .models import SendSettings


def office_email(*, school) -> str:
    return SendSettings.objects.filter(school=school).values_list("office_email", flat=True).first() or ""


def email_create(*, actor, pupil, kind: str, to: str, subject: str, body: str, created_by=None) -> Email:
    return letters_services.email_create(
        actor=actor,
        pupil=pupil,
        kind=kind,
        to=to,
        subject=subject,
        body=body,
        created_by=created_by,
        # Looked up only when needed: the nightly reminders write many e-mails in one loop.
        office_email="" if getattr(created_by or actor, "email", "") else office_email(school=pupil.school),
    )
