"""Follow-up tasks from a triage: done (from My work), withdrawn with a reason, restored."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from school import policy
from school.forms import WithdrawForm, apply_service

from .. import selectors_tasks, services
from ..forms import FollowUpTaskDoneForm


def _access_task(request, pk):
    tasks = selectors_tasks.follow_up_tasks_reachable(user=request.user, school=request.school)
    return policy.access_pupil_record(
        request.user, request.school, tasks.select_related("pupil", "concern", "school"), pk
    )


def _back(request, task) -> str:
    """Where the user came from (My work) when it is a page of this site, else the concern."""
    wanted = request.POST.get("next", "")
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("send:concern_detail", args=[task.concern_id])


@require_POST
@policy.capability_required(policy.VIEW_SEND)
def task_done(request, pk):
    task = _access_task(request, pk)
    form = FollowUpTaskDoneForm(request.POST)
    if form.is_valid() and apply_service(
        form,
        lambda: services.follow_up_task_done(actor=request.user, task=task, note=form.cleaned_data["note"]),
    ):
        messages.success(request, f"Marked as done: {task.get_kind_display()} ({task.pupil}).")
    else:  # already done by someone else, or the note too long: say so, and leave it as it is
        problems = [m for field in form.errors.values() for m in field]
        messages.error(request, "Not marked as done. " + " ".join(problems))
    return redirect(_back(request, task))


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def task_withdraw(request, pk):
    task = _access_task(request, pk)
    back = reverse("send:concern_detail", args=[task.concern_id])
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if apply_service(
            form,
            lambda: services.follow_up_task_withdraw(
                actor=request.user, task=task, reason=form.cleaned_data["reason"]
            ),
        ):
            messages.success(
                request, "Task withdrawn. The SENDCo or the headteacher can restore it within 30 days."
            )
            return redirect(back)
    return render(
        request,
        "school/withdraw_confirm.html",
        {"form": form, "kind": "task", "thing": task, "back": back, "pupil": task.pupil},
    )


@require_POST
@policy.capability_required(policy.MANAGE_SEND)
def task_restore(request, pk):
    task = _access_task(request, pk)
    try:
        services.follow_up_task_restore(actor=request.user, task=task)
    except ValidationError as exc:  # done since, or past the 30 days: said on the page
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Task restored.")
    return redirect("send:concern_detail", pk=task.concern_id)
