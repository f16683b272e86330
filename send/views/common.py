"""Helpers shared by the SEND views."""

from __future__ import annotations

import copy

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.shortcuts import render
from django.utils import timezone

from school import editing, policy, submissions

from ..models import SupportCycle


def today():
    return timezone.localdate()


def apply_service(form, call, *, actor=None):
    """Run a service; put its ValidationError messages beside the form's fields. None on failure.

    A create form's one-time token is taken out of the cleaned data first (the call reads the data
    only when run), so a resubmitted form returns the record it made the first time."""
    token = getattr(form, "cleaned_data", {}).pop(submissions.FIELD_NAME, None)
    try:
        return submissions.submit_once(actor=actor, token=token, create=call)[0]
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                target = field if field in form.fields else None
                if field == NON_FIELD_ERRORS:
                    target = None
                for message in errors:
                    form.add_error(target, message)
        else:
            for message in exc.messages:
                form.add_error(None, message)
        editing.refresh_version(form, exc)
        return None


def form_copy(instance):
    """A copy for a ModelForm to validate, so the service still sees the stored values for `before`."""
    return copy.copy(instance)


def access_cycle(request, pk) -> SupportCycle:
    return policy.access_pupil_record(
        request.user,
        request.school,
        SupportCycle.objects.filter(school=request.school).select_related(
            "pupil__registration_class", "school"
        ),
        pk,
    )


def can_manage(request) -> bool:
    return policy.can(request.user, request.school, policy.MANAGE_SEND)


def pupil_form_page(request, form, pupil, *, title: str, lead: str = ""):
    """The shared form page for a change to one pupil's SEND record, with a way back to that record."""
    return render(
        request,
        "send/form.html",
        {
            "form": form,
            "title": title,
            "pupil": pupil,
            "lead": lead,
            "back": (str(pupil), "send:pupil_send", pupil.pk),
        },
    )
