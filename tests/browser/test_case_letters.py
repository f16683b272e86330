"""The attendance officer prepares a letter from a case in a real browser: the Letters section loads on
the case page, the preview is the letter as a PDF, "Prepare letters" makes one per address, and each
appears in the communication log with its PDF, which opens."""

import io
from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe
from pypdf import PdfReader

from graduated_response.models import Case, CommunicationLog, TierChange
from letters.models import Letter
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "rules": {"target-size": {"enabled": True}},
    "resultTypes": ["violations"],
}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # axe-core is injected by evaluating a script; the page's own CSP (rightly) forbids that.
    return {**browser_context_args, "bypass_csp": True}


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def letter_case(pupil):
    for title, first, address, postcode in (
        ("Ms", "Alys", "4 Quarry Lane\nLowfield", "LF1 2AA"),
        ("Mr", "Bryn", "19 Mill Street\nHighcombe", "HC9 8ZZ"),
    ):
        contact = f.ContactFactory(
            school=pupil.school,
            title=title,
            first_name=first,
            last_name="Penhallow",
            address=address,
            postcode=postcode,
        )
        f.PupilContactFactory(pupil=pupil, contact=contact, parental_responsibility=True)
    case = Case.objects.create(school=pupil.school, pupil=pupil, current_tier=2, opened_on=date(2026, 11, 3))
    TierChange.objects.create(case=case, from_tier=None, to_tier=2, changed_on=date(2026, 11, 3))
    return case


def test_officer_previews_and_prepares_a_letter_and_opens_its_pdf(
    page, live_server, sign_in_browser, attendance_officer, letter_case
):
    sign_in_browser(page, attendance_officer)
    page.goto(f"{live_server.url}/cases/{letter_case.pk}/")
    suggested = page.get_by_test_id("suggested-letter")
    suggested.wait_for()
    assert "Letter 1 (initial concerns)" in suggested.inner_text()
    addressees = page.get_by_test_id("letters-addressees").inner_text()
    assert "Ms A Penhallow" in addressees and "Mr B Penhallow" in addressees
    # The case page with its Letters section loaded: no accessibility violation.
    page.wait_for_load_state("networkidle")
    results = Axe().run(page, options=AXE_OPTIONS)
    assert not results.violations_count, results.generate_report()

    # The preview: the letter as it will print, and nothing saved.
    href = page.get_by_test_id("letter-preview").get_attribute("href")
    preview = page.request.get(f"{live_server.url}{href}")
    assert preview.ok and preview.headers["content-type"] == "application/pdf"
    assert "Penhallow" in pdf_text(preview.body())
    assert not Letter.objects.exists()

    # Prepare: the labelled select holds the suggestion; the trigger is filled in.
    assert page.locator("select#id_code").input_value() == "letter_1"
    assert page.get_by_label("Why it is going").input_value() == "entered Tier 2 on 3 Nov"
    page.get_by_role("button", name="Prepare letters").click()
    # The form posts through htmx; on success the case page loads again with the message.
    page.get_by_text("Letter 1 (initial concerns) prepared for 2 addresses").wait_for()
    main = page.locator("main").inner_text()
    assert "Letter 1 (initial concerns) prepared for 2 addresses" in main
    assert Letter.objects.filter(code="letter_1").count() == 2
    assert CommunicationLog.objects.filter(case=letter_case, letter__isnull=False).count() == 2

    # The log lists both letters; the PDF opens.
    log = page.get_by_test_id("communications").inner_text()
    assert log.count("Letter 1 (initial concerns): entered Tier 2 on 3 Nov") == 2
    link = page.get_by_test_id("log-letter").first.get_by_role("link")
    pdf = page.request.get(f"{live_server.url}{link.get_attribute('href')}")
    assert pdf.ok
    if pdf.headers["content-type"] != "application/pdf":  # still being prepared: open it again
        page.reload()
        pdf = page.request.get(f"{live_server.url}{link.get_attribute('href')}")
    assert pdf.headers["content-type"] == "application/pdf"
    assert "Penhallow" in pdf_text(pdf.body())
