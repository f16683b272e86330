"""The annual SEN information report: drafted from the SEND figures, suppressed, published in frozen
versions, read by governors as a page, a PDF and a copy for the website."""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from reports import sen_information, services
from reports.models import SenInformationReport, SenInformationReportStatusChange, SenInformationReportVersion
from reports.suppression import HIDDEN, SMALL
from school.editing import StaleEdit, current_version
from school.models import AuditEntry, Membership, Role
from send.selectors import need_counts, register_counts
from send.selectors_reviews import plan_reviews
from tests import factories as f
from tests.conftest import sign_in
from tests.send.ehcp_factories import LocalAuthorityFactory, ehc_plan

TODAY = date(2026, 12, 10)
PLANTED = "Zephyrine"


def sen_world(school, own_class, *, support=10, plans=5, reviewed=5, creator=None):
    """`support` pupils on SEN support (half SLCN, half MLD), `plans` with an EHC plan (SEMH), the
    first `reviewed` SEN support pupils with a cycle reviewed on time (one target achieved, one
    partly), one more cycle overdue, three interventions and a monitoring pupil and a leaver."""
    creator = creator or f.UserFactory()
    la = LocalAuthorityFactory(trust=school.trust)
    on_support = []
    for i in range(support):
        pupil = f.PupilFactory(school=school, registration_class=own_class, legal_first_name=PLANTED)
        f.SendRecordFactory(pupil=pupil, status="sen_support", primary_need="SLCN" if i % 2 == 0 else "MLD")
        on_support.append(pupil)
    for _ in range(plans):
        pupil = f.PupilFactory(school=school, registration_class=own_class, legal_first_name=PLANTED)
        f.SendRecordFactory(pupil=pupil, status="ehc_plan", primary_need="SEMH")
        ehc_plan(pupil=pupil, created_by=creator, local_authority=la)
    monitored = f.PupilFactory(school=school, registration_class=own_class)
    f.SendRecordFactory(pupil=monitored, status="monitoring", primary_need="")
    leaver = f.PupilFactory(school=school, registration_class=own_class, leaving_date=date(2026, 10, 1))
    f.SendRecordFactory(pupil=leaver, status="sen_support")
    for pupil in on_support[:reviewed]:
        cycle = f.SupportCycleFactory(
            pupil=pupil, stage="closed", review_due=date(2026, 12, 4), reviewed_on=date(2026, 11, 20)
        )
        f.TargetFactory(cycle=cycle, outcome="achieved")
        f.TargetFactory(cycle=cycle, outcome="partly")
    if len(on_support) > reviewed:
        f.SupportCycleFactory(pupil=on_support[reviewed], review_due=date(2026, 12, 1))
    catalogue = [
        f.InterventionFactory(school=school, wave=2),
        f.InterventionFactory(school=school, wave=2),
        f.InterventionFactory(school=school, wave=3),
    ]
    for i, pupil in enumerate(on_support[:5]):
        f.ProvisionEnrolmentFactory(pupil=pupil, intervention=catalogue[i % 3])
    return on_support


# --- figures ------------------------------------------------------------------------------------------------
@time_machine.travel(TODAY)
def test_figures_match_the_send_selectors_for_a_small_world(school, own_class):
    sen_world(school, own_class)
    figures = sen_information.figures(school=school, today=TODAY)
    by_status = {row["label"]: row["count"] for row in register_counts(school=school)}
    assert figures["register"]["rows"] == [
        {"label": "SEN support", "count": by_status["SEN support"]},
        {"label": "EHC plan", "count": by_status["EHC plan"]},
    ]
    assert (by_status["SEN support"], by_status["EHC plan"]) == (10, 5)  # the leaver is not counted
    assert figures["register"]["total"] == 15
    areas, unrecorded = need_counts(school=school)
    assert [row["count"] for row in figures["areas"]] == [a["total"] for a in areas] + [unrecorded]
    assert [row["count"] for row in figures["areas"]] == [5, 5, 5, 0, 0, 0]
    # 10 targets of 5 pupils' reviewed cycles: 5 achieved, 5 partly.
    assert figures["targets"] == {"pupils": 5, "achieved_pct": 50.0, "partly_pct": 50.0}
    # 6 cycles due before today, 5 reviewed by their date.
    assert figures["cycle_reviews"] == {"pupils": 6, "on_time_pct": 83.3}
    assert len(plan_reviews(school, today=TODAY)) == 5
    assert figures["annual_reviews"] == {"plans": 5, "on_time_pct": 100.0}
    assert figures["provision"]["interventions"] == 3 and figures["provision"]["pupils"] == 5
    assert [w["interventions"] for w in figures["provision"]["waves"]] == [0, 2, 1]
    assert figures["part_time"] == {"today": 0, "this_year": 0}


@time_machine.travel(TODAY)
def test_figures_take_the_same_number_of_queries_as_pupils_grow(school, own_class):
    sen_world(school, own_class, support=6, plans=5)
    with CaptureQueriesContext(connection) as few:
        sen_information.figures(school=school, today=TODAY)
    sen_world(school, own_class, support=30, plans=12)
    with CaptureQueriesContext(connection) as many:
        sen_information.figures(school=school, today=TODAY)
    assert len(few) == len(many) <= 12


@pytest.mark.parametrize("plans, shown, support_shown", [(4, SMALL, HIDDEN), (5, 5, 10)])
@time_machine.travel(TODAY)
def test_a_group_of_four_is_suppressed_and_a_group_of_five_is_not(
    school, own_class, plans, shown, support_shown
):
    sen_world(school, own_class, plans=plans)
    figures = sen_information.figures(school=school, today=TODAY)
    rows = {row["label"]: row["count"] for row in figures["register"]["rows"]}
    assert rows == {"EHC plan": shown, "SEN support": support_shown}
    plans_figure = figures["annual_reviews"]
    assert plans_figure["plans"] == shown
    assert (plans_figure["on_time_pct"] is None) is (plans == 4)


@pytest.mark.parametrize("reviewed, share", [(4, None), (5, 50.0)])
@time_machine.travel(TODAY)
def test_a_share_about_four_pupils_is_not_shown(school, own_class, reviewed, share):
    sen_world(school, own_class, reviewed=reviewed)
    targets = sen_information.figures(school=school, today=TODAY)["targets"]
    assert targets["achieved_pct"] == share
    assert targets["pupils"] == (SMALL if reviewed == 4 else 5)


# --- writing, publishing, versions ------------------------------------------------------------------------
@time_machine.travel(TODAY)
def test_sendco_drafts_edits_and_publishes_through_the_pages(login, sendco, school, own_class):
    sen_world(school, own_class)
    client = login(sendco)
    page = client.get("/reports/sen-information/")
    token = page.context["form"]["submission_token"].value()
    for _ in range(2):  # a double submit makes one report
        response = client.post(
            "/reports/sen-information/new/", {"year_start": 2026, "submission_token": token}
        )
        assert response.status_code == 302
    report = SenInformationReport.objects.get(school=school)
    assert report.status == "draft" and report.year_label == "2026/27"

    edit_url = f"/reports/sen-information/{report.pk}/edit/"
    version = client.get(edit_url).context["form"]["expected_version"].value()
    data = {"approach": "We welcome every child.", "local_offer_url": "https://example.org/local-offer"}
    assert client.post(edit_url, data | {"expected_version": version}).status_code == 302
    report.refresh_from_db()
    assert report.approach == "We welcome every child."

    response = client.post(f"/reports/sen-information/{report.pk}/publish/", {"note": ""})
    assert response.status_code == 302
    first = SenInformationReportVersion.objects.get(report=report)
    assert first.number == 1 and first.figures["register"]["total"] == 15
    assert first.sections[0] == {
        "name": "approach",
        "heading": "Our approach to special educational needs",
        "text": "We welcome every child.",
    }
    report.refresh_from_db()
    assert report.status == "published"
    moves = list(
        SenInformationReportStatusChange.objects.filter(report=report).values_list("from_status", "to_status")
    )
    assert moves == [("", "draft"), ("draft", "published")]
    actions = set(
        AuditEntry.objects.filter(object_type="reports.seninformationreport").values_list("action", flat=True)
    )
    assert {
        "reports.sen_information_report.created",
        "reports.sen_information_report.changed",
        "reports.sen_information_report.published",
    } <= actions


@time_machine.travel(TODAY)
def test_a_stale_save_is_refused(sendco, headteacher, school):
    report = services.sen_information_report_create(actor=sendco, school=school, year_start=2026)
    opened_at = current_version(report)
    services.sen_information_report_update(
        actor=headteacher, report=report, expected_version=opened_at, support="Small-group reading."
    )
    with pytest.raises(StaleEdit):
        services.sen_information_report_update(
            actor=sendco, report=report, expected_version=opened_at, support="Something else."
        )
    report.refresh_from_db()
    assert report.support == "Small-group reading."


@time_machine.travel(TODAY)
def test_published_figures_are_frozen_after_a_later_change(login, governor, sendco, school, own_class):
    sen_world(school, own_class)
    report = services.sen_information_report_create(actor=sendco, school=school, year_start=2026)
    version = services.sen_information_report_publish(actor=sendco, report=report, today=TODAY)
    for _ in range(7):  # seven more pupils placed on SEN support after publishing
        f.SendRecordFactory(pupil=f.PupilFactory(school=school, registration_class=own_class))
    assert sen_information.figures(school=school, today=TODAY)["register"]["total"] == 22
    version.refresh_from_db()
    assert version.figures["register"]["total"] == 15
    html = login(governor).get(f"/reports/sen-information/version/{version.pk}/").content.decode()
    assert "<td>15</td>" in html and "<td>22</td>" not in html


@time_machine.travel(TODAY)
def test_republishing_needs_a_why_note_and_makes_a_new_version(sendco, school, own_class):
    sen_world(school, own_class)
    report = services.sen_information_report_create(actor=sendco, school=school, year_start=2026)
    services.sen_information_report_publish(actor=sendco, report=report, today=TODAY)
    services.sen_information_report_update(
        actor=sendco, report=report, expected_version=None, checking="Termly reviews with parents."
    )
    report.refresh_from_db()
    assert report.status == "draft"
    with pytest.raises(ValidationError) as refused:
        services.sen_information_report_publish(actor=sendco, report=report, today=TODAY)
    assert "published again" in str(refused.value)
    second = services.sen_information_report_publish(
        actor=sendco, report=report, note="Added how we check progress.", today=TODAY
    )
    assert second.number == 2 and second.note == "Added how we check progress."
    assert [v.number for v in report.versions.all()] == [2, 1]
    first = report.versions.get(number=1)
    assert first.sections[4]["text"] == "" and second.sections[4]["text"] == "Termly reviews with parents."


# --- what governors see -------------------------------------------------------------------------------------
@time_machine.travel(TODAY)
def test_governor_sees_no_draft_and_no_pupil_names(login, governor, sendco, school, own_class):
    pupils = sen_world(school, own_class)
    draft = services.sen_information_report_create(actor=sendco, school=school, year_start=2026)
    client = login(governor)
    index = client.get("/reports/sen-information/").content.decode()
    assert "2026/27" not in index and "No report has been published yet" in index
    assert client.get(f"/reports/sen-information/{draft.pk}/edit/").status_code == 403

    version = services.sen_information_report_publish(actor=sendco, report=draft, today=TODAY)
    services.sen_information_report_update(
        actor=sendco, report=draft, expected_version=None, approach="Draft words not yet published."
    )
    index = client.get("/reports/sen-information/").content.decode()
    assert "Version 1" in index
    pages = [
        client.get(f"/reports/sen-information/version/{version.pk}/").content.decode(),
        client.get(f"/reports/sen-information/version/{version.pk}/website/").content.decode(),
        index,
    ]
    for html in pages:
        assert "Draft words not yet published" not in html
        assert PLANTED not in html
        for pupil in pupils:
            assert pupil.upn not in html
    assert "Version 1, published" in pages[0] and "Version 1, published" in pages[1]


@time_machine.travel(TODAY)
def test_pdf_text_is_the_published_version(login, governor, sendco, school, own_class):
    sen_world(school, own_class)
    report = services.sen_information_report_create(actor=sendco, school=school, year_start=2026)
    services.sen_information_report_update(
        actor=sendco, report=report, expected_version=None, concerns="Talk to the class teacher first."
    )
    version = services.sen_information_report_publish(actor=sendco, report=report, today=TODAY)
    response = login(governor).get(f"/reports/sen-information/version/{version.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "SEN information report 2026/27" in text
    assert "Version 1, published 10 December 2026" in text
    assert "Talk to the class teacher first." in text
    assert "Our pupils with special educational needs in numbers" in text
    assert "If you are worried or unhappy" in text
    assert PLANTED not in text


@time_machine.travel(TODAY)
def test_a_withdrawn_report_leaves_every_list(login, governor, sendco, school):
    report = services.sen_information_report_create(actor=sendco, school=school, year_start=2026)
    version = services.sen_information_report_publish(actor=sendco, report=report, today=TODAY)
    response = login(sendco).post(f"/reports/sen-information/{report.pk}/withdraw/", {"reason": "Wrong year"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.is_withdrawn and report.withdrawal_reason == "Wrong year"
    assert AuditEntry.objects.filter(action="reports.seninformationreport.withdrawn").exists()
    assert login(governor).get(f"/reports/sen-information/version/{version.pk}/").status_code == 404


def test_another_schools_version_is_not_found(login, governor, other_school):
    other_head = f.UserFactory()
    report = services.sen_information_report_create(actor=other_head, school=other_school, year_start=2026)
    version = services.sen_information_report_publish(actor=other_head, report=report, today=TODAY)
    assert login(governor).get(f"/reports/sen-information/version/{version.pk}/").status_code == 404


def test_links_from_the_send_dashboard_and_the_governors_reports(login, sendco, governor):
    assert "/reports/sen-information/" in login(sendco).get("/send/").content.decode()
    assert "/reports/sen-information/" in login(governor).get("/reports/").content.decode()


@time_machine.travel(TODAY)
def test_demo_school_has_a_published_report_the_governor_can_read(db):
    call_command("seed_demo", stdout=io.StringIO())
    version = SenInformationReportVersion.objects.get()
    assert version.number == 1 and version.report.year_label == "2026/27"
    governor = Membership.objects.get(role=Role.GOVERNOR, school=version.report.school).user
    html = sign_in(Client(), governor).get(f"/reports/sen-information/version/{version.pk}/").content.decode()
    assert "If you are worried or unhappy" in html
    assert "Our pupils with special educational needs in numbers" in html


def test_one_report_per_school_and_year(sendco, school):
    services.sen_information_report_create(actor=sendco, school=school, year_start=2026)
    with pytest.raises(ValidationError) as refused:
        services.sen_information_report_create(actor=sendco, school=school, year_start=2026)
    assert "already has a SEN information report for that year" in str(refused.value)
