"""Letters: the permission-checked download of a letter's PDF."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from school import policy

from . import services, storage
from .models import Letter
from .selectors import letters_for


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
    path = storage.letter_path(letter)
    if not path.is_file():
        raise Http404("The file is missing.")
    response = FileResponse(
        path.open("rb"), as_attachment=False, filename=letter.filename, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@policy.capability_required(policy.VIEW_PUPILS)
def letter_retry(request, pk):
    """Try a failed letter again: anyone who may open the letter may ask, as it only re-renders it."""
    letter = _access_letter(request, pk)
    if services.letter_retry(actor=request.user, letter=letter):
        messages.success(request, "The letter is being prepared again.")
    return redirect("letters:letter_download", pk=letter.pk)
