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
from letters.services import letter_create
from school import audit, editing

from .. import cycle_stages, selectors, views_reply_links
from ..emails import email_create
from ..models import SupportCycle, ViewsRequest
from .common import save_audited


def review_context(request: ViewsRequest) -> dict:
    """What the letters and e-mails say about the review: "PLP by 4 March 2027", "annual review"."""
    if request.cycle_id:
        cycle = request.cycle
        assert cycle is not None  # a request is for a cycle or for an annual review (a check constraint)
        return {"cycle": cycle, "review_what": cycle.get_plan_type_display(), "review_date": cycle.review_due}
    review = request.annual_review
    assert review is not None
    return {
        "annual_review": review,
        "review_what": f"EHC plan {review.get_kind_display().lower()}",
        "review_date": review.meeting_date,
    }


def email_body(request: ViewsRequest, *, template: str) -> str:
    """The e-mail's text, with the parent's reply link (the request must be saved: the link names it)."""
    request.reply_nonce = request.reply_nonce or views_reply_links.new_nonce()
    context = {
        **review_context(request),
        "pupil": request.pupil,
        "school": request.school,
        "contact": request.contact,
        "link_days": views_reply_links.LINK_DAYS,
        "reply_url": views_reply_links.reply_url(request_id=request.pk, nonce=request.reply_nonce)
        if request.respondent == ViewsRequest.Respondent.PARENT
        else "",
    }
    return render_to_string(template, context)


def views_request_letter(*, actor, request: ViewsRequest) -> Letter:
    """The printable request as a Letter: the wording, names and address frozen today."""
    pupil, contact = request.pupil, request.contact
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
        context={"request_": request, "contact": contact, **review_context(request)},
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
    if request.pk is None and method == ViewsRequest.Method.EMAIL:
        request.save()  # the e-mail's reply link names the request; audited below
    views_request_ask(actor=actor, request=request)
    save_audited(
        actor=actor,
        instance=request,
        action="send.views.requested",
        before=before,
        school=cycle.school,
        pupil=cycle.pupil,
    )
    return request


def views_request_ask(*, actor, request: ViewsRequest) -> None:
    """Write the request's printed form (a Letter) or its e-mail (with the reply link and a Reply-To of
    the person asking), on the request; the caller saves and audits it."""
    if request.method == ViewsRequest.Method.PRINTED:
        request.letter = views_request_letter(actor=actor, request=request)
        return
    # Sent in the background after commit, and marked e-mailed only once the mail server took it.
    request.email = email_create(
        actor=actor,
        pupil=request.pupil,
        kind=Email.Kind.VIEWS_REQUEST,
        to=request.sent_to,
        subject=f"Your views before {request.pupil.display_name}'s review",
        body=email_body(request, template="send/email/views_request.txt"),
    )


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
    request.views_source = ViewsRequest.Source.STAFF
    return save_audited(
        actor=actor,
        instance=request,
        action="send.views.received",
        before=before,
        school=request.school,
        pupil=request.pupil,
    )
