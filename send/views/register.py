"""Identification and the register: dashboard, concerns and triage, status, needs, passport, class view,
panels, reviews due and the census export."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from letters.rendering import pdf_response, render_pdf
from letters.selectors import letters_for
from school import editing, policy, withdrawal
from school.forms import apply_service
from school.withdrawal_views import restore_action, withdraw_page

from .. import (
    census_export,
    deadline_calendar,
    register_status,
    selectors,
    selectors_glance,
    selectors_plans,
    selectors_register,
    selectors_reviews,
    services,
)
from ..forms import ConcernForm, NeedsForm, PassportForm, SendSettingsForm, StatusChangeForm, TriageForm
from ..models import Concern, PupilPassport, SendRecord
from .common import can_manage, pupil_form_page, pupil_page_url, saved, today


@require_safe
@policy.capability_required(policy.MANAGE_SEND)
def dashboard(request):
    school, day = request.school, today()
    areas, unrecorded = selectors.need_counts(school=school)
    provision = selectors.provision_map(school=school, today=day)
    return render(
        request,
        "send/dashboard.html",
        {
            "register": selectors.register_counts(school=school),
            "need_areas": areas,
            "need_unrecorded": unrecorded,
            "concerns": selectors.concerns_awaiting_triage(school=school)[:50],
            "reviews": selectors.reviews_due(user=request.user, school=school, today=day),
            "views_completion": selectors.views_completion(school=school, today=day),
            "provision": provision,
            "attendance": selectors.send_attendance(school=school, today=day),
            "parents_not_told": selectors.parents_not_told(school=school),
            "deadlines_overdue": deadline_calendar.overdue_count(user=request.user, school=school, today=day),
            "needs_missing": selectors_register.needs_missing(school=school),
        },
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def settings_edit(request):
    current = selectors.settings_for(school=request.school)
    form = SendSettingsForm(request.POST or None, instance=current)
    if saved(request, form, partial(services.send_settings_save, actor=request.user, school=request.school)):
        messages.success(request, "SEND settings saved.")
        return redirect("send:dashboard")
    return render(
        request,
        "send/form.html",
        {"form": form, "title": "SEND settings", "back": ("SEND", "send:dashboard", None)},
    )


@require_safe
@policy.capability_required(policy.VIEW_SEND)
def class_view(request):
    """What a class teacher needs to teach well tomorrow: their pupils' needs, targets, strategies, passports."""
    school, day = request.school, today()
    classes = list(policy.classes_in_scope(request.user, school))
    chosen = next(
        (c for c in classes if str(c.pk) == request.GET.get("class")), classes[0] if classes else None
    )
    pupils = (
        selectors.class_send_pupils(user=request.user, school=school, registration_class=chosen, today=day)
        if chosen
        else []
    )
    return render(
        request,
        "send/class_view.html",
        {
            "classes": classes,
            "chosen": chosen,
            "pupils": pupils,
            "reviews": selectors.reviews_due(user=request.user, school=school, today=day),
            "can_edit_passport": policy.can(request.user, school, policy.EDIT_PASSPORT),
        },
    )


@require_safe
@policy.capability_required(policy.VIEW_SEND)
def reviews_due(request):
    return render(
        request,
        "send/reviews_due.html",
        {
            "reviews": selectors.reviews_due(user=request.user, school=request.school, today=today()),
        },
    )


@require_safe
@policy.capability_required(policy.VIEW_SEND)
def panel_home(request):
    school, day = request.school, today()
    context = {
        "reviews": selectors.reviews_due(user=request.user, school=school, today=day),
        "can_manage": can_manage(request),
    }
    if context["can_manage"]:
        context["awaiting_triage"] = selectors.concerns_awaiting_triage(school=school).count()
    return render(request, "send/partials/panel_home.html", context)


@require_safe
@policy.capability_required(policy.VIEW_SEND_STATUS)
def panel_pupil(request, pk):
    """The pupil page's SEND panel. Adults who read the SEND record (VIEW_SEND) get its summary; the
    office and the DSL get what they need to know (selectors.need_to_know): the status, the passport's
    strategies for a supply or cover adult, and for the DSL (VIEW_SAFEGUARDING) the areas of need."""
    pupil = policy.access_pupil(request.user, request.school, pk)
    if not policy.can(request.user, request.school, policy.VIEW_SEND):
        return render(
            request,
            "send/partials/panel_pupil_need_to_know.html",
            selectors.need_to_know(user=request.user, school=request.school, pupil=pupil),
        )
    record = SendRecord.objects.filter(pupil=pupil).first()
    targets = selectors.open_cycle_targets([pupil.pk]).get(pupil.pk, [])
    plan = selectors_plans.plan_in_force_for(pupil=pupil, on=today())
    return render(
        request,
        "send/partials/panel_pupil.html",
        {"pupil": pupil, "record": record, "targets": targets, "ehc_plan": plan},
    )


@require_safe
@policy.capability_required(policy.VIEW_SEND)
def pupil_send(request, pk):
    pupil = policy.access_pupil(request.user, request.school, pk)
    context = selectors.pupil_send_page(pupil=pupil)
    documents = selectors.documents_for(user=request.user, school=request.school, pupil=pupil).select_related(
        "uploaded_by", "agency", "withdrawn_by"
    )
    can_confidential = policy.can(request.user, request.school, policy.VIEW_CONFIDENTIAL_DOCUMENTS)
    withdrawn_documents = list(documents.withdrawn())
    documents = documents.current()
    provision = selectors.provision_map(school=request.school, today=today(), pupils=[pupil])
    ehc_plan = selectors_plans.plan_in_force_for(pupil=pupil, on=today())
    context.update(
        {
            "pupil": pupil,
            "documents": documents,
            "withdrawn_documents": withdrawn_documents,
            "can_restore": bool(policy.roles_at(request.user, request.school) & withdrawal.RESTORERS),
            "user_id": request.user.pk,
            "can_manage": can_manage(request),
            "provision": provision,
            "can_confidential": can_confidential,
            "can_edit_passport": policy.can(request.user, request.school, policy.EDIT_PASSPORT),
            "can_see_costs": policy.can(request.user, request.school, policy.VIEW_SEND_COSTS),
            "letters": letters_for(user=request.user, school=request.school, pupil=pupil),
            "provision_notice": selectors.provision_notice_status(pupil=pupil),  # views/parent_letters.py
            "ehc_plan": ehc_plan,  # views/ehc_plans.py
            "glance": selectors_glance.pupil_at_a_glance(
                pupil=pupil,
                today=today(),
                ehc_plan=ehc_plan,
                open_cycle=context["open_cycle"],
                funding=context["funding"],
            ),
            "ehc_review": selectors_reviews.pupil_review_panel(pupil=pupil, today=today())
            if can_manage(request)
            else None,
        }
    )
    return render(request, "send/pupil.html", context)


# --- concerns -------------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.RAISE_CONCERN)
def concern_create(request, pk):
    pupil = policy.access_pupil(request.user, request.school, pk)
    form = ConcernForm(request.POST or None)
    if concern := saved(request, form, partial(services.concern_raise, actor=request.user, pupil=pupil)):
        messages.success(request, f"Your concern about {pupil} has been sent to the SENDCo.")
        return redirect("send:concern_detail", pk=concern.pk)
    waiting = selectors.concerns_awaiting_triage(school=request.school).filter(pupil=pupil)
    return render(request, "send/concern_form.html", {"form": form, "pupil": pupil, "waiting": waiting})


def _access_concern(request, pk, concerns=None) -> Concern:
    concerns = Concern.objects.all() if concerns is None else concerns
    return policy.access_pupil_record(
        request.user,
        request.school,
        concerns.filter(school=request.school).select_related(
            "pupil__registration_class", "raised_by", "triaged_by"
        ),
        pk,
    )


@require_safe
@policy.capability_required(policy.VIEW_SEND)
def concern_detail(request, pk):
    concern = _access_concern(request, pk)
    return render(
        request,
        "send/concern_detail.html",
        {
            "concern": concern,
            "can_manage": can_manage(request),
            "may_withdraw": not concern.is_withdrawn and may_withdraw_concern(request, concern),
            "follow_up_tasks": concern.follow_up_tasks.select_related("assigned_to").order_by("due_on", "id"),
            "can_restore": withdrawal.can_restore(request.user, request.school),
        },
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def concern_triage(request, pk):
    concern = _access_concern(request, pk, Concern.objects.current())
    if concern.status != Concern.Status.AWAITING_TRIAGE:
        # Two SENDCos triaging one concern: the second is told who did it, and nothing they typed is saved.
        who = editing.who_and_when(editing.last_change(concern))
        if request.method == "POST":
            messages.error(request, f"This concern was already triaged by {who}. Your triage was not saved.")
        else:
            messages.info(request, f"This concern was already triaged by {who}.")
        return redirect("send:concern_detail", pk=concern.pk)
    form = TriageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        triage = services.Triage(**data)
        done = apply_service(
            form, lambda: services.concern_triage(actor=request.user, concern=concern, triage=triage)
        )
        if done:
            messages.success(request, f"Concern triaged: {done.get_outcome_display()}.")
            return redirect("send:pupil_send", pk=concern.pupil_id)
    return render(request, "send/concern_triage.html", {"form": form, "concern": concern})


def may_withdraw_concern(request, concern: Concern) -> bool:
    """The SENDCo or head, or the adult who raised it while it still awaits triage (once triaged, the
    register may have moved because of it, so only the SENDCo or head decides it was a mistake)."""
    if can_manage(request):
        return True
    return concern.raised_by_id == request.user.pk and concern.status == Concern.Status.AWAITING_TRIAGE


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.RAISE_CONCERN)
def concern_withdraw(request, pk):
    concern = _access_concern(request, pk, Concern.objects.current())
    if not may_withdraw_concern(request, concern):
        raise PermissionDenied(
            "Only the SENDCo, the headteacher or whoever raised it can withdraw this concern."
        )
    return withdraw_page(
        request, obj=concern, kind="concern", back=pupil_page_url(concern), pupil=concern.pupil
    )


@require_POST
@policy.capability_required(policy.MANAGE_SEND)
def concern_restore(request, pk):
    concern = _access_concern(request, pk)
    return restore_action(request, obj=concern, kind="concern", back=pupil_page_url(concern))


# --- register status and needs --------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def status_change(request, pk):
    pupil = policy.access_pupil(request.user, request.school, pk)
    current = selectors.current_status(pupil=pupil)
    form = StatusChangeForm(
        request.POST or None,
        # A review's decision links here with the move it calls for (send/review_decisions.py).
        initial={"to_status": request.GET.get("to", "")},
        current_status=current,
        read_status=partial(selectors.current_status, pupil=pupil),
    )
    if done := saved(request, form, partial(services.send_status_change, actor=request.user, pupil=pupil)):
        messages.success(request, f"{pupil} is now recorded as {done.to_label}.")
        return redirect("send:pupil_send", pk=pupil.pk)
    return pupil_form_page(
        request,
        form,
        pupil,
        title=f"Change register status for {pupil}",
        lead=f"Current status: {register_status.LABELS[form.current_status]}.",
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def needs_edit(request, pk):
    pupil = policy.access_pupil(request.user, request.school, pk)
    record = SendRecord.objects.filter(pupil=pupil).first()
    initial = {"primary_need": record.primary_need, "secondary_need": record.secondary_need} if record else {}
    form = NeedsForm(request.POST or None, initial=initial, versioned=(record,))
    if saved(request, form, partial(services.send_needs_set, actor=request.user, pupil=pupil)):
        messages.success(request, "Needs saved.")
        return redirect("send:pupil_send", pk=pupil.pk)
    return pupil_form_page(request, form, pupil, title=f"Needs for {pupil}")


# --- passport -------------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.EDIT_PASSPORT)
def passport_edit(request, pk):
    """Adults who work with the pupil write the passport with them: the SENDCo, and the class teacher and
    TA of the pupil's class (EDIT_PASSPORT within their scope; another class's pupil is a 404)."""
    pupil = policy.access_pupil(request.user, request.school, pk)
    passport = PupilPassport.objects.filter(pupil=pupil).first()
    form = PassportForm(request.POST or None, instance=passport)
    if saved(request, form, partial(services.passport_save, actor=request.user, pupil=pupil)):
        messages.success(request, "Pupil passport saved.")
        return redirect("send:pupil_send", pk=pupil.pk)
    return pupil_form_page(
        request,
        form,
        pupil,
        title=f"Pupil passport for {pupil}",
        lead="Use the pupil's own words where you can.",
    )


@require_safe
@policy.capability_required(policy.VIEW_SEND)
def passport_pdf(request, pk):
    pupil = policy.access_pupil(request.user, request.school, pk)
    passport = PupilPassport.objects.filter(pupil=pupil).first()
    if passport is None:
        raise Http404("No passport yet.")
    pdf = render_pdf(
        "send/pdf/passport.html", {"pupil": pupil, "passport": passport, "school": request.school}
    )
    return pdf_response(pdf, f"pupil-passport-{pupil.pk}.pdf")


@require_safe
@policy.capability_required(policy.VIEW_SEND)
def supply_pack(request, pk):
    """A supply teacher's pack: every passport of the class's pupils on roll, one PDF (issue 15)."""
    registration_class = policy.access_class(request.user, request.school, pk)
    passports = selectors.class_passports(
        user=request.user, school=request.school, registration_class=registration_class, today=today()
    )
    pdf = render_pdf(
        "send/pdf/supply_pack.html",
        {"registration_class": registration_class, "passports": passports, "school": request.school},
    )
    return pdf_response(pdf, f"supply-pack-{registration_class.pk}.pdf")


# --- export ---------------------------------------------------------------------------------------------
@require_safe
@policy.capability_required(policy.MANAGE_SEND)
def register_census(request):
    """Where the census CSV is downloaded: the pupils on K or E with no need recorded are named first,
    with links to record it; the CSV itself stays as the census wants it (issue 15)."""
    return render(
        request,
        "send/register_census.html",
        {"needs_missing": selectors_register.needs_missing(school=request.school)},
    )


@require_safe
@policy.capability_required(policy.MANAGE_SEND)
def register_export(request):
    rows = (
        (r.pupil.upn, r.census_code, r.primary_need, r.secondary_need)
        for r in selectors.register_export_rows(school=request.school)
    )
    response = HttpResponse(census_export.to_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="sen-register.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
