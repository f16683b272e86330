"""The office's absence work: first-day calls, the N queue, absence calls, leave, and amending a mark."""

from __future__ import annotations

import uuid
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from school import policy
from school.calendar import SchoolCalendar
from school.forms import add_service_errors
from school.models import Session
from school.submissions import create_once
from school.withdrawal import can_restore, restorable_since
from school.withdrawal_views import restore_action, withdraw_page

from .. import selectors, selectors_calls, services
from ..filters import LeaveFilter, NQueueFilter
from ..forms import (
    AbsenceCallForm,
    AmendMarkForm,
    CallAttemptForm,
    LeaveDecisionForm,
    LeaveRequestForm,
    NConvertForm,
)
from ..models import AbsenceCall, CallAttempt, LeaveRequest, RegisterMark
from .common import paginate, register_classes


@policy.capability_required(policy.MANAGE_ATTENDANCE)
@require_safe
def office_dashboard(request):
    school = request.school
    calendar = SchoolCalendar.for_school(school)
    today = timezone.localdate()
    queue = selectors.n_queue(school=school)
    restore_since = restorable_since(now=timezone.now())
    return render(
        request,
        "attendance/office_dashboard.html",
        {
            "today": today,
            "is_school_day": calendar.is_school_day(today),
            "calls_to_make": _with_tokens(
                selectors_calls.first_day_calls(
                    school=school,
                    day=today,
                    now=timezone.localtime(),
                    calendar=calendar,
                    see_safeguarding=policy.can_see_safeguarding(request.user, school),
                )
            ),
            "outcomes": CallAttempt.Outcome.choices,
            "n_total": queue.count(),
            "n_counts": selectors.n_deadline_counts(school=school, calendar=calendar, today=today),
            "oldest": selectors.with_ages(queue[:10], calendar=calendar, today=today),
            "not_taken": selectors.registers_not_taken(
                classes=register_classes(request.user, school),
                day=today,
                calendar=calendar,
                now=timezone.localtime(),
            ),
            "pending_leave": selectors.leave_requests(school=school, status=LeaveRequest.Status.REQUESTED)[
                :10
            ],
            "recent_calls": AbsenceCall.objects.current()
            .filter(school=school)
            .select_related("pupil", "caller_contact")[:10],
            # Withdrawn in the last 30 days: the ones that can still be restored.
            "withdrawn_calls": list(
                AbsenceCall.objects.withdrawn()
                .filter(school=school, withdrawn_at__gte=restore_since)
                .select_related("pupil", "caller_contact", "withdrawn_by")
                .order_by("-withdrawn_at")
            ),
            "restore_since": restore_since,
            "can_restore": can_restore(request.user, school),
        },
    )


def _with_tokens(calls: list[dict]) -> list[dict]:
    """A one-time token for each contact's attempt buttons, so a double click records one attempt."""
    for item in calls:
        for contact in item["contacts"]:
            contact["token"] = uuid.uuid4()
    return calls


@policy.capability_required(policy.MANAGE_ATTENDANCE)
@require_POST
def call_attempt_new(request, pupil_id):
    school = request.school
    pupil = policy.access_pupil(request.user, school, pupil_id)
    form = CallAttemptForm(request.POST, pupil=pupil)
    if not form.is_valid():
        messages.error(request, "Nothing recorded: choose one of the pupil's contacts and what happened.")
        return redirect("attendance:office_dashboard")
    try:
        attempt = create_once(
            request,
            form,
            lambda data: services.call_attempt_record(
                actor=request.user,
                school=school,
                pupil=pupil,
                contact=data["contact"],
                outcome=data["outcome"],
                absence_date=data["absence_date"],
            ),
        )
    except ValidationError as exc:
        messages.error(request, "Nothing recorded. " + " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"{pupil}: {attempt.get_outcome_display().lower()} ({attempt.contact_name}) "
            f"recorded at {timezone.localtime(attempt.made_at):%H:%M}.",
        )
    return redirect(f"{reverse('attendance:office_dashboard')}#calls-{pupil.pk}")


@policy.capability_required(policy.MANAGE_ATTENDANCE)
@require_safe
def n_queue(request):
    school = request.school
    calendar = SchoolCalendar.for_school(school)
    today = timezone.localdate()
    filters = NQueueFilter(request.GET or None, queryset=selectors.n_queue(school=school), school=school)
    page = paginate(request, selectors.n_queue_pupil_order(filters.qs))
    rows = selectors.n_queue_pupils(
        marks=filters.qs.filter(pupil_id__in=[row["pupil_id"] for row in page.object_list]),
        calendar=calendar,
        today=today,
    )
    return render(
        request,
        "attendance/n_queue.html",
        {
            "filter": filters,
            "page": page,
            "rows": rows,
            "limit": services.N_AGE_LIMIT,
            "counts": selectors.n_deadline_counts(school=school, calendar=calendar, today=today),
            "default_reason": services.N_TO_O_REASON,
        },
    )


@policy.capability_required(policy.MANAGE_ATTENDANCE)
@require_POST
def n_convert_bulk(request):
    school = request.school
    form = NConvertForm(request.POST)
    if not form.is_valid():
        problems = [e for errors in form.errors.values() for e in errors]
        messages.error(request, "Nothing changed. " + " ".join(problems))
        return redirect("attendance:n_queue")
    # Only marks of pupils this user may see; the service then checks each is N and due.
    mark_ids = policy.scoped_to_pupils(
        request.user, school, RegisterMark.objects.filter(pk__in=form.cleaned_data["absence"])
    ).values_list("pk", flat=True)
    try:
        result = services.n_marks_convert_to_o(
            actor=request.user, school=school, mark_ids=list(mark_ids), reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        messages.error(request, "Nothing changed. " + " ".join(exc.messages))
        return redirect("attendance:n_queue")
    asked = len(form.cleaned_data["absence"])
    for level, text in _convert_messages(result, reason=form.cleaned_data["reason"], asked=asked):
        messages.add_message(request, level, text)
    return redirect("attendance:n_queue")


def _convert_messages(result, *, reason: str, asked: int) -> list[tuple[int, str]]:
    """What the bulk change to O did, in words that never call nothing a success.

    With no session changed the page says so and why (still within the 5 school days, recoded by
    someone else first, or no longer in the queue), as a warning, not as "0 sessions are now O".
    """
    done, young, taken = len(result.converted), len(result.not_due), result.already_changed
    gone = max(asked - done - young - taken, 0)
    why = []
    if young:
        why.append(
            ngettext(
                "%d session is still within its 5 school days, so it stays N",
                "%d sessions are still within their 5 school days, so they stay N",
                young,
            )
            % young
        )
    if taken:
        why.append(
            ngettext(
                "%d already had another code",
                "%d already had another code",
                taken,
            )
            % taken
        )
    if gone:
        why.append(
            ngettext(
                "%d is no longer in the N queue",
                "%d are no longer in the N queue",
                gone,
            )
            % gone
        )
    if not done:
        return [
            (messages.WARNING, "Nothing was changed: " + ("; ".join(why) or "no session was ticked") + ".")
        ]
    text = ngettext("%d session is now O (unauthorised)", "%d sessions are now O (unauthorised)", done) % done
    # The reason's own full stop, if it has one, ends the sentence (not "... days.”.").
    said = [(messages.SUCCESS, f"{text}, with the reason \u201c{reason.rstrip('.')}\u201d.")]
    if why:
        said.append((messages.WARNING, "Not changed: " + "; ".join(why) + "."))
    return said


@policy.capability_required(policy.MANAGE_ATTENDANCE)
@require_http_methods(["GET", "POST"])
def absence_call_new(request, pupil_id):
    school = request.school
    pupil = policy.access_pupil(request.user, school, pupil_id)
    form = AbsenceCallForm(request.POST or None, pupil=pupil, initial=_call_initial(request.GET))
    if request.method == "POST" and form.is_valid():
        outcome = {}

        def record(data):
            outcome["call"], outcome["result"] = services.absence_call_record(
                actor=request.user,
                school=school,
                pupil=pupil,
                caller_contact=data["caller_contact"].contact if data["caller_contact"] else None,
                caller_name=data["caller_name"],
                method=data["method"],
                reason=data["reason"],
                code=data["code"],
                first_date=data["first_date"],
                first_session=data["first_session"],
                last_date=data["last_date"],
                last_session=data["last_session"],
                expected_return=data["expected_return"],
            )
            return outcome["call"]

        try:
            create_once(request, form, record)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if "result" not in outcome:  # the same call, sent twice: recorded once, said so above
                return redirect("attendance:office_dashboard")
            call, result = outcome["call"], outcome["result"]
            sessions = ngettext("%d session", "%d sessions", result.recorded) % result.recorded
            text = f"Call recorded for {pupil}: {sessions} coded {call.code}."
            if result.amended:  # only when an N really changed: never "0 N changed"
                text += " " + ngettext("%d N mark became %s.", "%d N marks became %s.", result.amended) % (
                    result.amended,
                    call.code,
                )
            if result.kept:
                text += (
                    " Kept as they were: "
                    + ", ".join(f"{m.date:%-d %b} {m.session} ({m.code})" for m in result.kept)
                    + "."
                )
            messages.success(request, text)
            return redirect("attendance:office_dashboard")
    return render(
        request,
        "attendance/absence_call_form.html",
        {"form": form, "pupil": pupil},
        status=400 if form.errors else 200,
    )


def _access_call(request, pk, queryset) -> AbsenceCall:
    return policy.access_pupil_record(
        request.user,
        request.school,
        queryset.filter(school=request.school).select_related("pupil"),
        pk,
    )


def _call_back(params, call: AbsenceCall) -> str:
    """Back to the office's page the call was withdrawn or restored from, else the pupil's attendance."""
    if params.get("from") == "office":
        return reverse("attendance:office_dashboard")
    return reverse("attendance:pupil_attendance", args=[call.pupil_id])


#: Said on the confirmation page: a withdrawal takes the call out of lists, counts and the nightly
#: checks, but the register is the statutory record and changes only through an amendment.
CALL_MARKS_STAY = (
    "The register marks this call coded stay as they are. If they are wrong, change them on the "
    "pupil's attendance page, giving the reason."
)


@policy.capability_required(policy.MANAGE_ATTENDANCE)
@require_http_methods(["GET", "POST"])
def absence_call_withdraw(request, pk):
    call = _access_call(request, pk, AbsenceCall.objects.current())
    return withdraw_page(
        request,
        obj=call,
        kind="absence call",
        back=_call_back(request.GET, call),
        pupil=call.pupil,
        note=CALL_MARKS_STAY,
    )


@policy.capability_required(policy.VIEW_PUPILS)
@require_POST
def absence_call_restore(request, pk):
    """The SENDCo or the headteacher (withdrawal.RESTORERS); anyone else is refused (403)."""
    if not can_restore(request.user, request.school):
        raise PermissionDenied
    call = _access_call(request, pk, AbsenceCall.objects.all())  # restored already: said, not 404
    return restore_action(request, obj=call, kind="absence call", back=_call_back(request.POST, call))


def _call_initial(params) -> dict:
    """Today by default; from the N queue (?date=&session=), the date and session of the N explained."""
    try:
        day = date.fromisoformat(params.get("date", ""))
    except ValueError:
        day = timezone.localdate()
    initial = {"first_date": day, "last_date": day, "code": "I"}
    if params.get("session") in Session.values:
        initial |= {"first_session": params["session"], "last_session": params["session"]}
    # From the N queue's "record reason" for a whole absence: its last session too.
    try:
        last = date.fromisoformat(params.get("last_date", ""))
    except ValueError:
        last = None
    if last is not None and last >= day:
        initial["last_date"] = last
        if params.get("last_session") in Session.values:
            initial["last_session"] = params["last_session"]
    return initial


@policy.capability_required(policy.MANAGE_ATTENDANCE)
@require_safe
def leave_list(request):
    school = request.school
    filters = LeaveFilter(request.GET or None, queryset=selectors.leave_requests(school=school))
    page = paginate(request, filters.qs)
    calendar = SchoolCalendar.for_school(school)
    return render(
        request,
        "attendance/leave_list.html",
        {
            "filter": filters,
            "page": page,
            # What the head weighs: the pupil's attendance this year and the requests before this one.
            "leaves": selectors.leave_decision_context(
                leaves=list(page.object_list), calendar=calendar, today=timezone.localdate()
            ),
            "can_decide": policy.can(request.user, school, policy.DECIDE_LEAVE),
            "decision_form": LeaveDecisionForm(),
        },
    )


@policy.capability_required(policy.MANAGE_ATTENDANCE)
@require_http_methods(["GET", "POST"])
def leave_new(request, pupil_id):
    school = request.school
    pupil = policy.access_pupil(request.user, school, pupil_id)
    form = LeaveRequestForm(request.POST or None, pupil=pupil)
    if request.method == "POST" and form.is_valid():
        try:
            create_once(
                request,
                form,
                lambda data: services.leave_request_create(
                    actor=request.user, school=school, pupil=pupil, **data
                ),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            text = f"Leave request for {pupil} recorded; the headteacher decides."
            if form.cleaned_data.get("retrospective"):
                text += " It was recorded after the event, so granting it will code no sessions."
            messages.success(request, text)
            return redirect("attendance:leave_list")
    return render(
        request,
        "attendance/leave_form.html",
        {"form": form, "pupil": pupil},
        status=400 if form.errors else 200,
    )


def _decide(request, leave_id, status):
    school = request.school
    leave = policy.access_pupil_record(request.user, school, LeaveRequest.objects.all(), leave_id)
    form = LeaveDecisionForm(request.POST)
    if not form.is_valid():  # never decide without the note the head typed
        messages.error(request, "Nothing decided. " + " ".join(form.errors.get("note", [])))
        return redirect("attendance:leave_list")
    try:
        leave, result = services.leave_request_decide(
            actor=request.user,
            leave_request=leave,
            status=status,
            note=form.cleaned_data.get("note", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        text = f"Leave for {leave.pupil} {leave.get_status_display().lower()}."
        if result is not None:
            coded = result.recorded + result.amended
            text += " " + ngettext("%d session", "%d sessions", coded) % coded + f" coded {leave.code}."
        elif leave.retrospective and leave.status == LeaveRequest.Status.GRANTED:
            text += " It was recorded after the event, so no sessions were coded: the register is unchanged."
        messages.success(request, text)
    return redirect("attendance:leave_list")


@policy.capability_required(policy.DECIDE_LEAVE)
@require_POST
def leave_grant(request, leave_id):
    return _decide(request, leave_id, LeaveRequest.Status.GRANTED)


@policy.capability_required(policy.DECIDE_LEAVE)
@require_POST
def leave_refuse(request, leave_id):
    return _decide(request, leave_id, LeaveRequest.Status.REFUSED)


@policy.capability_required(policy.VIEW_PUPILS)
@require_http_methods(["GET", "POST"])
def mark_amend(request, mark_id):
    school = request.school
    mark = policy.access_pupil_record(
        request.user, school, RegisterMark.objects.select_related("pupil", "updated_by"), mark_id
    )
    # The register the mark belongs to is the pupil's class on the mark's day.
    class_id = selectors.class_id_on(mark.pupil, mark.date)
    if not register_classes(request.user, school).filter(pk=class_id).exists():
        raise PermissionDenied
    form = AmendMarkForm(
        request.POST or None,
        initial={
            "code": mark.code,
            "minutes_late": mark.minutes_late,
            "version": mark.version,
        },
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.mark_amend(
                actor=request.user,
                mark=mark,
                code=data["code"],
                minutes_late=data["minutes_late"],
                reason=data["reason"],
                expected_version=data["version"],
            )
        except services.RegisterConflict as exc:
            change = exc.changes[0]
            form.add_error(
                None,
                f"{change.changed_by} changed this mark to {change.code} while you were "
                "editing. Check it and try again.",
            )
            status = 409
            form.data = form.data.copy()
            form.data["version"] = change.version
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Mark changed for {mark.pupil}.")
            return redirect("attendance:pupil_attendance", mark.pupil_id)
    if form.errors and status == 200:
        status = 400
    history = mark.amendments.all()
    return render(
        request, "attendance/mark_amend.html", {"form": form, "mark": mark, "history": history}, status=status
    )
