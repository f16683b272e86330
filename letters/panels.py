"""The Letters panel on a pupil's page (an htmx partial: school links to it by URL name only)."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_safe

from school import policy

from .selectors import letters_for

PANEL_SIZE = 10


@require_safe
@policy.capability_required(policy.VIEW_PUPILS)
def panel_pupil(request, pk):
    """The pupil's newest letters of the kinds this role may open; out-of-scope pupils are 404."""
    pupil = policy.access_pupil(request.user, request.school, pk)
    letters = letters_for(user=request.user, school=request.school, pupil=pupil)
    return render(
        request,
        "letters/partials/panel_pupil.html",
        {"pupil": pupil, "letters": list(letters[: PANEL_SIZE + 1]), "panel_size": PANEL_SIZE},
    )
