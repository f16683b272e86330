"""Attendance figures on screen: a pupil's page and panel, class, year group and whole-school views,
cohort comparison and the persistent and severe absence lists. All figures come from
``attendance.statistics``; governors see none of these pages (they get anonymised reports)."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from school import policy
from school.calendar import SchoolCalendar
from school.models import Pupil, RegistrationClass, YearGroup
from school.withdrawal import can_restore, restorable_since

from .. import charts, selectors, statistics
from ..figures import combine
from ..filters import AbsenceListFilter
from ..forms import ReconciliationDayForm
from ..models import AbsenceCall
from ..reconciliation import reconcile
from ..school_age import is_compulsory_school_age
from .common import paginate, period, register_classes


def _pupil_context(request, pupil, *, full: bool):
    school = request.school
    calendar = SchoolCalendar.for_school(school)
    today = timezone.localdate()
    form, start, end = period(request, calendar, today)
    one = Pupil.objects.filter(pk=pupil.pk)
    figures = statistics.pupil_figures(one, start, end, calendar=calendar)[pupil.pk]
    context = {
        "pupil": pupil,
        "figures": figures,
        "start": start,
        "end": end,
        "period_form": form,
        "hours_lost": figures.hours_lost(school.hours_per_session),
    }
    if full:
        # The pupil's calls, current and withdrawn, in one query (a pupil has a handful).
        calls = list(
            AbsenceCall.objects.filter(pupil=pupil).select_related(
                "caller_contact", "recorded_by", "withdrawn_by"
            )
        )
        trend = statistics.weekly_trend(one, start, end, calendar=calendar)
        context.update(
            calendar_weeks=statistics.session_calendar(pupil, start, end, calendar=calendar),
            chart=charts.trend_chart(trend),
            trend=trend,
            weekdays=statistics.weekday_pattern(one, start, end),
            amendments=selectors.pupil_amendments(pupil=pupil)[:50],
            calls=[c for c in calls if not c.is_withdrawn][:20],
            withdrawn_calls=[c for c in calls if c.is_withdrawn],
            restore_since=restorable_since(now=timezone.now()),
            can_restore=can_restore(request.user, school),
            can_amend=register_classes(request.user, school).filter(pk=pupil.registration_class_id).exists(),
            can_record_calls=policy.can(request.user, school, policy.MANAGE_ATTENDANCE),
        )
    return context


@policy.capability_required(policy.VIEW_PUPILS)
@require_safe
def pupil_attendance(request, pupil_id):
    pupil = policy.access_pupil(request.user, request.school, pupil_id)
    return render(request, "attendance/pupil_attendance.html", _pupil_context(request, pupil, full=True))


@policy.capability_required(policy.VIEW_PUPILS)
@require_safe
def panel_pupil(request, pupil_id):
    pupil = policy.access_pupil(request.user, request.school, pupil_id)
    return render(request, "attendance/partials/panel_pupil.html", _pupil_context(request, pupil, full=False))


def _on_roll_during(pupils, start, end):
    return pupils.filter(admission_date__lte=end).filter(
        Q(leaving_date__isnull=True) | Q(leaving_date__gte=start)
    )


def _group_page(request, *, title, pupils, calendar, extra=None, weekly=False):
    """A group's figures and its pupils (paginated), used by the class and year group pages."""
    today = timezone.localdate()
    form, start, end = period(request, calendar, today)
    pupils = _on_roll_during(pupils, start, end)
    rows = statistics.pupil_rows(
        pupils,
        start,
        end,
        fields=(
            "legal_first_name",
            "legal_last_name",
            "preferred_first_name",
            "preferred_last_name",
            "upn",
            "registration_class__name",
        ),
        calendar=calendar,
    )
    rows.sort(key=lambda item: (item[0]["legal_last_name"], item[0]["legal_first_name"]))
    group = combine(f for _, f in rows)
    context = {
        "title": title,
        "period_form": form,
        "start": start,
        "end": end,
        "figures": group,
        **{
            ("pupil_count" if key == "pupils" else key): value
            for key, value in statistics.group_summary([f for _, f in rows]).items()
            if key != "figures"
        },
        "page": paginate(request, rows),
    }
    if weekly:
        window = calendar.last_school_weeks(6, ending=end)
        if window:
            weeks, table = statistics.weekly_table(pupils, max(start, window[0]), end, calendar=calendar)
            context.update(weeks=weeks, weekly_rows=table)
    context.update(extra or {})
    return render(request, "attendance/group.html", context)


@policy.capability_required(policy.VIEW_PUPILS)
@require_safe
def class_attendance(request, class_id):
    school = request.school
    registration_class = policy.access_class(request.user, school, class_id)
    calendar = SchoolCalendar.for_school(school)
    return _group_page(
        request,
        title=f"Class {registration_class.name}",
        calendar=calendar,
        weekly=True,
        pupils=policy.pupils_in_scope(request.user, school).filter(registration_class=registration_class),
    )


@policy.capability_required(policy.VIEW_ATTENDANCE_STATS)
@require_safe
def year_attendance(request, year):
    try:
        year = int(year)  # Nursery is -1, so the path takes text
    except ValueError:
        raise Http404("No such year group.") from None
    if year not in YearGroup.values:
        raise Http404("No such year group.")
    school = request.school
    pupils = policy.pupils_in_scope(request.user, school).filter(year_group=year)
    if not pupils.exists():  # a year group this school does not have (a primary has no Year 9)
        raise Http404("This school has no pupils in that year group.")
    calendar = SchoolCalendar.for_school(school)
    return _group_page(request, title=YearGroup(year).label, calendar=calendar, pupils=pupils)


@policy.capability_required(policy.VIEW_ATTENDANCE_STATS)
@require_safe
def school_overview(request):
    school = request.school
    calendar = SchoolCalendar.for_school(school)
    today = timezone.localdate()
    form, start, end = period(request, calendar, today)
    pupils = _on_roll_during(policy.pupils_in_scope(request.user, school), start, end)
    rows = statistics.pupil_rows(
        pupils, start, end, fields=("year_group", "registration_class", "date_of_birth"), calendar=calendar
    )
    by_year, by_class, by_age = defaultdict(list), defaultdict(list), defaultdict(list)
    year_start = calendar.academic_year_start(end) or start
    for row, figures in rows:
        by_year[row["year_group"]].append(figures)
        by_class[row["registration_class"]].append(figures)
        by_age[is_compulsory_school_age(row["date_of_birth"], year_start=year_start)].append(figures)
    classes = {c.pk: c for c in RegistrationClass.objects.filter(school=school)}
    # Pupils with no possible sessions are left out of every count and rate (docs/rules.md section 2).
    summary = statistics.group_summary

    whole = summary([f for _, f in rows])
    return render(
        request,
        "attendance/school_overview.html",
        {
            "period_form": form,
            "start": start,
            "end": end,
            **whole,
            "hours_lost": whole["figures"].hours_lost(school.hours_per_session),
            # The DfE's headline figures are for pupils of compulsory school age; the others apart.
            "age_rows": [
                ("Compulsory school age (5 to 15)", summary(by_age[True])),
                ("Not of compulsory school age", summary(by_age[False])),
            ],
            "years": [
                {"year": y, "label": YearGroup(y).label, **summary(m)} for y, m in sorted(by_year.items())
            ],
            "classes": [
                {"class": classes.get(cid), **summary(m)}
                for cid, m in sorted(
                    by_class.items(),
                    key=lambda i: (
                        (classes[i[0]].year_group, classes[i[0]].name) if i[0] in classes else (99, "")
                    ),
                )
            ],
        },
    )


@policy.capability_required(policy.VIEW_ATTENDANCE_STATS)
@require_safe
def cohorts(request):
    school = request.school
    calendar = SchoolCalendar.for_school(school)
    form, start, end = period(request, calendar, timezone.localdate())
    pupils = _on_roll_during(policy.pupils_in_scope(request.user, school), start, end)
    return render(
        request,
        "attendance/cohorts.html",
        {
            "period_form": form,
            "start": start,
            "end": end,
            "dimensions": statistics.cohort_comparison(pupils, start, end, calendar=calendar),
        },
    )


@policy.capability_required(policy.VIEW_ATTENDANCE_STATS)
@require_safe
def absence_list(request):
    school = request.school
    calendar = SchoolCalendar.for_school(school)
    form, start, end = period(request, calendar, timezone.localdate())
    filters = AbsenceListFilter(
        request.GET or None, queryset=policy.pupils_in_scope(request.user, school), school=school
    )
    severe = filters.form.is_valid() and filters.form.cleaned_data.get("severe") == "severe"
    pupils = filters.qs if filters.is_bound else filters.queryset
    page = paginate(request, statistics.absence_list(pupils, start, end, severe=severe, calendar=calendar))
    rows = page.object_list
    return render(
        request,
        "attendance/absence_list.html",
        {
            "period_form": form,
            "start": start,
            "end": end,
            "filter": filters,
            "page": page,
            "rows": rows,
            "severe": severe,
        },
    )


@policy.capability_required(policy.VIEW_ATTENDANCE_STATS)
@require_safe
def reconciliation(request):
    """One day's figures by the DfE's daily-attendance definitions beside the product's own."""
    school = request.school
    form = ReconciliationDayForm(request.GET or {"on": ""})
    on = form.cleaned_data["on"] if form.is_valid() else timezone.localdate()
    result = reconcile(
        pupils=policy.pupils_in_scope(request.user, school),
        school=school,
        on=on,
        calendar=SchoolCalendar.for_school(school),
    )
    return render(
        request,
        "attendance/reconciliation.html",
        {"form": form, "result": result, "page": paginate(request, result.explanations)},
        status=200 if form.is_valid() else 400,
    )
