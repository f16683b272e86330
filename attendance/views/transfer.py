"""Import marks from a CSV file, and export pupil summaries as CSV."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from school import audit, policy
from school.calendar import SchoolCalendar

from .. import transfer
from ..filters import AbsenceListFilter
from ..forms import ImportMarksForm
from .common import period


@policy.capability_required(policy.MANAGE_ATTENDANCE)
@require_http_methods(["GET", "POST"])
def import_marks(request):
    school = request.school
    form = ImportMarksForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            text = transfer.decode_marks_file(form.cleaned_data["file"].read())
            rows = transfer.read_marks_csv(text, school=school)
        except transfer.ImportRefused as exc:
            errors = exc.errors
        else:
            result = transfer.marks_import(actor=request.user, school=school, rows=rows)
            messages.success(
                request,
                ngettext("Imported %d row: ", "Imported %d rows: ", len(rows)) % len(rows)
                + ngettext("%d new mark, ", "%d new marks, ", result.recorded) % result.recorded
                + f"{result.amended} changed "
                f'(reason "import"), {result.unchanged} already the same.',
            )
            for note in [*result.conversion_notes(), *result.skipped_notes()]:
                messages.info(request, note[0].upper() + note[1:] + ".")
            return redirect("attendance:import_marks")
    status = 400 if (errors or form.errors) else 200
    return render(request, "attendance/import_marks.html", {"form": form, "errors": errors}, status=status)


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
