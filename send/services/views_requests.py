"""SEND writes for asking the parents and the pupil for their views before a review, and recording them.

Action codes: send.views.*.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from letters.models import Email, Letter
from letters.services import email_create, letter_create
from school import audit, editing

from .. import cycle_stages, selectors
from ..models import SupportCycle, ViewsRequest
from .common import save_audited


def _views_request_letter(*, actor, cycle: SupportCycle, request: ViewsRequest) -> Letter:
    """The printable request as a Letter: the wording, names and address frozen today."""
    pupil, contact = cycle.pupil, request.contact
    if request.respondent == ViewsRequest.Respondent.PUPIL:
        recipient_name, address = pupil.display_name, ""
        subject = f"My views: {pupil.display_name}"
    else:
        recipient_name = str(contact) if contact else "The parent or carer of " + pupil.display_name
        address = "\n".join(part for part in (contact.address, contact.postcode) if part) if contact else ""
        subject = f"Your views before {pupil.display_name}'s review"
    return letter_create(
        actor=actor,
        pupil=pupil,
        kind=Letter.Kind.VIEWS_REQUEST,
        subject=subject,
        body_template="send/letters/views_request_body.html",
        context={"request_": request, "cycle": cycle, "contact": contact},
        recipient_name=recipient_name,
        recipient_address=address,
    )


@transaction.atomic
def views_request_send(*, actor, cycle: SupportCycle, respondent: str, method: str) -> ViewsRequest:
    """Ask the parents (by e-mail or a printed form) or the pupil (printed form) for their views.

    E-mail goes to the priority-1 contact with parental responsibility; sent_at records when it was
    asked, and the request's letters.Email whether the mail server accepted it.
    """
    if cycle.stage == cycle_stages.CLOSED:
        raise ValidationError("This cycle is closed.")
    request = ViewsRequest.objects.select_for_update().filter(cycle=cycle, respondent=respondent).first()
    before = audit.snapshot(request) if request else None
    request = request or ViewsRequest(cycle=cycle, respondent=respondent, requested_by=actor)
    request.method = method
    request.requested_by = actor
    if respondent == ViewsRequest.Respondent.PUPIL and method == ViewsRequest.Method.EMAIL:
        raise ValidationError({"method": "Ask the pupil with the printed form, in person."})
    if respondent == ViewsRequest.Respondent.PARENT:
        request.contact = selectors.parent_contact_for(pupil=cycle.pupil)
    if method == ViewsRequest.Method.EMAIL:
        contact = request.contact
        if contact is None or not contact.email:
            raise ValidationError(
                {
                    "method": "There is no e-mail address for a parent with parental "
                    "responsibility. Use the printed form."
                }
            )
        request.sent_to = contact.email
    request.sent_at = timezone.now()
    if method == ViewsRequest.Method.PRINTED:
        request.letter = _views_request_letter(actor=actor, cycle=cycle, request=request)
    if method == ViewsRequest.Method.EMAIL:
        context = {"cycle": cycle, "pupil": cycle.pupil, "school": cycle.school, "contact": request.contact}
        # Sent in the background after commit, and marked e-mailed only once the mail server took it.
        request.email = email_create(
            actor=actor,
            pupil=cycle.pupil,
            kind=Email.Kind.VIEWS_REQUEST,
            to=request.sent_to,
            subject=f"Your views before {cycle.pupil.display_name}'s review",
            body=render_to_string("send/email/views_request.txt", context),
        )
    save_audited(
        actor=actor,
        instance=request,
        action="send.views.requested",
        before=before,
        school=cycle.school,
        pupil=cycle.pupil,
    )
    return request


@transaction.atomic
def views_record(
    *, actor, request: ViewsRequest, views: str, received_on: date, expected_version: int | None = None
) -> ViewsRequest:
    editing.ensure_unchanged(request, expected_version=expected_version)
    if not views.strip():
        raise ValidationError({"views": "Write down the views given."})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "The date the views arrived cannot be in the future."})
    before = audit.snapshot(request)
    request.views, request.received_on = views, received_on
    cycle = request.cycle
    return save_audited(
        actor=actor,
        instance=request,
        action="send.views.received",
        before=before,
        school=cycle.school,
        pupil=cycle.pupil,
    )
