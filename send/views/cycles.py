"""Assess, plan, do, review: cycles, targets, reviews, views requests and the printable PDFs."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from letters import outbox
from letters.models import Email
from letters.rendering import pdf_response, render_pdf
from school import policy
from school.forms import apply_service
from school.pagination import paginate
from school.withdrawal_views import restore_action, withdraw_page

from .. import cycle_stages, selectors, services
from ..forms import (
    AssessmentForm,
    CycleStartForm,
    ReviewForm,
    StageForm,
    TargetForm,
    ViewsCompletionFilterForm,
    ViewsRecordForm,
    ViewsRequestForm,
)
from ..models import SupportCycle, Target, ViewsRequest
from ..services.parent_letters import INVITE_STAGES
from .common import access_cycle, can_manage, cycle_form_page, form_copy, pupil_form_page, saved, today


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def cycle_start(request, pk):
    pupil = policy.access_pupil(request.user, request.school, pk)
    last = SupportCycle.objects.filter(pupil=pupil).order_by("-number").first()
    form = CycleStartForm(
        request.POST or None,
        initial={"start_date": today(), "plan_type": last.plan_type if last else None},
        carryable=_carryable(last),
    )
    if cycle := saved(request, form, partial(services.cycle_start, actor=request.user, pupil=pupil)):
        messages.success(request, _started_message(cycle))
        return redirect("send:cycle_detail", pk=cycle.pk)
    return pupil_form_page(
        request,
        form,
        pupil,
        title=f"Start a new cycle for {pupil}",
        lead="Tick the targets not yet achieved that the new cycle should keep working on."
        if form.carryable
        else "",
    )


def _carryable(cycle: SupportCycle | None) -> list[Target]:
    if cycle is None or cycle.stage not in (cycle_stages.REVIEW, cycle_stages.CLOSED):
        return []
    return list(cycle.targets.current().filter(outcome__in=Target.UNMET).order_by("id"))


def _started_message(cycle: SupportCycle) -> str:
    carried = cycle.targets.current().count()
    note = ngettext(
        "%d target not yet achieved was carried forward.",
        "%d targets not yet achieved were carried forward.",
        carried,
    )
    return f"Cycle {cycle.number} started. {note % carried if carried else 'No target was carried forward.'}"


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def cycle_next(request, pk):
    """Close the reviewed cycle and start the next one in one step."""
    cycle = access_cycle(request, pk)
    if cycle.stage != cycle_stages.REVIEW or cycle.reviewed_on is None:
        messages.info(
            request,
            "This cycle is closed: start the next one from the pupil's page."
            if cycle.stage == cycle_stages.CLOSED
            else "Record the review before closing the cycle and starting the next.",
        )
        return redirect("send:cycle_detail", pk=cycle.pk)
    form = CycleStartForm(
        request.POST or None,
        initial={"start_date": today(), "plan_type": cycle.plan_type},
        carryable=_carryable(cycle),
    )
    if new := saved(
        request, form, partial(services.cycle_close_and_start_next, actor=request.user, cycle=cycle)
    ):
        messages.success(request, f"Cycle {cycle.number} closed. {_started_message(new)}")
        return redirect("send:cycle_detail", pk=new.pk)
    latest = cycle.reviews.order_by("-reviewed_on", "-id").first()
    return render(
        request,
        "send/cycle_next.html",
        {"form": form, "cycle": cycle, "pupil": cycle.pupil, "review": latest},
    )


@require_safe
@policy.capability_required(policy.VIEW_SEND)
def cycle_detail(request, pk):
    cycle = access_cycle(request, pk)
    stage_history = list(cycle.stage_history.select_related("changed_by"))
    return render(
        request,
        "send/cycle_detail.html",
        {
            "cycle": cycle,
            "pupil": cycle.pupil,
            "targets": cycle.targets.current().select_related("carried_from__cycle"),
            "withdrawn_targets": list(cycle.targets.withdrawn().select_related("withdrawn_by")),
            "stage_history": stage_history,
            "reviews": _reviews_newest_first(cycle, stage_history),
            "views": selectors.views_status(cycle),
            "next_stages": [(s, cycle_stages.LABELS[s]) for s in cycle_stages.next_stages(cycle.stage)],
            "can_record_review": review_can_be_recorded(cycle, today()),
            "mep_missing": services.mep_parts_missing(cycle),
            "can_manage": can_manage(request),
            "can_plan": policy.can(request.user, request.school, policy.PLAN_SEND),
            "today": today(),
            # Inviting the parents to the review (views/parent_letters.py).
            "invitations": selectors.review_invitations(cycle=cycle),
            "can_invite": can_manage(request) and cycle.stage in INVITE_STAGES,
        },
    )


def review_can_be_recorded(cycle: SupportCycle, on) -> bool:
    """At Review, or still at Do on or after its review date (the nightly move has not run yet)."""
    return cycle.stage == cycle_stages.REVIEW or (cycle.stage == cycle_stages.DO and cycle.review_due <= on)


def _reviews_newest_first(cycle, stage_history) -> list:
    """Every review of the cycle, newest first, each with its round: "Back to planning" after a
    review starts a new round, and the earlier round's review stays on the page."""
    restarts = [
        change.changed_at
        for change in stage_history
        if change.from_stage == cycle_stages.REVIEW and change.to_stage == cycle_stages.PLAN
    ]
    reviews = list(cycle.reviews.select_related("reviewed_by"))
    for review in reviews:
        review.round = 1 + sum(1 for at in restarts if at < review.recorded_at)
    return sorted(reviews, key=lambda r: (r.reviewed_on, r.recorded_at, r.pk), reverse=True)


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.PLAN_SEND)
def cycle_assess(request, pk):
    cycle = access_cycle(request, pk)
    form = AssessmentForm(request.POST or None, instance=form_copy(cycle))
    if saved(request, form, partial(services.cycle_assessment_save, actor=request.user, cycle=cycle)):
        messages.success(request, "Saved.")
        return redirect("send:cycle_detail", pk=cycle.pk)
    return cycle_form_page(request, form, cycle, title=f"Assess: cycle {cycle.number} for {cycle.pupil}")


@require_POST
@policy.capability_required(policy.MANAGE_SEND)
def cycle_stage(request, pk):
    cycle = access_cycle(request, pk)
    form = StageForm(request.POST)
    if form.is_valid():
        done = apply_service(
            form,
            lambda: services.cycle_stage_move(
                actor=request.user,
                cycle=cycle,
                to_stage=form.cleaned_data["to_stage"],
                from_stage=form.cleaned_data.get("from_stage"),
            ),
        )
        if done:
            messages.success(request, f"The cycle is now at {done.get_stage_display()}.")
            return redirect("send:cycle_detail", pk=cycle.pk)
    for error in form.errors.get("__all__", []) + form.errors.get("to_stage", []):
        messages.error(request, error)
    return redirect("send:cycle_detail", pk=cycle.pk)


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.PLAN_SEND)
def target_add(request, pk):
    cycle = access_cycle(request, pk)
    form = TargetForm(request.POST or None, initial={"review_date": cycle.review_due})
    if saved(request, form, partial(services.target_save, actor=request.user, cycle=cycle)):
        messages.success(request, "Target added.")
        return redirect("send:cycle_detail", pk=cycle.pk)
    return cycle_form_page(request, form, cycle, title=f"Add a SMART target for {cycle.pupil}")


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.PLAN_SEND)
def target_edit(request, pk):
    target = policy.access_pupil_record(
        request.user,
        request.school,
        Target.objects.current().filter(cycle__school=request.school).select_related("cycle__pupil"),
        pk,
        pupil_field="cycle__pupil",
    )
    cycle = target.cycle
    if cycle.stage == cycle_stages.CLOSED:  # say so now, not after someone has retyped the target
        messages.info(request, "This cycle is closed, so its targets can no longer be changed.")
        return redirect("send:cycle_detail", pk=cycle.pk)
    form = TargetForm(request.POST or None, instance=form_copy(target))
    if saved(request, form, partial(services.target_save, actor=request.user, cycle=cycle, instance=target)):
        messages.success(request, "Target saved.")
        return redirect("send:cycle_detail", pk=cycle.pk)
    return cycle_form_page(request, form, cycle, title=f"Edit a target for {cycle.pupil}")


def _access_target(request, pk, queryset) -> Target:
    return policy.access_pupil_record(
        request.user,
        request.school,
        queryset.filter(cycle__school=request.school).select_related("cycle__pupil"),
        pk,
        pupil_field="cycle__pupil",
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.PLAN_SEND)
def target_withdraw(request, pk):
    target = _access_target(request, pk, Target.objects.current())
    back = reverse("send:cycle_detail", args=[target.cycle_id])
    return withdraw_page(request, obj=target, kind="target", back=back, pupil=target.cycle.pupil)


@require_POST
@policy.capability_required(policy.MANAGE_SEND)
def target_restore(request, pk):
    target = _access_target(request, pk, Target.objects.all())  # restored already: said, not 404
    return restore_action(
        request, obj=target, kind="target", back=reverse("send:cycle_detail", args=[target.cycle_id])
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.PLAN_SEND)
def cycle_review(request, pk):
    cycle = access_cycle(request, pk)
    if not review_can_be_recorded(cycle, today()):
        messages.info(
            request,
            "This cycle is closed: its review is already recorded."
            if cycle.stage == cycle_stages.CLOSED
            else f"The review can be recorded once it is due ({cycle.review_due:%-d %B %Y}) "
            "or once the cycle is at Review.",
        )
        return redirect("send:cycle_detail", pk=cycle.pk)
    views = {r.respondent: r for r in cycle.views_requests.all()}
    latest = cycle.reviews.order_by("-reviewed_on", "-id").first() if cycle.reviewed_on else None
    initial = {
        "reviewed_on": cycle.reviewed_on or today(),
        "pupil_views": cycle.review_pupil_views or getattr(views.get("pupil"), "views", ""),
        "parent_views": cycle.review_parent_views or getattr(views.get("parent"), "views", ""),
        "next_steps": cycle.next_steps,
        "attended": getattr(latest, "attended", ""),
        "led_by": getattr(latest, "led_by", "") or request.user.get_full_name(),
        "decision": getattr(latest, "decision", ""),
    }
    form = ReviewForm(request.POST or None, initial=initial, targets=cycle.targets.current())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = apply_service(
            form,
            lambda: services.cycle_review_record(
                actor=request.user,
                cycle=cycle,
                outcomes=form.outcomes(),
                reviewed_on=data["reviewed_on"],
                pupil_views=data["pupil_views"],
                parent_views=data["parent_views"],
                next_steps=data["next_steps"],
                attended=data["attended"],
                led_by=data["led_by"],
                decision=data["decision"],
            ),
        )
        if done:
            messages.success(request, "Review recorded.")
            return redirect("send:cycle_detail", pk=cycle.pk)
    return render(
        request,
        "send/cycle_review.html",
        {"form": form, "cycle": cycle, "pupil": cycle.pupil, "views": selectors.views_status(cycle)},
    )


# --- views requests -------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def views_request(request, pk):
    cycle = access_cycle(request, pk)
    form = ViewsRequestForm(
        request.POST or None, initial={"respondent": request.GET.get("respondent", "parent")}
    )
    if done := saved(request, form, partial(services.views_request_send, actor=request.user, cycle=cycle)):
        messages.success(request, _views_request_message(done))
        return redirect("send:cycle_detail", pk=cycle.pk)
    return cycle_form_page(request, form, cycle, title=f"Ask for views before {cycle.pupil}'s review")


def _views_request_message(done: ViewsRequest) -> str:
    """What really happened after commit: e-mailed, waiting for the background service, or failed."""
    if done.method == ViewsRequest.Method.EMAIL:
        email = done.email
        if outbox.is_waiting_for_broker(email):
            return "Saved. The e-mail will be sent when the background service is back."
        if email.status == Email.Status.SENT:
            return f"Request e-mailed to {done.sent_to}."
        if email.status == Email.Status.FAILED:
            return f"Saved, but it could not be e-mailed: {email.error} Try again from this page."
        return f"Saved. The request is waiting to be e-mailed to {done.sent_to}."
    progress = outbox.letters_progress([done.letter])
    if progress.queued:
        return "Saved. The letter will be ready when the background service is back."
    if progress.failed:
        return (
            "Request recorded, but its form could not be prepared: open it under "
            "\u201cViews before the review\u201d to try again."
        )
    if progress.pending:
        return (
            "Request recorded. Its form is being prepared: it is usually ready in a few seconds, "
            "under \u201cViews before the review\u201d, to print."
        )
    return (
        "Request recorded: print the form (under \u201cViews before the review\u201d) "
        "and send it home or use it with the pupil."
    )


VIEWS_COMPLETION_PER_PAGE = 25


@require_safe
@policy.capability_required(policy.MANAGE_SEND)
def views_completion(request):
    """The SENDCo's view across the school: each open review and whose views are in."""
    form = ViewsCompletionFilterForm(
        request.GET or None, classes=policy.classes_in_scope(request.user, request.school).order_by("name")
    )
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.views_completion_rows(
        user=request.user,
        school=request.school,
        registration_class=filters.get("registration_class"),
        missing_only=filters.get("missing_only", False),
    )
    page = paginate(request, rows, VIEWS_COMPLETION_PER_PAGE)
    return render(
        request,
        "send/views_completion.html",
        {"form": form, "page": page, "today": today()},
    )


def _access_views_request(request, pk) -> ViewsRequest:
    return policy.access_pupil_record(
        request.user,
        request.school,
        ViewsRequest.objects.filter(cycle__school=request.school).select_related("cycle__pupil", "contact"),
        pk,
        pupil_field="cycle__pupil",
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def views_record(request, pk):
    views_request_ = _access_views_request(request, pk)
    form = ViewsRecordForm(
        request.POST or None,
        initial={"views": views_request_.views, "received_on": views_request_.received_on or today()},
        versioned=(views_request_,),
    )
    if done := saved(
        request, form, partial(services.views_record, actor=request.user, request=views_request_)
    ):
        messages.success(request, f"{done.whose_views} recorded.")
        return redirect("send:cycle_detail", pk=views_request_.cycle_id)
    cycle = views_request_.cycle
    return cycle_form_page(request, form, cycle, title=f"{views_request_.whose_views} for {cycle.pupil}")


# --- PDFs -----------------------------------------------------------------------------------------------
@require_safe
@policy.capability_required(policy.VIEW_SEND)
def plan_pdf(request, pk):
    cycle = access_cycle(request, pk)
    record = getattr(cycle.pupil, "send_record", None) if hasattr(cycle.pupil, "send_record") else None
    pdf = render_pdf(
        "send/pdf/plan.html",
        {
            "cycle": cycle,
            "pupil": cycle.pupil,
            "school": request.school,
            "record": record,
            "targets": list(cycle.targets.current()),
        },
    )
    return pdf_response(pdf, f"{cycle.plan_type.lower()}-{cycle.pupil_id}-cycle-{cycle.number}.pdf")


@require_safe
@policy.capability_required(policy.VIEW_SEND)
def review_pdf(request, pk):
    cycle = access_cycle(request, pk)
    pdf = render_pdf(
        "send/pdf/review.html",
        {
            "cycle": cycle,
            "pupil": cycle.pupil,
            "school": request.school,
            "targets": list(cycle.targets.current()),
            "reviews": list(cycle.reviews.all()),
            "views": selectors.views_status(cycle),
        },
    )
    return pdf_response(pdf, f"review-{cycle.pupil_id}-cycle-{cycle.number}.pdf")
