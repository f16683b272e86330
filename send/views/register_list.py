"""The SEN register as a list (issue 15): every pupil with a SEND status, filtered and sorted, with the
same rows as CSV and PDF, and the pupils on K or E with no need recorded named."""

from __future__ import annotations

import csv

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from letters.rendering import pdf_response, render_pdf
from school import policy
from school.filters import year_group_choices
from school.pagination import paginate
from school.spreadsheet import safe_cell

from .. import needs, selectors_register
from ..forms_register import RegisterFilterForm
from ..models import Intervention
from .common import today

PER_PAGE = 50
#: The PDF is for a meeting or a file: a cap keeps it printable (the CSV has every row).
PDF_LIMIT = 500

CSV_COLUMNS = [
    "Pupil", "UPN", "Class", "Year", "Status", "Status since", "Census", "Primary need", "Secondary need",
    "Cycle stage", "Next review", "Provision", "Pupil premium", "Looked after", "Warning",
]  # fmt: skip


def _filtered(request):
    school = request.school
    form = RegisterFilterForm(
        request.GET or None,
        classes=policy.classes_in_scope(request.user, school).order_by("year_group", "name"),
        interventions=Intervention.objects.filter(school=school, is_active=True).order_by("name"),
        year_groups=[year for year, _ in year_group_choices(school)],
    )
    rows = selectors_register.register_rows(school=school, today=today(), filters=form.filters())
    return form, rows


def row_facts(record) -> dict:
    """What every format shows for one pupil on the register."""
    pupil = record.pupil
    return {
        "record": record,
        "pupil": pupil,
        "provision": ", ".join(e.intervention.name for e in pupil.current_provision),
        "primary_need": needs.NEED_LABELS.get(record.primary_need, ""),
        "secondary_need": needs.NEED_LABELS.get(record.secondary_need, ""),
        "stage": selectors_register.stage_label(record.cycle_stage),
        "needs_missing": selectors_register.needs_missing_flag(record),
    }


@require_safe
@policy.capability_required(policy.MANAGE_SEND)
def register_list(request):
    form, rows = _filtered(request)
    page = paginate(request, rows, PER_PAGE)
    return render(
        request,
        "send/register_list.html",
        {
            "form": form,
            "page": page,
            "rows": [row_facts(r) for r in page.object_list],
            "needs_missing": selectors_register.needs_missing(school=request.school),
            "query": request.GET.urlencode(),
            "today": today(),
        },
    )


@require_safe
@policy.capability_required(policy.MANAGE_SEND)
def register_list_csv(request):
    """The rows the list shows, every page, each cell safe from formula injection."""
    _, rows = _filtered(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="sen-register-list.csv"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response.write("\ufeff")  # so Excel reads it as UTF-8
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for record in rows:
        facts = row_facts(record)
        pupil = record.pupil
        writer.writerow(
            [
                safe_cell(v)
                for v in (
                    pupil.display_name,
                    pupil.upn,
                    pupil.registration_class or "",
                    pupil.get_year_group_display(),
                    record.get_status_display(),
                    record.status_since.isoformat(),
                    record.census_code,
                    record.primary_need,
                    record.secondary_need,
                    facts["stage"],
                    record.next_review.isoformat() if record.next_review else "",
                    facts["provision"],
                    "Yes" if pupil.pupil_premium else "",
                    "Yes" if pupil.looked_after else "",
                    "No need recorded" if facts["needs_missing"] else "",
                )
            ]
        )
    return response


@require_safe
@policy.capability_required(policy.MANAGE_SEND)
def register_list_pdf(request):
    form, rows = _filtered(request)
    shown = list(rows[: PDF_LIMIT + 1])
    pdf = render_pdf(
        "send/pdf/register_list.html",
        {
            "school": request.school,
            "rows": [row_facts(r) for r in shown[:PDF_LIMIT]],
            "more": len(shown) > PDF_LIMIT,
            "limit": PDF_LIMIT,
            "filters": form.described() if form.is_valid() else [],
            "today": today(),
        },
    )
    return pdf_response(pdf, "sen-register-list.pdf")
