"""Writes of the reports app: the annual SEN information report (one service per use case, audited)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from school import audit, editing, withdrawal
from school.transitions import move

from . import sen_information
from . import sen_information_status as status_table
from .models import (
    SECTION_FIELDS,
    SenInformationReport,
    SenInformationReportStatusChange,
    SenInformationReportVersion,
)

EDITABLE = (*SECTION_FIELDS, "local_offer_url")


def _audit(*, actor, report, action: str, before=None, reason: str = "") -> None:
    audit.record(
        actor=actor,
        action=action,
        obj=report,
        before=before,
        after=audit.snapshot(report),
        reason=reason,
        school=report.school,
    )


def _move(*, actor, report, to: str, reason: str, from_state: str | None = None):
    return move(
        table=status_table.REPORT,
        obj=report,
        to=to,
        from_state=from_state,
        save=lambda: report.save(update_fields=["status"]) if report.pk else None,
        history=lambda old, new: SenInformationReportStatusChange(
            report=report,
            from_status=old,
            to_status=new,
            changed_by=actor,
            changed_at=timezone.now(),
            reason=reason[:500],
        ),
    )


@transaction.atomic
def sen_information_report_create(*, actor, school, year_start: int) -> SenInformationReport:
    """A draft for `year_start`'s academic year. The figures are read live until it is published."""
    report = SenInformationReport(school=school, year_start=year_start, created_by=actor)
    report.full_clean()
    report.save()
    _move(actor=actor, report=report, to=status_table.DRAFT, from_state="", reason="drafted")
    _audit(actor=actor, report=report, action="reports.sen_information_report.created")
    return report


@transaction.atomic
def sen_information_report_update(
    *, actor, report: SenInformationReport, expected_version: int | None, **fields
) -> SenInformationReport:
    """Change the report's text. A stale save is refused; a published report goes back to draft (its
    published version stays as it was)."""
    editing.ensure_unchanged(report, expected_version=expected_version)
    report = SenInformationReport.objects.select_for_update().get(pk=report.pk)
    if report.is_withdrawn:
        raise ValidationError("This report has been withdrawn.")
    before = audit.snapshot(report)
    for name, value in fields.items():
        if name not in EDITABLE:
            raise TypeError(name)
        setattr(report, name, value)
    report.full_clean()
    report.save()
    if report.status == status_table.PUBLISHED and audit.snapshot(report) != before:
        _move(actor=actor, report=report, to=status_table.DRAFT, reason="text changed after publishing")
    _audit(actor=actor, report=report, action="reports.sen_information_report.changed", before=before)
    return report


@transaction.atomic
def sen_information_report_publish(
    *, actor, report: SenInformationReport, note: str = "", today=None
) -> SenInformationReportVersion:
    """Freeze the text and today's figures as the next version. Publishing again needs a note of why."""
    report = SenInformationReport.objects.select_for_update().get(pk=report.pk)
    if report.is_withdrawn:
        raise ValidationError("This report has been withdrawn.")
    today = today or timezone.localdate()
    note = (note or "").strip()
    last = report.versions.order_by("-number").first()
    if last is not None and not note:
        raise ValidationError({"note": "Say why this report is being published again."})
    before = audit.snapshot(report)
    _move(actor=actor, report=report, to=status_table.PUBLISHED, reason=note or "first version")
    version = SenInformationReportVersion(
        report=report,
        number=(last.number + 1) if last else 1,
        sections=report.sections(),
        local_offer_url=report.local_offer_url,
        figures=sen_information.figures(school=report.school, today=today),
        figures_on=today,
        note=note,
        published_at=timezone.now(),
        published_by=actor,
    )
    version.full_clean()
    version.save()
    _audit(
        actor=actor,
        report=report,
        action="reports.sen_information_report.published",
        before=before,
        reason=f"Version {version.number}" + (f": {note}" if note else ""),
    )
    return version


def sen_information_report_withdraw(*, actor, report: SenInformationReport, reason: str):
    """Withdraw a report made by mistake (audited reports.seninformationreport.withdrawn): it leaves every
    list, its published versions included."""
    return withdrawal.record_withdraw(actor=actor, obj=report, reason=reason)
