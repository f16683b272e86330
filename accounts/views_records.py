"""Requests for a pupil's educational record and subject access requests.

The headteacher (acting for the data controller) records and manages requests and takes the export;
the DSL may read them. Every object comes through the policy access helpers, so another school's
request or pupil is a 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from school import policy
from school.editing import StaleEdit
from school.forms import add_service_errors
from school.pagination import paginate

from . import record_export, record_request_deadlines, record_request_status, selectors, services
from .forms import RecordItemDecisionForm, RecordRequestExtendForm, RecordRequestForm, RecordRequestMoveForm
from .models import RecordRequest

view_required = policy.capability_required(policy.VIEW_RECORD_REQUESTS)
manage_required = policy.capability_required(policy.MANAGE_RECORD_REQUESTS)
SHOW_CHOICES = {"open": "Open", "overdue": "Overdue", "all": "All"}


def _access_request(request, pk) -> RecordRequest:
    return policy.access_pupil_record(
        request.user, request.school, RecordRequest.objects.select_related("pupil", "school"), pk
    )


@require_GET
@view_required
def record_request_list(request):
    today = timezone.localdate()
    show = request.GET.get("show", "open")
    show = show if show in SHOW_CHOICES else "open"
    page = paginate(request, selectors.record_requests(request.school, today=today, show=show))
    return render(
        request,
        "accounts/record_requests/list.html",
        {"page": page, "show": show, "show_choices": SHOW_CHOICES, "today": today},
    )


@require_GET
@view_required
def record_request_panel(request, pk):
    pupil = policy.access_pupil(request.user, request.school, pk)
    return render(
        request,
        "accounts/record_requests/panel_pupil.html",
        {
            "pupil": pupil,
            "requests": selectors.pupil_record_requests(pupil)[:10],
            "today": timezone.localdate(),
        },
    )


def _recorded_message(created: RecordRequest, *, today) -> str:
    """A request recorded late may already be overdue: say so rather than "must be answered by" a
    past date."""
    due = f"{created.due_on:%-d %B %Y}"
    if created.due_on < today:
        return f"Request recorded. It was due by {due}: it is overdue."
    return f"Request recorded. It must be answered by {due}."


@require_http_methods(["GET", "HEAD", "POST"])
@manage_required
def record_request_create(request, pupil_id):
    pupil = policy.access_pupil(request.user, request.school, pupil_id)
    form = RecordRequestForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            created = services.record_request_create(
                actor=request.user, school=request.school, pupil=pupil, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _recorded_message(created, today=timezone.localdate()))
            return redirect("accounts:record_request_detail", pk=created.pk)
    return render(
        request,
        "accounts/record_requests/form.html",
        {"form": form, "pupil": pupil, "school_kind": request.school.get_kind_display()},
    )


@require_GET
@view_required
def record_request_detail(request, pk):
    record_request = _access_request(request, pk)
    can_manage = policy.can(request.user, request.school, policy.MANAGE_RECORD_REQUESTS)
    decisions = dict(record_request.decisions.values_list("item_key", "decision"))
    flagged = []
    if can_manage:  # the review list shows the flagged content: the export's own readers only
        flagged = [
            {"section": sec, "item": item, "decision": decisions.get(item.key, "")}
            for sec, item in record_export.flagged_items(record_export.gather(record_request.pupil))
        ]
    rule = record_request_deadlines.rule_for(kind=record_request.kind, school_kind=request.school.kind)
    return render(
        request,
        "accounts/record_requests/detail.html",
        {
            "record_request": record_request,
            "events": record_request.events.select_related("by"),
            "rule": rule,
            "can_manage": can_manage,
            "can_extend": not services.extension_refusal(record_request, today=timezone.localdate()),
            "flagged": flagged,
            "to_review": sum(1 for row in flagged if not row["decision"]),
            "move_form": RecordRequestMoveForm(current_status=record_request.status),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@manage_required
def record_request_edit(request, pk):
    record_request = _access_request(request, pk)
    form = RecordRequestForm(request.POST or None, instance=record_request)
    closed = record_request_status.closed_message(record_request.status)
    if request.method == "POST" and not closed and form.is_valid():
        try:
            services.record_request_change(actor=request.user, request=record_request, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Request details saved.")
            return redirect("accounts:record_request_detail", pk=record_request.pk)
    return render(
        request,
        "accounts/record_requests/form.html",
        {
            "form": form,
            "pupil": record_request.pupil,
            "record_request": record_request,
            "school_kind": request.school.get_kind_display(),
            "closed": closed,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@manage_required
def record_request_extend(request, pk):
    record_request = _access_request(request, pk)
    form = RecordRequestExtendForm(request.POST or None)
    refusal = services.extension_refusal(record_request, today=timezone.localdate())
    # A POST reaches the service even when the page would now refuse, so the person whose page was
    # opened before someone else extended the deadline is told who did it (school.editing).
    if request.method == "POST" and form.is_valid():
        try:
            extended = services.record_request_extend(
                actor=request.user, request=record_request, reason=form.cleaned_data["reason"]
            )
        except StaleEdit as error:
            refusal = error.message
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Deadline extended to {extended.due_on:%-d %B %Y}.")
            return redirect("accounts:record_request_detail", pk=record_request.pk)
    return render(
        request,
        "accounts/record_requests/extend.html",
        {"form": form, "record_request": record_request, "refusal": refusal},
    )


@require_POST
@manage_required
def record_request_move(request, pk):
    record_request = _access_request(request, pk)
    form = RecordRequestMoveForm(request.POST, current_status=record_request.status)
    if form.is_valid():
        try:
            moved = services.record_request_move(
                actor=request.user,
                request=record_request,
                to_status=form.cleaned_data["to_status"],
                note=form.cleaned_data["note"],
                expected_status=form.cleaned_data["expected_status"] or None,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"Request marked {moved.get_status_display().lower()}.")
    else:
        messages.error(request, "Choose one of the next steps offered.")
    return redirect("accounts:record_request_detail", pk=record_request.pk)


@require_POST
@manage_required
def record_item_decide(request, pk):
    record_request = _access_request(request, pk)
    form = RecordItemDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.record_item_decide(actor=request.user, request=record_request, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, "Decision saved.")
    else:
        messages.error(request, "Choose release or withhold.")
    return redirect("accounts:record_request_detail", pk=record_request.pk)


@require_GET
@manage_required
def record_request_export(request, pk):
    """One click: a zip holding the PDF and the JSON, built now, served only through this view."""
    record_request = _access_request(request, pk)
    filename, content, _ = services.record_request_export(actor=request.user, request=record_request)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
