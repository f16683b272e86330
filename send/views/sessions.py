"""Interventions an adult delivers, and the sessions they record (issue 15): thin views, one per action."""

from __future__ import annotations

from datetime import date
from functools import partial

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from school import policy
from school.withdrawal_views import withdraw_page

from .. import services
from ..forms import SessionForm
from ..models import Intervention, InterventionSession, SessionAttendance
from .common import saved, today

RECENT_SESSIONS = 10


def _interventions(request):
    """The interventions the user delivers; every one of the school's for the SENDCo and the head."""
    interventions = Intervention.objects.filter(school=request.school)
    if not policy.can(request.user, request.school, policy.MANAGE_SEND):
        interventions = interventions.filter(delivered_by=request.user)
    return interventions


def _access_intervention(request, pk) -> Intervention:
    return policy.access_school_record(request.school, _interventions(request), pk)


def _access_session(request, pk) -> InterventionSession:
    sessions = InterventionSession.objects.current().filter(intervention__in=_interventions(request))
    return policy.access_school_record(request.school, sessions.select_related("intervention"), pk)


@require_safe
@policy.capability_required(policy.VIEW_SEND)
def my_interventions(request):
    day = today()
    interventions = list(
        _interventions(request).filter(is_active=True).select_related("delivered_by").order_by("name")
    )
    sessions = (
        InterventionSession.objects.current()
        .filter(intervention__in=[i.pk for i in interventions])
        .select_related("intervention")
        .prefetch_related(
            Prefetch(
                "attendance",
                queryset=SessionAttendance.objects.select_related("enrolment__pupil").order_by("id"),
            )
        )
        .order_by("intervention_id", "-held_on", "-id")
    )
    by_intervention: dict[int, list] = {}
    for session in sessions:
        rows = by_intervention.setdefault(session.intervention_id, [])
        if len(rows) < RECENT_SESSIONS:
            session.present = sum(1 for a in session.attendance.all() if a.attended)
            rows.append(session)
    places = services.places_on  # the same reading the session form uses
    for intervention in interventions:
        intervention.recent_sessions = by_intervention.get(intervention.pk, [])
        intervention.places_today = list(places(intervention, day))
    return render(
        request,
        "send/my_interventions.html",
        {
            "interventions": interventions,
            "all_of_them": policy.can(request.user, request.school, policy.MANAGE_SEND),
        },
    )


def _held_on(request) -> date:
    raw = request.POST.get("held_on") or request.GET.get("on")
    try:
        return date.fromisoformat(raw) if raw else today()
    except ValueError:
        return today()


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.VIEW_SEND)
def session_create(request, pk):
    intervention = _access_intervention(request, pk)
    day = _held_on(request)
    places = list(services.places_on(intervention, day))
    form = SessionForm(
        request.POST or None,
        places=places,
        initial={
            "held_on": day,
            "minutes": intervention.minutes_per_session,
            "attended": [p.pk for p in places],
        },
    )
    if session := saved(
        request, form, partial(services.session_record, actor=request.user, intervention=intervention)
    ):
        came = session.attendance.filter(attended=True).count()
        messages.success(
            request,
            f"Session on {session.held_on:%-d %b} recorded: {came} of {session.attendance.count()} came.",
        )
        return redirect("send:my_interventions")
    return render(
        request,
        "send/session_form.html",
        {"form": form, "intervention": intervention, "places": places, "day": day},
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.VIEW_SEND)
def session_withdraw(request, pk):
    session = _access_session(request, pk)
    return withdraw_page(
        request,
        obj=session,
        kind="session",
        back=reverse("send:my_interventions"),
        note="The pupils' attendance at it is withdrawn with it: it no longer counts as delivered.",
    )
