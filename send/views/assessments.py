"""EHC needs assessment pages: the school's list, one assessment with its due dates, forms for its steps."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods

from school import policy

from .. import ehc_assessment_deadlines as rules
from ..forms_assessment import AssessmentOpenForm, AssessmentStepsForm, ExceptionForm
from ..models_assessment import STEP_CHOICES, EhcNeedsAssessment
from ..services import ehc_assessments as services
from .common import access_pupil_item, form_copy, pupil_form_page, saved, today
from .evidence_packs import section_context as evidence_pack_section

STEP_LABELS = dict(STEP_CHOICES)


def _access(request, pk) -> EhcNeedsAssessment:
    qs = EhcNeedsAssessment.objects.current().select_related("local_authority", "school")
    return access_pupil_item(request, qs, pk)


@require_http_methods(["GET"])
@policy.capability_required(policy.MANAGE_SEND)
def assessment_list(request):
    assessments = (
        EhcNeedsAssessment.objects.current()
        .filter(school=request.school)
        .select_related("pupil", "local_authority")
        .order_by("-request_date", "-id")[:200]
    )
    return render(request, "send/assessment_list.html", {"assessments": assessments})


def steps_of(assessment: EhcNeedsAssessment, *, on) -> list[dict]:
    """Each applicable step with its due date, how it is counted, when done and its state."""
    excepted = {e.step: e for e in assessment.exceptions.all()}
    due, done = assessment.due_dates(), assessment.done_dates()
    return [
        {
            "label": STEP_LABELS[step],
            "due": due[step],
            "done": done[step],
            "rule": rules.HOW_COUNTED[step],
            "state": rules.step_state(due=due[step], done_on=done[step], today=on, excepted=step in excepted),
            "exception": excepted.get(step),
        }
        for step in assessment.applicable_steps()
    ]


@require_http_methods(["GET"])
@policy.capability_required(policy.MANAGE_SEND)
def assessment_detail(request, pk):
    assessment = _access(request, pk)
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
    form = ExceptionForm(request.POST or None)
    save = partial(services.assessment_exception_record, actor=request.user, assessment=assessment)
    if saved(request, form, save):
        messages.success(request, "Exception recorded.")
        return redirect("send:assessment_detail", pk=assessment.pk)
    return pupil_form_page(
        request, form, assessment.pupil, title=f"Record a statutory exception: {assessment}"
    )
