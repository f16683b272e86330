"""EHC plans: the trust's local authorities, the plan record (create, page, edit, cease, withdraw), its
Section F lines, and the school-wide Section F delivery check."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from school import policy, withdrawal
from school.forms import WithdrawForm, apply_service
from school.pagination import paginate
from school.withdrawal_views import restore_action, withdraw_page

from .. import register_status, section_f, selectors, selectors_plans, selectors_reviews, services
from ..forms_plans import EhcPlanCeaseForm, EhcPlanEditForm, EhcPlanForm, LocalAuthorityForm, PlanLineForm
from ..models import EhcPlan, LocalAuthority, PlanProvisionLine
from .common import can_manage, form_copy, saved, today

OVERVIEW_ROWS_PER_PAGE = 40


def _form_page(request, form, *, title, back, pupil=None, lead="", multipart=False):
    return render(
        request,
        "send/form.html",
        {"form": form, "title": title, "back": back, "pupil": pupil, "lead": lead, "multipart": multipart},
    )


# --- local authorities ----------------------------------------------------------------------------------
def _trust_authorities(request):
    return LocalAuthority.objects.filter(trust_id=request.school.trust_id)


@require_safe
@policy.capability_required(policy.MANAGE_SEND)
def local_authority_list(request):
    return render(
        request, "send/local_authorities.html", {"authorities": _trust_authorities(request).order_by("name")}
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def local_authority_create(request):
    form = LocalAuthorityForm(request.POST or None, instance=LocalAuthority(trust=request.school.trust))
    if done := saved(
        request, form, partial(services.local_authority_save, actor=request.user, school=request.school)
    ):
        messages.success(request, f"{done} added.")
        return redirect("send:local_authority_list")
    return _form_page(
        request,
        form,
        title="Add a local authority",
        back=("Local authorities", "send:local_authority_list", None),
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def local_authority_edit(request, pk):
    la = policy.access_school_record(
        request.school.trust, LocalAuthority.objects.all(), pk, school_field="trust"
    )
    form = LocalAuthorityForm(request.POST or None, instance=form_copy(la))
    save = partial(
        services.local_authority_save, actor=request.user, school=request.school, local_authority=la
    )
    if saved(request, form, save):
        messages.success(request, "Local authority saved.")
        return redirect("send:local_authority_list")
    return _form_page(
        request, form, title=f"Edit {la}", back=("Local authorities", "send:local_authority_list", None)
    )


# --- the plan -------------------------------------------------------------------------------------------
def _access_plan(request, pk, plans=None) -> EhcPlan:
    plans = EhcPlan.objects.all() if plans is None else plans
    return policy.access_pupil_record(
        request.user,
        request.school,
        plans.filter(school=request.school).select_related(
            "pupil__registration_class", "local_authority", "created_by", "withdrawn_by"
        ),
        pk,
    )


def _plan_back(plan):
    return ("EHC plan", "send:ehc_plan_detail", plan.pk)


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def ehc_plan_create(request):
    """?pupil=<id> preselects the pupil (the link on their SEND page)."""
    day = today()
    pupils = policy.pupils_in_scope(request.user, request.school).order_by(
        "legal_last_name", "legal_first_name"
    )
    if request.method == "GET":
        # Offered: pupils on roll without a plan in force. A resent form still finds its pupil (the
        # service refuses a second plan, and a double submit returns the first).
        pupils = pupils.on_roll(at=day).exclude(pk__in=EhcPlan.objects.in_force(day).values("pupil_id"))
    chosen = (
        pupils.filter(pk=request.GET.get("pupil")).first() if request.GET.get("pupil", "").isdigit() else None
    )
    form = EhcPlanForm(
        request.POST or None,
        request.FILES or None,
        pupils=pupils,
        trust=request.school.trust,
        initial={"pupil": chosen.pk} if chosen else {},
    )
    if plan := saved(request, form, partial(services.ehc_plan_record, actor=request.user)):
        messages.success(
            request,
            f"EHC plan recorded. {plan.pupil} is on the register as EHC plan from {plan.issue_date:%-d %B %Y}.",
        )
        return redirect("send:ehc_plan_detail", pk=plan.pk)
    no_authorities = not _trust_authorities(request).exists()
    return _form_page(
        request,
        form,
        title="Record an EHC plan",
        pupil=chosen,
        multipart=True,
        back=(str(chosen), "send:pupil_send", chosen.pk) if chosen else ("SEND", "send:dashboard", None),
        lead=(
            "Add the local authority first (Local authorities on the SEND dashboard)."
            if no_authorities
            else "The pupil's register status becomes EHC plan (census E) from the plan's issue date."
        ),
    )


@require_safe
@policy.capability_required(policy.VIEW_SEND)
def ehc_plan_detail(request, pk):
    plan = _access_plan(request, pk)
    day = today()
    lines = selectors_plans.lines_with_delivery(EhcPlan.objects.filter(pk=plan.pk), on=day)
    document = None
    if plan.document_id:
        document = (
            selectors.documents_for(user=request.user, school=request.school, pupil=plan.pupil)
            .current()
            .filter(pk=plan.document_id)
            .first()
        )
    return render(
        request,
        "send/ehc_plan_detail.html",
        {
            "plan": plan,
            "pupil": plan.pupil,
            "lines": lines,
            "short": [line for line in lines if line.delivery.status == section_f.SHORT],
            "withdrawn_lines": list(plan.provision_lines.withdrawn().select_related("withdrawn_by")),
            "document": document,
            "can_manage": can_manage(request),
            "can_restore": withdrawal.can_restore(request.user, request.school),
            "in_force": not plan.is_withdrawn and (plan.ceased_on is None or plan.ceased_on > day),
            # The reviews card of the pupil's SEND page, so the plan's next review is one click away.
            "ehc_review": selectors_reviews.plan_review_panel(plan=plan, today=day)
            if can_manage(request)
            else None,
            "can_see_costs": policy.can(request.user, request.school, policy.VIEW_SEND_COSTS),
        },
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def ehc_plan_edit(request, pk):
    plan = _access_plan(request, pk, EhcPlan.objects.current())
    form = EhcPlanEditForm(
        request.POST or None, request.FILES or None, instance=form_copy(plan), trust=request.school.trust
    )
    if saved(request, form, partial(services.ehc_plan_update, actor=request.user, plan=plan)):
        messages.success(request, "EHC plan saved.")
        return redirect("send:ehc_plan_detail", pk=plan.pk)
    return _form_page(
        request,
        form,
        title=f"Edit the EHC plan for {plan.pupil}",
        pupil=plan.pupil,
        back=_plan_back(plan),
        multipart=True,
        lead=f"Issued {plan.issue_date:%-d %B %Y}. A wrong issue date: withdraw this plan and record it again.",
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def ehc_plan_cease(request, pk):
    plan = _access_plan(request, pk, EhcPlan.objects.current().filter(ceased_on__isnull=True))
    form = EhcPlanCeaseForm(request.POST or None, initial={"ceased_on": today()})
    if saved(request, form, partial(services.ehc_plan_cease, actor=request.user, plan=plan)):
        messages.success(request, "The plan is recorded as ceased and the register status changed.")
        return redirect("send:pupil_send", pk=plan.pupil_id)
    return _form_page(
        request,
        form,
        title=f"The EHC plan for {plan.pupil} has ceased",
        pupil=plan.pupil,
        back=_plan_back(plan),
        lead="Record this when the local authority has decided to cease the plan.",
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def ehc_plan_withdraw(request, pk):
    """A plan recorded by mistake; ehc_plan_restore brings it back (and the register with it) within
    30 days."""
    plan = _access_plan(request, pk, EhcPlan.objects.current())
    form = WithdrawForm(request.POST or None)
    form.fields["reason"].help_text = "Up to 500 characters. The audit trail keeps the plan and the reason."
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        if apply_service(
            form, lambda: services.ehc_plan_withdraw(actor=request.user, plan=plan, reason=reason)
        ):
            status = selectors.current_status(pupil=plan.pupil)
            messages.success(
                request,
                f"EHC plan withdrawn. {plan.pupil}'s register status is now {register_status.LABELS[status]}"
                + (
                    ": change it on their SEND page if that is wrong."
                    if status == register_status.EHC_PLAN
                    else "."
                ),
            )
            return redirect("send:pupil_send", pk=plan.pupil_id)
    return render(request, "send/ehc_plan_withdraw.html", {"form": form, "plan": plan, "pupil": plan.pupil})


@require_POST
@policy.capability_required(policy.MANAGE_SEND)
def ehc_plan_restore(request, pk):
    plan = _access_plan(request, pk)  # not only withdrawn: a second click is told it was restored
    try:
        restored = services.ehc_plan_restore(actor=request.user, plan=plan, school=request.school)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        status = selectors.current_status(pupil=restored.pupil)
        messages.success(
            request,
            f"EHC plan restored. {restored.pupil}'s register status is {register_status.LABELS[status]}"
            + (
                "."
                if status == register_status.EHC_PLAN or restored.ceased_on
                else ": change it on their SEND page if the plan is in force."
            ),
        )
    return redirect("send:ehc_plan_detail", pk=plan.pk)


# --- Section F lines ------------------------------------------------------------------------------------
def _access_line(request, pk, lines) -> PlanProvisionLine:
    return policy.access_pupil_record(
        request.user,
        request.school,
        lines.filter(plan__school=request.school).select_related("plan__pupil", "plan__school"),
        pk,
        pupil_field="plan__pupil",
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def plan_line_create(request, pk):
    plan = _access_plan(request, pk, EhcPlan.objects.current())
    form = PlanLineForm(request.POST or None, school=request.school, instance=PlanProvisionLine(plan=plan))
    if saved(request, form, partial(services.plan_line_save, actor=request.user, plan=plan)):
        messages.success(request, "Section F line added.")
        return redirect("send:ehc_plan_detail", pk=plan.pk)
    return _form_page(
        request,
        form,
        title=f"Add a Section F line to {plan.pupil}'s plan",
        pupil=plan.pupil,
        back=_plan_back(plan),
        lead="One line for each piece of provision the plan specifies. Link the provision-map interventions "
        "that deliver it, so delivery can be checked against the plan.",
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def plan_line_edit(request, pk):
    line = _access_line(request, pk, PlanProvisionLine.objects.current())
    form = PlanLineForm(request.POST or None, school=request.school, instance=form_copy(line))
    save = partial(services.plan_line_save, actor=request.user, plan=line.plan, line=line)
    if saved(request, form, save):
        messages.success(request, "Section F line saved.")
        return redirect("send:ehc_plan_detail", pk=line.plan_id)
    return _form_page(
        request, form, title="Edit a Section F line", pupil=line.plan.pupil, back=_plan_back(line.plan)
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def plan_line_withdraw(request, pk):
    line = _access_line(request, pk, PlanProvisionLine.objects.current())
    back = reverse("send:ehc_plan_detail", args=[line.plan_id])
    return withdraw_page(request, obj=line, kind="Section F line", back=back, pupil=line.plan.pupil)


@require_POST
@policy.capability_required(policy.MANAGE_SEND)
def plan_line_restore(request, pk):
    line = _access_line(request, pk, PlanProvisionLine.objects.all())
    back = reverse("send:ehc_plan_detail", args=[line.plan_id])
    return restore_action(request, obj=line, kind="Section F line", back=back)


# --- across the school ----------------------------------------------------------------------------------
@require_safe
@policy.capability_required(policy.MANAGE_SEND)
def section_f_overview(request):
    day = today()
    data = selectors_plans.section_f_overview(
        school=request.school, on=day, pupils=policy.pupils_in_scope(request.user, request.school)
    )
    return render(
        request,
        "send/section_f_overview.html",
        {"data": data, "rows": paginate(request, data["rows"], OVERVIEW_ROWS_PER_PAGE), "today": day},
    )
