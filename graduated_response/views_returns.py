"""Returns to the local authority: the list (open or sent), one return's contents with "record as
sent", the "check now" button, and the monthly attendance return as CSV. The attendance officer, the
office and the headteacher (MANAGE_ATTENDANCE) make the returns."""

from __future__ import annotations

import csv
from functools import partial

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from school import audit, policy
from school.forms import apply_service
from school.pagination import paginate

from . import la_returns, returns_selectors, returns_services
from .forms_returns import LAReturnSentForm, MonthForm, PreviousSchoolSettingForm
from .models import ResponseSettings
from .models_returns import LAReturn

MANAGE = policy.MANAGE_ATTENDANCE


def _return(request, pk) -> LAReturn:
    return policy.access_pupil_record(
        request.user,
        request.school,
        LAReturn.objects.filter(school=request.school).select_related("pupil"),
        pk,
    )


@require_safe
@policy.capability_required(MANAGE)
def la_returns_list(request):
    show = returns_selectors.SENT if request.GET.get("show") == "sent" else returns_selectors.OPEN
    returns = returns_selectors.la_returns_for(user=request.user, school=request.school, show=show)
    today = timezone.localdate()
    month_form = MonthForm(initial={"month": today.replace(day=1)})
    return render(
        request,
        "graduated_response/la_returns.html",
        {
            "page": paginate(request, returns),
            "show": show,
            "today": today,
            "reading": la_returns.READING,
            "month_form": month_form,
        },
    )


@require_POST
@policy.capability_required(MANAGE)
def la_returns_refresh(request):
    made = returns_services.la_returns_refresh(
        school=request.school, today=timezone.localdate(), actor=request.user
    )
    if made:
        messages.success(request, f"{made} new return{'s' if made != 1 else ''} found.")
    else:
        messages.info(request, "No new returns are due.")
    return redirect("graduated_response:la_returns")


def _detail(request, la_return, form, *, status=200):
    return render(
        request,
        "graduated_response/la_return_detail.html",
        {"r": la_return, "form": form, "today": timezone.localdate()},
        status=status,
    )


@require_safe
@policy.capability_required(MANAGE)
def la_return_detail(request, pk):
    la_return = _return(request, pk)
    return _detail(request, la_return, None if la_return.is_sent else LAReturnSentForm(instance=la_return))


@require_POST
@policy.capability_required(MANAGE)
def la_return_sent(request, pk):
    la_return = _return(request, pk)
    form = LAReturnSentForm(request.POST)
    if form.is_valid():
        done = apply_service(
            form,
            partial(
                returns_services.la_return_record_sent,
                actor=request.user,
                la_return=la_return,
                sent_on=form.cleaned_data["sent_on"],
                sent_how=form.cleaned_data["sent_how"],
                note=form.cleaned_data["sent_note"],
            ),
        )
        if done is not None:
            messages.success(
                request,
                f"Recorded as sent on {done.sent_on:%-d %B %Y} ({done.get_sent_how_display().lower()}).",
            )
            return redirect("graduated_response:la_returns")
    la_return.refresh_from_db()
    if la_return.is_sent:  # someone else recorded it first: say so, and show what they recorded
        for error in form.non_field_errors():
            messages.error(request, error)
        return _detail(request, la_return, None, status=400)
    return _detail(request, la_return, form, status=400)


@require_safe
@policy.capability_required(MANAGE)
def la_monthly_return(request):
    form = MonthForm(request.GET)
    if not form.is_valid():
        messages.error(request, "Nothing exported: choose a month, this month or an earlier one.")
        return redirect("graduated_response:la_returns")
    month = form.cleaned_data["month"]
    rows = returns_selectors.monthly_return_rows(user=request.user, school=request.school, month=month)
    audit.record(
        actor=request.user,
        action="graduated_response.la_return.monthly_downloaded",
        object_type="graduated_response.monthly_return",
        school=request.school,
        after={"month": f"{month:%Y-%m}", "pupils": len(rows) - 1},
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="attendance-return-{month:%Y-%m}.csv"'
    csv.writer(response, lineterminator="\n").writerows(rows)
    return response


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.EDIT_TIERS)
def previous_school_setting(request):
    """Whether a previous school's unauthorised sessions count towards the penalty threshold."""
    settings_row = ResponseSettings.objects.get(school=request.school)
    initial = {"count": "yes" if settings_row.count_previous_school_sessions else "no"}
    form = PreviousSchoolSettingForm(request.POST or None, initial=initial, versioned=(settings_row,))
    if request.method == "POST" and form.is_valid():
        done = apply_service(
            form,
            partial(
                returns_services.previous_school_setting_update,
                actor=request.user,
                school=request.school,
                count=form.cleaned_data["count"],
                expected_version=form.cleaned_data.get("expected_version"),
            ),
        )
        if done is not None:
            messages.success(request, "Saved. The next nightly checks use this reading.")
            return redirect("graduated_response:previous_school_setting")
    status = 400 if form.is_bound else 200
    return render(request, "graduated_response/previous_school_setting.html", {"form": form}, status=status)
