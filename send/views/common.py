"""Helpers shared by the SEND views."""

from __future__ import annotations

import copy

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from school import policy

from ..models import SupportCycle


def today():
    return timezone.localdate()


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


def access_pupil_owned(request, queryset, pk):
    """One of the school's records about a pupil in the user's scope (404 otherwise), with its pupil."""
    return policy.access_pupil_record(
        request.user, request.school, queryset.filter(school=request.school).select_related("pupil"), pk
    )


def pupil_page_url(obj) -> str:
    return reverse("send:pupil_send", args=[obj.pupil_id])


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
