"""The provision map: intervention catalogue, enrolments with costs and impact, funding applications."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from school import policy
from school.calendar import SchoolCalendar
from school.pagination import paginate

from .. import selectors, services
from ..forms import EnrolmentForm, FundingForm, InterventionForm
from ..models import FundingApplication, Intervention, ProvisionEnrolment
from .common import access_pupil_item, form_copy, pupil_form_page, saved, today, withdrawal_views

PROVISION_ROWS_PER_PAGE = 50
PUPIL_COSTS_PER_PAGE = 25


@require_safe
@policy.capability_required(policy.MANAGE_SEND)
def provision_map(request):
    """Whole school or one class (?class=<id>), with costs, impact and attendance before and after.

    ?intervention=<id> narrows the provision table to one intervention; the totals, the cost per pupil
    (and its notional-budget flags) and the catalogue always cover every intervention. The long tables
    paginate, and attendance is worked out only for the rows on the page."""
    school, day = request.school, today()
    classes = list(policy.classes_in_scope(request.user, school))
    chosen = next((c for c in classes if str(c.pk) == request.GET.get("class")), None)
    interventions = list(Intervention.objects.filter(school=school))
    chosen_intervention = next(
        (i for i in interventions if str(i.pk) == request.GET.get("intervention")), None
    )
    pupils = policy.pupils_in_scope(request.user, school)
    if chosen:
        pupils = pupils.filter(registration_class=chosen)
    calendar = SchoolCalendar.for_school(school)
    data = selectors.provision_map(school=school, today=day, pupils=pupils, calendar=calendar)
    totals = {t["intervention"].pk: t for t in data["per_intervention"]}
    for intervention in interventions:
        intervention.totals = totals.get(intervention.pk)
    shown = data["rows"]
    if chosen_intervention:
        shown = [row for row in shown if row.intervention_id == chosen_intervention.pk]
    rows = paginate(request, shown, PROVISION_ROWS_PER_PAGE)
    attendance = selectors.attendance_before_after(rows.object_list, calendar=calendar, today=day)
    for row in rows.object_list:
        row.attendance_before, row.attendance_after = attendance.get(row.pk, (None, None))
    return render(
        request,
        "send/provision_map.html",
        {
            "map": data,
            "rows": rows,
            "pupil_costs": paginate(request, data["per_pupil"], PUPIL_COSTS_PER_PAGE, param="pupils_page"),
            "classes": classes,
            "chosen": chosen,
            "interventions": interventions,
            "chosen_intervention": chosen_intervention,
        },
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def intervention_create(request):
    form = InterventionForm(request.POST or None, instance=Intervention(school=request.school))
    if done := saved(
        request, form, partial(services.intervention_save, actor=request.user, school=request.school)
    ):
        messages.success(request, f"{done} added to the catalogue.")
        return redirect("send:provision_map")
    return _catalogue_form_page(request, form, title="Add an intervention")


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def intervention_edit(request, pk):
    intervention = policy.access_school_record(request.school, Intervention.objects.all(), pk)
    form = InterventionForm(request.POST or None, instance=form_copy(intervention))
    save = partial(
        services.intervention_save, actor=request.user, school=request.school, intervention=intervention
    )
    if saved(request, form, save):
        messages.success(request, "Intervention saved.")
        return redirect("send:provision_map")
    return _catalogue_form_page(request, form, title=f"Edit {intervention}")


def _catalogue_form_page(request, form, *, title: str):
    return render(
        request,
        "send/form.html",
        {"form": form, "title": title, "back": ("Provision map", "send:provision_map", None)},
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def enrolment_create(request, pk):
    pupil = policy.access_pupil(request.user, request.school, pk)
    form = EnrolmentForm(
        request.POST or None,
        school=request.school,
        instance=ProvisionEnrolment(school=request.school, pupil=pupil),
        initial={"start_date": today()},
    )
    if done := saved(request, form, partial(services.enrolment_save, actor=request.user, pupil=pupil)):
        messages.success(request, f"{pupil} added to {done.intervention}.")
        return redirect("send:pupil_send", pk=pupil.pk)
    return pupil_form_page(request, form, pupil, title=f"Add provision for {pupil}")


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def enrolment_edit(request, pk):
    enrolment = access_pupil_item(request, ProvisionEnrolment.objects.current(), pk)
    pupil = enrolment.pupil
    form = EnrolmentForm(request.POST or None, school=request.school, instance=form_copy(enrolment))
    save = partial(services.enrolment_save, actor=request.user, pupil=pupil, enrolment=enrolment)
    if saved(request, form, save):
        messages.success(request, "Provision saved.")
        return redirect("send:pupil_send", pk=pupil.pk)
    return pupil_form_page(request, form, pupil, title=f"Edit {enrolment}")


# A withdrawn provision place leaves every list, count and total on the SEND pages.
enrolment_withdraw, enrolment_restore = withdrawal_views(ProvisionEnrolment, kind="provision place")


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def funding_create(request, pk):
    pupil = policy.access_pupil(request.user, request.school, pk)
    form = FundingForm(
        request.POST or None,
        initial={"submitted_on": today()},
        instance=FundingApplication(school=request.school, pupil=pupil, created_by=request.user),
    )
    if saved(request, form, partial(services.funding_application_save, actor=request.user, pupil=pupil)):
        messages.success(request, "Funding application recorded.")
        return redirect("send:pupil_send", pk=pupil.pk)
    return pupil_form_page(request, form, pupil, title=f"Funding application for {pupil}")


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def funding_edit(request, pk):
    application = access_pupil_item(request, FundingApplication.objects.current(), pk)
    pupil = application.pupil
    form = FundingForm(request.POST or None, instance=form_copy(application))
    save = partial(
        services.funding_application_save, actor=request.user, pupil=pupil, application=application
    )
    if saved(request, form, save):
        messages.success(request, "Funding application saved.")
        return redirect("send:pupil_send", pk=pupil.pk)
    return pupil_form_page(request, form, pupil, title=f"Funding application for {pupil}")


# A withdrawn funding application leaves every list, count and total on the SEND pages.
funding_withdraw, funding_restore = withdrawal_views(FundingApplication, kind="funding application")
