"""Letters: the permission-checked download of a letter's PDF, and "Try again" for letters and e-mails."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from school import policy
from school.private_files import private_file_response

from . import outbox, services
from .models import Letter
from .selectors import emails_for, letters_for


def _access_letter(request, pk) -> Letter:
    """A letter about a pupil out of the user's scope, or of a kind their role may not open, is a 404."""
    return policy.access_pupil_record(
        request.user, request.school, letters_for(user=request.user, school=request.school), pk
    )


@require_safe
@policy.capability_required(policy.VIEW_PUPILS)
def letter_download(request, pk):
    """The letter's PDF; a short "being prepared" (or "could not be prepared") page until it is rendered."""
    letter = _access_letter(request, pk)
    if letter.status != Letter.Status.RENDERED:
        return render(request, "letters/letter_status.html", {"letter": letter, "pupil": letter.pupil})
    return private_file_response(
        letter.private_file_name(),
        filename=letter.filename,
        content_type="application/pdf",
        as_attachment=False,
    )


@require_POST
@policy.capability_required(policy.VIEW_PUPILS)
def letter_retry(request, pk):
    """Try a failed or stuck letter again: anyone who may open the letter may ask (it only re-renders)."""
    letter = _access_letter(request, pk)
    if services.letter_retry(actor=request.user, letter=letter):
        progress = outbox.letters_progress([letter])
        if progress.queued:
            messages.warning(
                request, "The background service is still down: the letter will be ready when it is back."
            )
        elif progress.failed:
            messages.error(request, "The letter could not be prepared again.")
        elif progress.ready:
            messages.success(request, "The letter was prepared again: it is ready to print.")
        else:
            messages.success(request, "The letter is being prepared again.")
    elif letter.status == Letter.Status.PENDING:
        messages.info(request, "The letter was sent to be prepared a moment ago: open it again shortly.")
    return redirect("letters:letter_download", pk=letter.pk)


@require_POST
@policy.capability_required(policy.VIEW_PUPILS)
def email_retry(request, pk):
    """Send a failed or still-waiting e-mail again (who may send that kind of e-mail, pupil in scope);
    back to the page the button was on."""
    email = policy.access_pupil_record(
        request.user, request.school, emails_for(user=request.user, school=request.school), pk
    )
    if services.email_retry(actor=request.user, email=email):
        email.refresh_from_db()
        if outbox.is_waiting_for_broker(email):
            messages.warning(
                request, "The background service is still down: it will be e-mailed when it is back."
            )
        elif email.status == email.Status.SENT:
            messages.success(request, f"E-mailed to {email.to}.")
        elif email.status == email.Status.FAILED:
            messages.error(request, f"It could not be e-mailed: {email.error}")
        else:
            messages.success(request, "It is waiting to be e-mailed.")
    else:
        messages.info(request, f"Nothing to do: this e-mail is {email.get_status_display().lower()}.")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "/"
    return redirect(back)
