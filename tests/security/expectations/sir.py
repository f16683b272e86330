"""Who may use the annual SEN information report's pages (reports/views_sen_information.py).

The SENDCo and the headteacher (MANAGE_SEND) start, edit, publish, withdraw and restore it. Everyone
who reads the school's anonymised figures (VIEW_AGGREGATES: governors, staff, the trust lead) reads
the list of published versions and each version as a page, a PDF or the website copy. Another school's
report or version is not found."""

from django.utils import timezone

from reports.models import SenInformationReport, SenInformationReportVersion
from school import policy
from tests.security.matrix import NOBODY, Expect, roles_with

MANAGE = roles_with(policy.MANAGE_SEND)
READ = roles_with(policy.VIEW_AGGREGATES)
# A version belongs to one school: a teacher at another school reads their own school's, not this one.
READ_OBJECT = READ - {"other_school_teacher"}


def _report(world, school, year_start=2026, withdrawn=False) -> SenInformationReport:
    report = SenInformationReport.objects.create(
        school=school, year_start=year_start, status="published", created_by=world.users["sendco"]
    )
    if withdrawn:
        report.withdrawn_at = timezone.now()
        report.withdrawn_by = world.users["sendco"]
        report.withdrawal_reason = "Started by mistake"
        report.save()
    return report


def _version(world, report) -> SenInformationReportVersion:
    return SenInformationReportVersion.objects.create(
        report=report,
        number=1,
        sections=report.sections(),
        figures={},
        figures_on=timezone.localdate(),
        published_at=timezone.now(),
        published_by=world.users["sendco"],
    )


def setup(world):
    world.sir_report = _report(world, world.school)
    world.sir_version = _version(world, world.sir_report)
    world.sir_withdrawn = _report(world, world.school, year_start=2025, withdrawn=True)
    world.sir_foreign = _report(world, world.other_school)
    world.sir_foreign_version = _version(world, world.sir_foreign)
    world.sir_foreign_withdrawn = _report(world, world.other_school, year_start=2025, withdrawn=True)


def _report_page(get, post=NOBODY, *, withdrawn=False):
    own = "sir_withdrawn" if withdrawn else "sir_report"
    foreign = "sir_foreign_withdrawn" if withdrawn else "sir_foreign"
    return Expect(
        get=get,
        post=post,
        kwargs=lambda w: {"pk": getattr(w, own).pk},
        foreign=lambda w: {"pk": getattr(w, foreign).pk},
    )


def _version_page():
    return Expect(
        get=READ_OBJECT,
        kwargs=lambda w: {"pk": w.sir_version.pk},
        foreign=lambda w: {"pk": w.sir_foreign_version.pk},
    )


EXPECTATIONS = {
    "reports:sen_information_reports": Expect(get=READ),
    "reports:sen_information_create": Expect(get=MANAGE, post=MANAGE),
    "reports:sen_information_edit": _report_page(MANAGE, MANAGE),
    "reports:sen_information_publish": _report_page(MANAGE, MANAGE),
    "reports:sen_information_withdraw": _report_page(MANAGE, MANAGE),
    "reports:sen_information_restore": _report_page(NOBODY, MANAGE, withdrawn=True),
    "reports:sen_information_version": _version_page(),
    "reports:sen_information_version_pdf": _version_page(),
    "reports:sen_information_version_website": _version_page(),
}
