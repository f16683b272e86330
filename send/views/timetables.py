"""Part-time timetables (seed 001 Appendix 3): the school's list with its flags, opening one with the
session picker, its page (agreed sessions against the full-time guideline, reviews, history), and the
review, end and withdraw forms. The SENDCo and the headteacher (MANAGE_SEND) do all of it; the pupil's
SEND page shows the sessions to everyone who works with the pupil (a panel, VIEW_SEND)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from school import policy
from school.forms import WithdrawForm, apply_service
from school.pagination import paginate

from .. import part_time_rules as rules
from .. import selectors, selectors_timetables
from ..forms_timetables import (
    TimetableEndForm,
    TimetableOpenForm,
    TimetableReviewForm,
    grid_rows,
    session_values,
    sessions_grid,
)
from ..models_timetables import ACTIVE, PartTimeTimetable
from ..services import part_time
from .common import access_pupil_item, can_manage, today

PER_PAGE = 25


def _access(request, pk, queryset=None) -> PartTimeTimetable:
    queryset = PartTimeTimetable.objects.current() if queryset is None else queryset
    return access_pupil_item(request, queryset.select_related("school").prefetch_related("sessions"), pk)


def _register_said(result: dict | None) -> str:
    """What the register got, in plain English (nothing claimed that did not happen)."""
    if result is None:  # the same form sent twice: the first send did the work
        return "Part-time timetable recorded."
    coded = result["recorded"] + result["amended"]
    text = f"Part-time timetable recorded. {coded} session{'s' if coded != 1 else ''} pre-coded C2 in the register"
    if result["kept"]:
        text += f"; {result['kept']} already had another mark, which was kept (amend it in the register if it is wrong)"
    return text + "."


def _valid(request, form) -> bool:
    return request.method == "POST" and form.is_valid()


@require_safe
@policy.capability_required(policy.MANAGE_SEND)
def timetable_list(request):
    day = today()
    page = paginate(
        request,
        selectors_timetables.timetables_for_school(user=request.user, school=request.school),
        PER_PAGE,
    )
    for t in page.object_list:
        t.flags = selectors_timetables.timetable_flags(t, today=day)
    return render(request, "send/timetables/list.html", {"page": page, "today": day})


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def timetable_open(request, pk):
    pupil = policy.access_pupil(request.user, request.school, pk)
    limit = selectors.settings_for(school=request.school).part_time_max_school_weeks
    form = TimetableOpenForm(request.POST or None, max_weeks=limit, initial={"start_date": today()})
    if _valid(request, form) and (
        timetable := apply_service(
            form,
            lambda: part_time.part_time_open(actor=request.user, pupil=pupil, **form.cleaned_data),
            actor=request.user,
        )
    ):
        messages.success(request, _register_said(getattr(timetable, "register_result", None)))
        return redirect("send:timetable_detail", pk=timetable.pk)
    return render(
        request,
        "send/timetables/form.html",
        {
            "form": form,
            "grid": sessions_grid(form),
            "pupil": pupil,
            "title": f"Part-time timetable for {pupil}",
            "guideline": rules.guideline_note(pupil.year_group),
            "cancel": ("send:pupil_send", pupil.pk),
        },
    )


@require_safe
@policy.capability_required(policy.MANAGE_SEND)
def timetable_detail(request, pk):
    timetable = _access(request, pk, PartTimeTimetable.objects.all())
    day = today()
    return render(
        request,
        "send/timetables/detail.html",
        {
            "t": timetable,
            "pupil": timetable.pupil,
            "hours": timetable.week_hours(),
            "grid": grid_rows(set(session_values(timetable.agreed))),
            "guideline": rules.guideline_note(timetable.pupil.year_group),
            "flags": selectors_timetables.timetable_flags(timetable, today=day),
            "today": day,
            **selectors_timetables.timetable_detail(timetable),
        },
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def timetable_review(request, pk):
    timetable = _access(request, pk, PartTimeTimetable.objects.active())
    form = TimetableReviewForm(
        request.POST or None,
        versioned=(timetable,),
        initial={"held_on": today(), "sessions": timetable.agreed, "end_date": timetable.end_date},
    )
    if _valid(request, form):
        data = dict(form.cleaned_data)
        version = data.pop("expected_version", None)
        if apply_service(
            form,
            lambda: part_time.part_time_review_record(
                actor=request.user, timetable=timetable, expected_version=version, **data
            ),
        ):
            messages.success(request, "Review recorded.")
            return redirect("send:timetable_detail", pk=timetable.pk)
    return render(
        request,
        "send/timetables/form.html",
        {
            "form": form,
            "grid": sessions_grid(form),
            "pupil": timetable.pupil,
            "title": f"Review the part-time timetable for {timetable.pupil}",
            "lead": f"Started {timetable.start_date:%-d %B %Y}; ends {timetable.end_date:%-d %B %Y}."
            if timetable.end_date
            else "",
            "guideline": rules.guideline_note(timetable.pupil.year_group),
            "cancel": ("send:timetable_detail", timetable.pk),
        },
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def timetable_end(request, pk):
    timetable = _access(request, pk, PartTimeTimetable.objects.active())
    form = TimetableEndForm(request.POST or None, versioned=(timetable,), initial={"ended_on": today()})
    if _valid(request, form):
        data = dict(form.cleaned_data)
        version = data.pop("expected_version", None)
        if apply_service(
            form,
            lambda: part_time.part_time_end(
                actor=request.user, timetable=timetable, expected_version=version, **data
            ),
        ):
            messages.success(
                request, "Part-time timetable ended. Future C2 pre-codes were removed from the register."
            )
            return redirect("send:timetable_detail", pk=timetable.pk)
    return render(
        request,
        "send/timetables/form.html",
        {
            "form": form,
            "pupil": timetable.pupil,
            "title": f"End the part-time timetable for {timetable.pupil}",
            "lead": "The register keeps the marks up to today; C2 pre-codes after today are removed. "
            "If the pupil attended a session coded C2, amend that mark in the register.",
            "cancel": ("send:timetable_detail", timetable.pk),
        },
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def timetable_withdraw(request, pk):
    timetable = _access(request, pk)
    form = WithdrawForm(request.POST or None)
    form.fields[
        "reason"
    ].help_text = "Up to 500 characters. Future C2 pre-codes from this timetable are removed."
    if _valid(request, form) and apply_service(
        form,
        lambda: part_time.part_time_withdraw(
            actor=request.user, timetable=timetable, reason=form.cleaned_data["reason"]
        ),
    ):
        messages.success(request, "Part-time timetable withdrawn; its future C2 pre-codes were removed.")
        return redirect("send:pupil_send", pk=timetable.pupil_id)
    return render(
        request,
        "send/timetables/form.html",
        {
            "form": form,
            "pupil": timetable.pupil,
            "title": f"Withdraw {timetable}",
            "lead": "Withdraw a timetable recorded by mistake. To record that it finished, end it instead.",
            "cancel": ("send:timetable_detail", timetable.pk),
        },
    )


@require_safe
@policy.capability_required(policy.VIEW_SEND)
def panel_pupil_timetables(request, pk):
    pupil = policy.access_pupil(request.user, request.school, pk)
    day = today()
    timetables = selectors_timetables.timetables_for_pupil(pupil=pupil)
    manage = can_manage(request)
    for t in timetables:
        t.flags = selectors_timetables.timetable_flags(t, today=day) if manage else []
    return render(
        request,
        "send/timetables/pupil_panel.html",
        {
            "pupil": pupil,
            "timetables": timetables,
            "has_active": any(t.status == ACTIVE for t in timetables),
            "can_manage": manage,
            "today": day,
        },
    )
