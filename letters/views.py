"""Letters: the permission-checked download of a letter's PDF."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from school import policy

from . import storage
from .models import Letter
from .selectors import letters_for


@require_GET
@policy.capability_required(policy.VIEW_PUPILS)
def letter_download(request, pk):
    """The letter's PDF; a short "being prepared" page while the task has not rendered it yet.
    A letter about a pupil out of the user's scope, or of a kind their role may not open, is a 404."""
    letter = policy.access_pupil_record(
        request.user, request.school, letters_for(user=request.user, school=request.school), pk
    )
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
