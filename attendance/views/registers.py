"""Taking registers: the list of today's registers, the register screen, and the home panels."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from school import policy
from school.calendar import SchoolCalendar

from .. import codes, selectors, services
from ..forms import parse_register
from .common import access_register_class, register_classes, register_taker_required


def _day_from(request) -> date:
    raw = request.GET.get("date")
    if raw:
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    return timezone.localdate()


@register_taker_required
@require_safe
def register_list(request):
    school = request.school
    day = _day_from(request)
    calendar = SchoolCalendar.for_school(school)
    statuses = selectors.register_statuses(
        classes=register_classes(request.user, school), day=day, calendar=calendar
    )
    return render(
        request,
        "attendance/register_list.html",
        {
            "day": day,
            "statuses": statuses,
            "sessions": calendar.sessions_on(day),
            "today": timezone.localdate(),
        },
    )


def _rows_context(rows, *, session, posted=None, errors=None, conflicts=None):
    """Rows for the template: what is saved, what was typed, and any message beside the row."""
    posted = posted or {}
    errors = errors or {}
    conflicts = {c.pupil_id: c for c in (conflicts or [])}
    result = []
    for pupil, mark in rows:
        typed = posted.get(pupil.pk)
        conflict = conflicts.get(pupil.pk)
        if conflict is not None or typed is None:
            # After a conflict the row shows what is saved now, so nobody overwrites it unseen.
            value = mark.code if mark else ""
            minutes = mark.minutes_late if mark and mark.minutes_late is not None else ""
        else:
            value, minutes = typed
        result.append(
            {
                "pupil": pupil,
                "mark": mark,
                "value": value,
                "minutes": minutes,
                "version": mark.version if mark else 0,
                "errors": errors.get(pupil.pk, []),
                "conflict": conflict,
                "typed": typed[0] if (conflict is not None and typed) else None,
            }
        )
    return result


@register_taker_required
@require_http_methods(["GET", "POST"])
def register_take(request, class_id, day, session):
    school = request.school
    registration_class = access_register_class(request.user, school, class_id)
    if session not in ("AM", "PM"):
        raise Http404("No such session.")
    calendar = SchoolCalendar.for_school(school)
    is_session = calendar.is_session(day, session)
    today = timezone.localdate()
    context = {
        "registration_class": registration_class,
        "day": day,
        "session": session,
        "session_label": "Morning" if session == "AM" else "Afternoon",
        "present_code": "/" if session == "AM" else "\\",
        "is_session": is_session,
        "is_future": day > today,
        "today": today,
        "opens": school.am_register_opens if session == "AM" else school.pm_register_opens,
        "closes": school.am_register_closes if session == "AM" else school.pm_register_closes,
        "code_list": codes.choices(),
        "general_errors": [],
        "conflicts": [],
        "reason": "",
    }
    context["late_register"] = is_session and services.is_late_register(
        school, day=day, session=session, now=timezone.localtime()
    )
    rows = selectors.register_rows(registration_class=registration_class, day=day, session=session)
    context["summary"] = selectors.register_summary([mark for _, mark in rows], on_roll=len(rows))
    context["summary_kinds"] = selectors.summary_kinds()
    if request.method == "POST":
        if not is_session:
            # Said plainly: a closed day is not a permission problem.
            context["general_errors"] = [
                f"Nothing was saved: {day:%A %-d %B %Y} has no {context['session_label'].lower()} "
                "session (the school is closed), so there is no register to take."
            ]
            context["rows"] = _rows_context(rows, session=session)
            return render(request, "attendance/register_take.html", context, status=400)
        pupil_ids = [p.pk for p, _ in rows]
        entries, versions, form_errors, reason = parse_register(request.POST, pupil_ids)
        posted = {
            e.pupil_id: (
                request.POST.get(f"code-{e.pupil_id}", "").strip(),
                request.POST.get(f"minutes-{e.pupil_id}", "").strip(),
            )
            for e in entries
        }
        context["reason"] = reason
        if form_errors:
            context["general_errors"] = ["Nothing was saved. Check the highlighted rows."]
            context["rows"] = _rows_context(rows, session=session, posted=posted, errors=form_errors)
            return render(request, "attendance/register_take.html", context, status=400)
        try:
            result = services.register_save(
                actor=request.user,
                school=school,
                registration_class=registration_class,
                date=day,
                session=session,
                entries=entries,
                expected_versions=versions,
                reason=reason,
                today=today,
                calendar=calendar,
            )
        except services.RegisterRefused as exc:
            context["general_errors"] = exc.general
            context["rows"] = _rows_context(rows, session=session, posted=posted, errors=exc.errors)
            return render(request, "attendance/register_take.html", context, status=400)
        except services.RegisterConflict as exc:
            rows = selectors.register_rows(registration_class=registration_class, day=day, session=session)
            context["conflicts"] = exc.changes
            context["rows"] = _rows_context(rows, session=session, posted=posted, conflicts=exc.changes)
            return render(request, "attendance/register_take.html", context, status=409)
        parts = [
            ngettext("%d mark recorded", "%d marks recorded", result.recorded) % result.recorded,
            f"{result.amended} changed",
        ]
        messages.success(
            request,
            f"{registration_class} {context['session_label'].lower()} register saved: "
            + ", ".join(parts)
            + ".",
        )
        if result.late_register:
            messages.info(
                request,
                f"This was a late register: it closed at {context['closes']:%H:%M}, and the new marks "
                "are flagged as entered late in the record.",
            )
        if result.converted_to_u:
            messages.warning(
                request,
                "Arrived after the register closed, so recorded as U (unauthorised) instead of L: "
                + ", ".join(result.converted_to_u)
                + ".",
            )
        return redirect(f"{reverse('attendance:register_list')}?date={day.isoformat()}")
    context["rows"] = _rows_context(rows, session=session)
    return render(request, "attendance/register_take.html", context)


@register_taker_required
@require_safe
def panel_my_registers(request):
    school = request.school
    calendar = SchoolCalendar.for_school(school)
    day = timezone.localdate()
    statuses = selectors.register_statuses(
        classes=policy.classes_in_scope(request.user, school).filter(
            pk__in=register_classes(request.user, school).values("pk")
        ),
        day=day,
        calendar=calendar,
    )
    return render(
        request,
        "attendance/partials/panel_my_registers.html",
        {
            "statuses": statuses,
            "day": day,
            "sessions": calendar.sessions_on(day),
        },
    )


@register_taker_required
@require_safe
def panel_registers_not_taken(request):
    school = request.school
    calendar = SchoolCalendar.for_school(school)
    day = timezone.localdate()
    missing = selectors.registers_not_taken(
        classes=register_classes(request.user, school), day=day, calendar=calendar, now=timezone.localtime()
    )
    return render(
        request,
        "attendance/partials/panel_registers_not_taken.html",
        {
            "missing": missing,
            "day": day,
            "sessions": calendar.sessions_on(day),
        },
    )
