"""Meeting pages: plan a meeting from a pupil or case, record it (the seed's Appendix 5 record), add
and review SMART targets, produce its letters, print the record, and the case page's Meetings panel.

Who may do what: VIEW_CASES roles read meetings of pupils in their scope (`_readable_pupils`, the one
read helper; the key-adult rule extends it there). Attendance meetings (initial concerns, SAM, SAP)
are planned and recorded by MANAGE_CASES roles; a joint SENDCo review by MANAGE_SEND or MANAGE_CASES
(`kinds_managed_by`). Out-of-scope pupils and meetings are 404; a role that may not manage a kind 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from school import audit, editing, policy
from school.forms import apply_service
from school.pagination import paginate

from . import meetings, outbox, rendering, selectors_meetings
from .forms_meetings import (
    CancelForm,
    MeetingLetterForm,
    MeetingPlanForm,
    MeetingRecordForm,
    NotAttendedForm,
    TargetForm,
    TargetReviewForm,
)
from .models_meetings import Meeting, MeetingTarget
from .selectors import letters_for

PANEL_SIZE = 8
PAGE_SIZE = 50


# --- access ----------------------------------------------------------------------------------------
def _readable_pupils(request):
    """The pupils whose meetings this user may read (the one read rule for every meeting page): every
    pupil in scope for a VIEW_CASES role; for a case's key adult, the pupils of their own cases
    (policy.pupils_with, KEY_ADULT_CAPABILITIES); anyone else is refused (403)."""
    pupils = policy.pupils_with(request.user, request.school, policy.VIEW_CASES)
    if not policy.can(request.user, request.school, policy.VIEW_CASES) and not pupils.exists():
        raise PermissionDenied
    return pupils


def _pupil(request, pk):
    return _get_or_404(_readable_pupils(request), pk)


def _get_or_404(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404("Not found.") from None


def _meeting(request, pk) -> Meeting:
    qs = Meeting.objects.filter(school=request.school, pupil__in=_readable_pupils(request))
    return _get_or_404(
        qs.select_related("pupil", "pupil__registration_class", "created_by", "recorded_by"), pk
    )


def kinds_managed_by(user, school) -> list[str]:
    """The kinds of meeting this user may plan and record."""
    if policy.can(user, school, policy.MANAGE_CASES):
        return list(Meeting.Kind.values)
    if policy.can(user, school, policy.MANAGE_SEND):
        return [Meeting.Kind.SEND_REVIEW]
    return []


def _managed_meeting(request, pk) -> Meeting:
    meeting = _meeting(request, pk)
    if meeting.kind not in kinds_managed_by(request.user, request.school):
        raise PermissionDenied
    return meeting


# --- plan ------------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.VIEW_CASES)
def meeting_plan(request, pk):
    """Plan a meeting for a pupil (pk: the pupil). ?kind=send_review opens it on the joint review."""
    pupil = _pupil(request, pk)
    kinds = kinds_managed_by(request.user, request.school)
    if not kinds:
        raise PermissionDenied
    if request.method == "POST":
        form = MeetingPlanForm(request.POST, kinds=kinds)
        if form.is_valid():
            data = _without_token(dict(form.cleaned_data))
            produced = []

            def plan():
                meeting, letters = meetings.meeting_plan(actor=request.user, pupil=pupil, **data)
                produced.append(letters)
                return meeting

            meeting = apply_service(form, plan, actor=request.user)
            if meeting is not None:
                produced = produced[0] if produced else None
                messages.success(
                    request, f"{meeting.get_kind_display()} planned for {meeting.planned_on:%-d %B %Y}."
                )
                _say_letters(request, produced)
                if meeting.is_joint_review and meeting.planned_on <= timezone.localdate():
                    # Held today or earlier: straight on to recording it and its outcome.
                    return redirect("letters:meeting_record", pk=meeting.pk)
                return redirect("letters:meeting_detail", pk=meeting.pk)
    else:
        kind = request.GET.get("kind")
        form = MeetingPlanForm(
            kinds=kinds,
            initial={"kind": kind if kind in kinds else kinds[0], "planned_on": timezone.localdate()},
        )
    status = 400 if form.is_bound else 200
    planned = selectors_meetings.meetings_of(school=request.school, pupil=pupil).filter(
        status=Meeting.Status.PLANNED
    )
    context = {"form": form, "pupil": pupil, "planned": list(planned)}
    return render(request, "letters/meetings/plan.html", context, status=status)


def _without_token(data: dict) -> dict:
    data.pop("submission_token", None)
    return data


def _say_letters(request, produced) -> None:
    if produced is None:
        return
    if produced.refused:
        messages.warning(request, f"No letter was written: {produced.refused}")
    elif produced.count:
        n = produced.count
        progress = outbox.letters_progress(produced.letters)
        written = f"{n} letter{'s' if n != 1 else ''} written (one for each address). "
        messages.add_message(request, progress.level, written + progress.sentence())


# --- read ------------------------------------------------------------------------------------------
@require_safe
@policy.capability_required(policy.VIEW_PUPILS)
def meeting_detail(request, pk):
    meeting = _meeting(request, pk)
    return _render_detail(request, meeting)


def _render_detail(request, meeting, *, target_form=None, status=200):
    today = timezone.localdate()
    managed = meeting.kind in kinds_managed_by(request.user, request.school)
    targets = list(meeting.targets.select_related("reviewed_by"))
    available = meetings.letters_available(meeting)
    context = {
        "meeting": meeting,
        "pupil": meeting.pupil,
        "targets": targets,
        "due": [t for t in targets if t.status == MeetingTarget.Status.OPEN and t.review_on <= today],
        "history": list(meeting.status_events.select_related("by")),
        "can_manage": managed,
        "target_form": target_form or TargetForm(),
        "letter_form": MeetingLetterForm(available=available) if managed and available else None,
        # The letters it wrote that this user may open (letters_for: kinds, scope, legal steps).
        "letters": list(
            letters_for(user=request.user, school=request.school, pupil=meeting.pupil).filter(meeting=meeting)
        ),
        "today": today,
        "case": _open_case_pk(meeting.pupil),
    }
    return render(request, "letters/meetings/detail.html", context, status=status)


def _open_case_pk(pupil):
    # The case page is graduated_response's; letters reaches it by URL name and the reverse relation.
    case = pupil.cases.filter(status="open").values_list("pk", flat=True).first()
    return case


@require_safe
@policy.capability_required(policy.VIEW_PUPILS)
def meeting_pdf(request, pk):
    """The meeting record as an A4 PDF (to give parents a copy whether they came or not)."""
    meeting = _meeting(request, pk)
    pdf = rendering.render_pdf(
        "letters/pdf/meeting_record.html",
        {
            "meeting": meeting,
            "pupil": meeting.pupil,
            "school": request.school,
            "targets": list(meeting.targets.all()),
            "sen_label": meeting.pupil.get_sen_provision_display(),
        },
    )
    audit.record_view(actor=request.user, obj=meeting, action="letters.meeting.printed")
    return rendering.pdf_response(pdf, f"meeting-{meeting.pupil_id}-{meeting.pk}.pdf")


@require_safe
@policy.capability_required(policy.VIEW_PUPILS)
def panel_case_meetings(request, pk):
    """The Meetings panel on a case page (pk: the pupil): meetings, due targets, and actions."""
    pupil = _pupil(request, pk)
    today = timezone.localdate()
    listed = list(selectors_meetings.meetings_of(school=request.school, pupil=pupil)[: PANEL_SIZE + 1])
    kinds = kinds_managed_by(request.user, request.school)
    return render(
        request,
        "letters/meetings/panel_case.html",
        {
            "pupil": pupil,
            "meetings": listed[:PANEL_SIZE],
            "more": len(listed) > PANEL_SIZE,
            "due": list(selectors_meetings.targets_due(school=request.school, on=today, pupil=pupil)),
            "can_plan": bool(kinds),
            "can_plan_attendance": Meeting.Kind.SAM in kinds,
        },
    )


@require_safe
@policy.capability_required(policy.VIEW_PUPILS)
def meeting_list(request):
    """The School Attendance Meetings and Panels of the pupils this user may read, planned ones first
    (soonest first), then the rest (newest first): where Letters 2 and 3 and their follow-ups are
    written, each from its meeting (a batch does not offer them: letters/views_batches.py says why)."""
    meetings_qs = selectors_meetings.meetings_in(
        school=request.school, pupils=_readable_pupils(request)
    ).filter(kind__in=[Meeting.Kind.SAM, Meeting.Kind.SAP])
    planned = meetings_qs.filter(status=Meeting.Status.PLANNED).order_by("planned_on", "planned_time", "id")
    other = meetings_qs.exclude(status=Meeting.Status.PLANNED).order_by("-planned_on", "-id")
    return render(
        request,
        "letters/meetings/list.html",
        {
            "planned": paginate(request, planned, PAGE_SIZE, param="planned_page"),
            "other": paginate(request, other, PAGE_SIZE, param="page"),
        },
    )


@require_safe
@policy.capability_required(policy.VIEW_PUPILS)
def targets_due_list(request):
    """Targets that come up for review today or are overdue, across the pupils this user may read."""
    today = timezone.localdate()
    targets = selectors_meetings.targets_due(school=request.school, on=today).filter(
        meeting__pupil__in=_readable_pupils(request)
    )
    return render(
        request, "letters/meetings/targets_due.html", {"targets": list(targets[:200]), "today": today}
    )


# --- record ----------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.VIEW_CASES)
def meeting_record(request, pk):
    """Record a planned meeting as held (GET: the empty record; POST: save it)."""
    meeting = _managed_meeting(request, pk)
    if meeting.status != Meeting.Status.PLANNED:
        return redirect(
            "letters:meeting_edit" if meeting.status == Meeting.Status.HELD else "letters:meeting_detail",
            pk=meeting.pk,
        )
    form = MeetingRecordForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        data = _record_data(form)
        done = apply_service(
            form,
            lambda: meetings.meeting_record_held(actor=request.user, meeting=meeting, **data),
            actor=request.user,
        )
        if done is not None:
            messages.success(request, "The meeting record is saved.")
            return redirect("letters:meeting_detail", pk=meeting.pk)
    return _render_record(request, meeting, form)


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.VIEW_CASES)
def meeting_edit(request, pk):
    """Correct the record of a held meeting (refused if someone saved it after you opened it)."""
    meeting = _managed_meeting(request, pk)
    if meeting.status != Meeting.Status.HELD:
        return redirect("letters:meeting_detail", pk=meeting.pk)
    form = MeetingRecordForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        data = _record_data(form)
        version = data.pop(editing.FIELD_NAME, None)
        done = apply_service(
            form,
            lambda: meetings.meeting_record_update(
                actor=request.user, meeting=meeting, expected_version=version, **data
            ),
            actor=request.user,
        )
        if done is not None:
            messages.success(request, "The meeting record is saved.")
            return redirect("letters:meeting_detail", pk=meeting.pk)
    return _render_record(request, meeting, form)


def _record_data(form) -> dict:
    data = dict(form.cleaned_data)
    data.pop("submission_token", None)
    if not form.instance.is_joint_review:
        data.pop("outcome", None)
        data.pop("outcome_note", None)
    return data


def _render_record(request, meeting, form):
    status = 400 if form.is_bound else 200
    return render(
        request,
        "letters/meetings/record.html",
        {"meeting": meeting, "pupil": meeting.pupil, "form": form},
        status=status,
    )


def _move_page(request, meeting, form, *, template, run, success):
    if request.method == "GET" and meeting.status != Meeting.Status.PLANNED:
        messages.info(request, f"This meeting is {meeting.get_status_display().lower()} already.")
        return redirect("letters:meeting_detail", pk=meeting.pk)
    if request.method == "POST" and form.is_valid():
        done = apply_service(form, lambda: run(form.cleaned_data), actor=request.user)
        if done is not None:
            messages.success(request, success)
            if isinstance(done, tuple):
                _say_letters(request, done[1])
            return redirect("letters:meeting_detail", pk=meeting.pk)
    status = 400 if form.is_bound else 200
    return render(
        request, template, {"meeting": meeting, "pupil": meeting.pupil, "form": form}, status=status
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.VIEW_CASES)
def meeting_not_attended(request, pk):
    """Record that the parents did not come; after a SAM or a SAP this writes the 2a / 3a letters."""
    meeting = _managed_meeting(request, pk)
    form = NotAttendedForm(request.POST or None)
    return _move_page(
        request,
        meeting,
        form,
        template="letters/meetings/not_attended.html",
        run=lambda data: meetings.meeting_record_not_attended(
            actor=request.user, meeting=meeting, note=data["note"], send_letter=data["send_letter"]
        ),
        success="Recorded: the parents did not attend.",
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.VIEW_CASES)
def meeting_cancel(request, pk):
    meeting = _managed_meeting(request, pk)
    form = CancelForm(request.POST or None)
    return _move_page(
        request,
        meeting,
        form,
        template="letters/meetings/cancel.html",
        run=lambda data: meetings.meeting_cancel(actor=request.user, meeting=meeting, reason=data["reason"]),
        success="The meeting is cancelled.",
    )


# --- targets ---------------------------------------------------------------------------------------
@require_POST
@policy.capability_required(policy.VIEW_CASES)
def meeting_target_add(request, pk):
    meeting = _managed_meeting(request, pk)
    form = TargetForm(request.POST)
    if form.is_valid():
        data = _without_token(dict(form.cleaned_data))
        done = apply_service(
            form,
            lambda: meetings.meeting_target_add(actor=request.user, meeting=meeting, **data),
            actor=request.user,
        )
        if done is not None:
            messages.success(request, "Target added.")
            return redirect("letters:meeting_detail", pk=meeting.pk)
    return _render_detail(request, meeting, target_form=form, status=400)


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.VIEW_CASES)
def target_review(request, pk):
    qs = MeetingTarget.objects.filter(
        meeting__school=request.school, meeting__pupil__in=_readable_pupils(request)
    ).select_related("meeting", "meeting__pupil")
    target = _get_or_404(qs, pk)
    meeting = target.meeting
    if meeting.kind not in kinds_managed_by(request.user, request.school):
        raise PermissionDenied
    form = TargetReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = apply_service(
            form,
            lambda: meetings.target_review(
                actor=request.user,
                target=target,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            ),
            actor=request.user,
        )
        if done is not None:
            messages.success(request, f"Target reviewed: {done.get_status_display().lower()}.")
            return redirect("letters:meeting_detail", pk=meeting.pk)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "letters/meetings/target_review.html",
        {"target": target, "meeting": meeting, "pupil": meeting.pupil, "form": form},
        status=status,
    )


# --- letters ---------------------------------------------------------------------------------------
@require_POST
@policy.capability_required(policy.VIEW_CASES)
def meeting_letters(request, pk):
    """Write the chosen letter of this meeting (invitation, did not attend, targets confirmation,
    targets met) for every addressee."""
    meeting = _managed_meeting(request, pk)
    form = MeetingLetterForm(request.POST, available=meetings.letters_available(meeting))
    if not form.is_valid():
        messages.error(request, "This meeting cannot produce that letter now.")
        return redirect("letters:meeting_detail", pk=meeting.pk)
    try:
        produced = meetings.meeting_letters_produce(
            actor=request.user, meeting=meeting, purpose=form.cleaned_data["purpose"]
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        _say_letters(request, produced)
    return redirect("letters:meeting_detail", pk=meeting.pk)
