"""The annual SEN information report: the SENDCo and the headteacher (MANAGE_SEND) draft, edit,
publish and withdraw it; everyone who reads the school's figures (VIEW_AGGREGATES, governors
included) reads its published versions, as a page, a PDF or a copy for the school's website."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from letters.rendering import pdf_response, render_pdf
from school import policy
from school.forms import WithdrawForm, apply_service
from school.withdrawal_views import restore_action

from . import sen_information, services
from .forms import SenInformationReportCreateForm, SenInformationReportForm, SenInformationReportPublishForm
from .models import SenInformationReport
from .selectors import published_versions, sen_information_reports

INDEX = "reports:sen_information_reports"


def _report(request, pk, *, withdrawn_too: bool = False) -> SenInformationReport:
    queryset = SenInformationReport.objects.all() if withdrawn_too else SenInformationReport.objects.current()
    return policy.access_school_record(request.school, queryset, pk)


def _version(request, pk):
    return policy.access_school_record(
        request.school, published_versions(school=request.school), pk, school_field="report__school"
    )


@require_safe
@policy.capability_required(policy.VIEW_AGGREGATES)
def index(request):
    can_edit = policy.can(request.user, request.school, policy.MANAGE_SEND)
    reports = [r for r in sen_information_reports(school=request.school) if can_edit or r.versions.all()]
    withdrawn = SenInformationReport.objects.withdrawn().filter(school=request.school) if can_edit else []
    taken = {report.year_start for report in reports}
    form = SenInformationReportCreateForm(today=timezone.localdate(), taken=taken) if can_edit else None
    return render(
        request,
        "reports/sen_information/index.html",
        {
            "reports": reports,
            "can_edit": can_edit,
            "form": form if form is not None and form.fields["year_start"].choices else None,
            "withdrawn": withdrawn,
        },
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def create(request):
    # The years offered leave out those with a report; a resubmitted form (double click) still validates,
    # so its one-time token can return the report it made the first time.
    taken = (
        set()
        if request.method == "POST"
        else set(
            SenInformationReport.objects.current()
            .filter(school=request.school)
            .values_list("year_start", flat=True)
        )
    )
    form = SenInformationReportCreateForm(request.POST or None, today=timezone.localdate(), taken=taken)
    if request.method == "POST" and form.is_valid():
        report = apply_service(
            form,
            lambda: services.sen_information_report_create(
                actor=request.user, school=request.school, year_start=form.cleaned_data["year_start"]
            ),
            actor=request.user,
        )
        if report is not None:
            messages.success(
                request, f"Draft started for {report.year_label}. Write each section, then publish."
            )
            return redirect("reports:sen_information_edit", pk=report.pk)
    return render(request, "reports/sen_information/create.html", {"form": form})


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def edit(request, pk):
    report = _report(request, pk)
    form = SenInformationReportForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("expected_version", None)
        saved = apply_service(
            form,
            lambda: services.sen_information_report_update(
                actor=request.user, report=report, expected_version=version, **data
            ),
        )
        if saved is not None:
            messages.success(request, "Saved. It is a draft until you publish it.")
            return redirect("reports:sen_information_edit", pk=report.pk)
    today = timezone.localdate()
    return render(
        request,
        "reports/sen_information/edit.html",
        {
            "report": report,
            "form": form,
            "figures": sen_information.figures(school=request.school, today=today),
            "versions": report.versions.order_by("-number"),
        },
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def publish(request, pk):
    report = _report(request, pk)
    form = SenInformationReportPublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        version = apply_service(
            form,
            lambda: services.sen_information_report_publish(
                actor=request.user, report=report, note=form.cleaned_data["note"]
            ),
        )
        if version is not None:
            messages.success(
                request, f"Version {version.number} published. Governors and the website copy show it now."
            )
            return redirect("reports:sen_information_version", pk=version.pk)
    return render(
        request,
        "reports/sen_information/publish.html",
        {"report": report, "form": form, "republish": report.versions.exists()},
    )


@require_http_methods(["GET", "POST"])
@policy.capability_required(policy.MANAGE_SEND)
def withdraw(request, pk):
    report = _report(request, pk)
    form = WithdrawForm(request.POST or None)
    back = reverse(INDEX)
    if request.method == "POST" and form.is_valid():
        if apply_service(
            form,
            lambda: services.sen_information_report_withdraw(
                actor=request.user, report=report, reason=form.cleaned_data["reason"]
            ),
        ):
            messages.success(
                request, "Report withdrawn. The SENDCo or the headteacher can restore it within 30 days."
            )
            return redirect(back)
    return render(
        request,
        "school/withdraw_confirm.html",
        {
            "form": form,
            "kind": "SEN information report",
            "thing": report,
            "back": back,
            "note": "Its published versions are withdrawn with it: governors and the website copy stop showing them.",
        },
    )


@require_POST
@policy.capability_required(policy.MANAGE_SEND)
def restore(request, pk):
    # Withdrawn or not: restoring one that is not withdrawn says so (school.withdrawal_views).
    report = _report(request, pk, withdrawn_too=True)
    return restore_action(request, obj=report, kind="SEN information report", back=reverse(INDEX))


def _context(request, version) -> dict:
    return {"version": version, "report": version.report, "school": version.report.school}


@require_safe
@policy.capability_required(policy.VIEW_AGGREGATES)
def version_page(request, pk):
    version = _version(request, pk)
    latest = version.report.versions.order_by("-number").values_list("pk", flat=True).first()
    context = _context(request, version) | {
        "latest_pk": latest,
        "can_edit": policy.can(request.user, request.school, policy.MANAGE_SEND),
    }
    return render(request, "reports/sen_information/version.html", context)


def _filename(version, ext: str) -> str:
    return f"sen-information-report-{version.report.year_start}-v{version.number}.{ext}"


@require_safe
@policy.capability_required(policy.VIEW_AGGREGATES)
def version_pdf(request, pk):
    version = _version(request, pk)
    pdf = render_pdf("reports/sen_information/pdf.html", _context(request, version))
    return pdf_response(pdf, _filename(version, "pdf"))


@require_safe
@policy.capability_required(policy.VIEW_AGGREGATES)
def version_website(request, pk):
    """A self-contained HTML page (no scripts, no outside files) for the school's website."""
    version = _version(request, pk)
    html = render_to_string("reports/sen_information/website.html", _context(request, version))
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(version, "html")}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
