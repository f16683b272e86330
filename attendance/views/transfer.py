"""Import marks from a CSV file, and export pupil summaries as CSV."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from school import audit, policy
from school.calendar import SchoolCalendar
from school.submissions import create_once

from .. import import_jobs, transfer
from ..filters import AbsenceListFilter
from ..forms import ImportMarksForm
from ..models import MarksImport
from .common import period


@policy.capability_required(policy.MANAGE_ATTENDANCE)
@require_http_methods(["GET", "POST"])
def import_marks(request):
    """Upload a marks file: it is kept and imported in the background; the next page follows it."""
    school = request.school
    form = ImportMarksForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():

        def queue(data):
            upload = data["file"]
            return import_jobs.marks_import_queue(
                actor=request.user, school=school, data=upload.read(), original_name=upload.name
            )

        job = create_once(request, form, queue)  # the same form sent twice: its first import
        return redirect("attendance:import_marks_status", pk=job.pk)
    recent = MarksImport.objects.filter(school=school).select_related("created_by")[:5]
    status = 400 if form.errors else 200
    return render(request, "attendance/import_marks.html", {"form": form, "recent": recent}, status=status)


def _import_job(request, pk) -> MarksImport:
    return policy.access_school_record(request.school, MarksImport.objects.select_related("created_by"), pk)


@policy.capability_required(policy.MANAGE_ATTENDANCE)
@require_safe
def import_marks_status(request, pk):
    """One import: its progress (polled), then what it did or the rows to fix."""
    return render(request, "attendance/import_marks_status.html", {"job": _import_job(request, pk)})


@policy.capability_required(policy.MANAGE_ATTENDANCE)
@require_safe
def panel_import_progress(request, pk):
    """The progress alone: the status page polls it every two seconds until the import has finished."""
    return render(request, "attendance/partials/import_progress.html", {"job": _import_job(request, pk)})


@policy.capability_required(policy.VIEW_ATTENDANCE_STATS)
@require_safe
def export(request):
    school = request.school
    calendar = SchoolCalendar.for_school(school)
    form, start, end = period(request, calendar, timezone.localdate())
    if form.is_bound and not form.is_valid():
        # Never a silent download of another period: back to the figures, with the error beside the date.
        messages.error(request, "Nothing exported: check the dates.")
        return redirect(f"{reverse('attendance:school_overview')}?{request.GET.urlencode()}")
    filters = AbsenceListFilter(
        request.GET or None, queryset=policy.pupils_in_scope(request.user, school), school=school
    )
    pupils = (
        (filters.qs if filters.is_bound else filters.queryset)
        .filter(admission_date__lte=end)
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=start))
    )
    rows = transfer.export_rows(pupils, start, end, calendar=calendar)
    audit.record(
        actor=request.user,
        action="attendance.export.downloaded",
        object_type="attendance.export",
        school=school,
        after={"start": start.isoformat(), "end": end.isoformat(), "pupils": len(rows) - 1},
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="attendance-{start:%Y%m%d}-{end:%Y%m%d}.csv"'
    transfer.write_csv(rows, response)
    return response
