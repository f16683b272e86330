"""Helpers shared by the SEND views."""

from __future__ import annotations

import copy

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from school import policy
from school.forms import apply_service
from school.withdrawal_views import restore_action, withdraw_page

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


def access_pupil_item(request, queryset, pk):
    """One of the school's records about a pupil (`queryset` of a model with `school` and `pupil`), if
    the user may see that pupil; 404 otherwise."""
    return policy.access_pupil_record(
        request.user, request.school, queryset.filter(school=request.school).select_related("pupil"), pk
    )


def pupil_page_url(obj) -> str:
    return reverse("send:pupil_send", args=[obj.pupil_id])


def saved(request, form, save):
    """What a valid POST saved through `save(**form.cleaned_data)` (a service with its other arguments
    bound); None on GET, when the form is invalid, or when the service refused (its messages are then on
    the form)."""
    if request.method == "POST" and form.is_valid():
        # The data is read only when the service runs (apply_service takes out the one-time token first).
        return apply_service(form, lambda: save(**form.cleaned_data))
    return None


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


def cycle_form_page(request, form, cycle: SupportCycle, *, title: str):
    """The shared form page for a change to one cycle (its plan, targets or views), with a way back to it."""
    return render(
        request,
        "send/form.html",
        {
            "form": form,
            "title": title,
            "pupil": cycle.pupil,
            "back": ("Cycle", "send:cycle_detail", cycle.pk),
        },
    )


def withdrawal_views(model, *, kind: str):
    """The withdraw page (GET, POST) and the restore action (POST) of one kind of a pupil's SEND record:
    the SENDCo or the headteacher withdraws (MANAGE_SEND) and restores (school.withdrawal.RESTORERS).
    A record withdrawn already is 404 on its withdraw page; a refused restore is said on the pupil's page."""

    @require_http_methods(["GET", "POST"])
    @policy.capability_required(policy.MANAGE_SEND)
    def withdraw(request, pk):
        obj = access_pupil_item(request, model.objects.current(), pk)
        return withdraw_page(request, obj=obj, kind=kind, back=pupil_page_url(obj), pupil=obj.pupil)

    @require_POST
    @policy.capability_required(policy.MANAGE_SEND)
    def restore(request, pk):
        obj = access_pupil_item(request, model.objects.all(), pk)
        return restore_action(request, obj=obj, kind=kind, back=pupil_page_url(obj))

    return withdraw, restore
