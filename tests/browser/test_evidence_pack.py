"""The SENDCo makes an EHC needs assessment's evidence pack in a real browser: presses "Make the
evidence pack", the task runs in-process (CELERY_TASK_ALWAYS_EAGER under tests, queued on commit as
in production), the page says the pack is ready, and the downloaded PDF has its contents page and its
sections oldest first. The headteacher may download it; a class teacher is refused."""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from send.models import AgencyInvolvement, EvidencePack, PupilPassport
from send.services import ehc_assessments
from tests import factories as f
from tests.send.ehcp_factories import LocalAuthorityFactory
from tests.send.test_evidence_pack import _pdf, _reviewed_cycle, _upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _in_order(text: str, *parts: str) -> None:
    """Each part is found after the one before it (a heading also named on the contents page is
    looked for after the contents page)."""
    at = 0
    for part in parts:
        found = text.find(part, at)
        assert found >= 0, f"{part!r} not found after {text[max(0, at - 80) : at]!r}"
        at = found + len(part)


def _pupil_with_records(school, own_class, sendco):
    pupil = f.PupilFactory(
        school=school, registration_class=own_class, legal_first_name="Ashby", legal_last_name="Quill"
    )
    today = timezone.localdate()
    f.SendRecordFactory(pupil=pupil)
    PupilPassport.objects.create(
        school=school,
        pupil=pupil,
        liked_and_admired="Builds marble runs",
        important_to_me="My cat Pebble",
        how_to_support_me="Show me the steps one at a time",
        updated_by=sendco,
        updated_at=timezone.now(),
    )
    # Made newest first on purpose: the pack prints them oldest first.
    _reviewed_cycle(
        pupil,
        sendco,
        number=2,
        start=today - timedelta(days=60),
        reviewed=today - timedelta(days=20),
        target="Later cycle target",
    )
    _reviewed_cycle(
        pupil,
        sendco,
        number=1,
        start=today - timedelta(days=120),
        reviewed=today - timedelta(days=70),
        target="Earlier cycle target",
        outcome="partly",
    )
    ep = AgencyInvolvement.objects.create(
        school=school,
        pupil=pupil,
        agency="EP",
        agency_detail="Dr Juniper Vale",
        referral_date=today - timedelta(days=90),
    )
    _upload(
        pupil,
        sendco,
        "ep-report.pdf",
        _pdf("Psychologist report HERON-FINDINGS"),
        agency=ep,
        title="EP report",
    )
    assessment = ehc_assessments.assessment_open(
        actor=sendco,
        pupil=pupil,
        local_authority=LocalAuthorityFactory(trust=school.trust, name="Brambleford Council"),
        requested_by="school",
        request_date=today - timedelta(days=10),
        la_received_on=today - timedelta(days=9),
    )
    return pupil, assessment


def _pdf_text(body: bytes) -> tuple[list[str], str]:
    pages = [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(io.BytesIO(body)).pages]
    return pages, " ".join(pages)


def test_sendco_makes_and_downloads_the_evidence_pack(
    browser, live_server, sign_in_browser, school, own_class, sendco, headteacher, class_teacher
):
    pupil, assessment = _pupil_with_records(school, own_class, sendco)

    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    sign_in_browser(page, sendco)
    page.goto(f"{live_server.url}/send/assessments/{assessment.pk}/")
    page.get_by_role("button", name="Make the evidence pack").press("Enter")
    page.wait_for_url(re.compile(r"#evidence-pack$"))
    # The task ran after the request's transaction committed, so the message said "being made";
    # the section says what is true now.
    pack = EvidencePack.objects.get(assessment=assessment)
    assert pack.status == "ready", pack.error
    page.reload()
    section = page.locator("#evidence-pack")
    expect(section).to_contain_text("Ready")
    link = section.get_by_role("link", name=re.compile(r"Download the evidence pack \(\d+ pages?, PDF\)"))
    expect(link).to_be_visible()

    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pages, text = _pdf_text(response.body())
    assert "Contents" in pages[0] and "Pupil passport" in pages[0]
    assert "Cycle 1" in pages[0] and "Cycle 2" in pages[0]
    _in_order(
        text,
        "Contents",
        "Pupil passport",
        "Builds marble runs",
        "Earlier cycle target",
        "Next steps after cycle 1",
        "Later cycle target",
        "Next steps after cycle 2",
        "Provision and its cost",
        "Attendance",
        "Outside agencies and their reports",
        "HERON-FINDINGS",
    )
    ep_page = next(i for i, text in enumerate(pages, start=1) if "HERON-FINDINGS" in text)
    assert f"Attached from page {ep_page} (1 page)" in text
    assert len(pages) == pack.pages

    head = browser.new_context().new_page()
    sign_in_browser(head, headteacher)
    assert head.request.get(live_server.url + link.get_attribute("href")).status == 200

    teacher = browser.new_context().new_page()
    sign_in_browser(teacher, class_teacher)
    # The pupil is in the teacher's own class, but the pack is SENDCo work (MANAGE_SEND): refused,
    # as SECURITY.md says of a page a role may not use (403); the PDF is never sent.
    refused = teacher.request.get(live_server.url + link.get_attribute("href"))
    assert refused.status == 403 and not refused.body().startswith(b"%PDF")
