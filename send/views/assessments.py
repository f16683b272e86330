"""EHC needs assessment pages: the school's list, one assessment with its due dates, forms for its steps."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods, require_POST

from school import policy, withdrawal
from school.pagination import paginate
from school.withdrawal_views import restore_action, withdraw_page

from .. import ehc_assessment_deadlines as rules
from .. import selectors_assessments as selectors
from ..forms_assessment import AssessmentOpenForm, AssessmentStartForm, AssessmentStepsForm, ExceptionForm
from ..models_assessment import STEP_CHOICES, EhcNeedsAssessment
from ..services import ehc_assessments as services
from .common import access_pupil_item, form_copy, pupil_form_page, saved, today
from .evidence_packs import section_context as evidence_pack_section

STEP_LABELS = dict(STEP_CHOICES)
ROWS_PER_PAGE = 50


def _access(request, pk, *, current=True) -> EhcNeedsAssessment:
    qs = EhcNeedsAssessment.objects.current() if current else EhcNeedsAssessment.objects.all()
    return access_pupil_item(request, qs.select_related("local_authority", "school", "withdrawn_by"), pk)


@require_http_methods(["GET"])
@policy.capability_required(policy.MANAGE_SEND)
def assessment_list(request):
    page = paginate(request, selectors.assessments_for_school(school=request.school), ROWS_PER_PAGE)
    withdrawn = selectors.withdrawn_assessments_for_school(school=request.school)
    return render(
        request,
        "send/assessment_list.html",
        {
            "assessments": page,
            "page": page,
            "withdrawn": withdrawn[:20],
            "can_restore": withdrawal.can_restore(request.user, request.school),
        },
    )


@require_http_methods(["GET"])
@policy.capability_required(policy.MANAGE_SEND)
def assessment_start(request):
    """'Start a needs assessment' from the list: choose the pupil, then the request form for them."""
    pupils = policy.pupils_in_scope(request.user, request.school).on_roll(at=today())
    form = AssessmentStartForm(request.GET or None, pupils=pupils)
    if form.is_valid():
        return redirect("send:assessment_create", pk=form.cleaned_data["pupil"].pk)
    return render(request, "send/assessment_start.html", {"form": form})


def _closure(assessment: EhcNeedsAssessment):
    if not assessment.advice_requested_on:
        return None
    return selectors.advice_closure(school=assessment.school, asked_on=assessment.advice_requested_on)


def steps_of(assessment: EhcNeedsAssessment, *, on) -> list[dict]:
    """Each applicable step with its due date, how it is counted, when done and its state. The advice
    step carries `closure` when it was asked for in the summer-closure exception and no exception is
    recorded yet, so the page can prompt the SENDCo to record one."""
    excepted = {e.step: e for e in assessment.exceptions.all()}
    due, done = assessment.due_dates(), assessment.done_dates()
    closure = _closure(assessment) if "advice" not in excepted else None
    return [
        {
            "step": step,
            "label": STEP_LABELS[step],
            "due": due[step],
            "done": done[step],
            "rule": rules.HOW_COUNTED[step],
            "state": rules.step_state(due=due[step], done_on=done[step], today=on, excepted=step in excepted),
            "exception": excepted.get(step),
            "closure": closure if step == "advice" else None,
        }
        for step in assessment.applicable_steps()
    ]


@require_http_methods(["GET"])
@policy.capability_required(policy.MANAGE_SEND)
def assessment_detail(request, pk):
    assessment = _access(request, pk, current=False)
    plan_url = None
    if assessment.final_issued_on:
        try:
            plan_url = reverse("send:ehc_plan_create") + f"?pupil={assessment.pupil_id}"
        except NoReverseMatch:
            plan_url = None
    return render(
        request,
        "send/assessment_detail.html",
        {
            "assessment": assessment,
            "steps": steps_of(assessment, on=today()),
            "history": assessment.status_history.all(),
            "plan_url": plan_url,
            **evidence_pack_section(request, assessment),
            "can_restore": withdrawal.can_restore(request.user, request.school),
        },
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def assessment_create(request, pk):
    pupil = policy.access_pupil(request.user, request.school, pk)
    form = AssessmentOpenForm(
        request.POST or None,
        school=request.school,
        instance=EhcNeedsAssessment(school=request.school, pupil=pupil, created_by=request.user),
        initial={"request_date": today()},
    )
    if done := saved(request, form, partial(services.assessment_open, actor=request.user, pupil=pupil)):
        if done.reassessment_flagged:
            messages.warning(
                request,
                "This request is within 6 months of the last assessment: the local authority may refuse it.",
            )
        messages.success(request, "Needs assessment request recorded.")
        return redirect("send:assessment_detail", pk=done.pk)
    return pupil_form_page(request, form, pupil, title=f"EHC needs assessment request for {pupil}")


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def assessment_steps(request, pk):
    assessment = _access(request, pk)
    form = AssessmentStepsForm(request.POST or None, instance=form_copy(assessment))
    save = partial(services.assessment_record_steps, actor=request.user, assessment=assessment)
    if saved(request, form, save):
        messages.success(request, "Steps saved.")
        return redirect("send:assessment_detail", pk=assessment.pk)
    return pupil_form_page(request, form, assessment.pupil, title=f"Record the steps: {assessment}")


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def assessment_exception(request, pk):
    assessment = _access(request, pk)
    form = ExceptionForm(request.POST or None, initial=_exception_initial(request, assessment))
    save = partial(services.assessment_exception_record, actor=request.user, assessment=assessment)
    if saved(request, form, save):
        messages.success(request, "Exception recorded.")
        return redirect("send:assessment_detail", pk=assessment.pk)
    return pupil_form_page(
        request, form, assessment.pupil, title=f"Record a statutory exception: {assessment}"
    )


def _exception_initial(request, assessment: EhcNeedsAssessment) -> dict:
    """?step=advice (the prompt on the assessment page) chooses the step and, when the advice was asked
    for in the summer-closure exception, starts the reason with the dates (worked out here, not taken
    from the link)."""
    step = request.GET.get("step", "")
    if step not in STEP_LABELS:
        return {}
    initial = {"step": step}
    if step == "advice" and (closure := _closure(assessment)):
        asked_on = assessment.advice_requested_on
        initial["reason"] = selectors.closure_reason(asked_on=asked_on, closure=closure)
    return initial


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def assessment_withdraw(request, pk):
    """An assessment recorded by mistake (the wrong pupil, a duplicate): withdrawn with a reason."""
    assessment = _access(request, pk)
    return withdraw_page(
        request,
        obj=assessment,
        kind="needs assessment",
        back=reverse("send:assessment_detail", args=[assessment.pk]),
        pupil=assessment.pupil,
        note="Its deadlines leave the SEND deadline calendar; the audit trail keeps every step.",
    )


@require_POST
@policy.capability_required(policy.MANAGE_SEND)
def assessment_restore(request, pk):
    assessment = _access(request, pk, current=False)
    back = reverse("send:assessment_detail", args=[assessment.pk])
    return restore_action(request, obj=assessment, kind="needs assessment", back=back)
