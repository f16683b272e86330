"""The SENDCo withdraws a document uploaded for the wrong pupil and a provision place entered twice, in a
real browser: both leave the pupil's SEND page (and the place its cost), then come back on Restore."""

import os
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from send import services
from send.models import ProvisionEnrolment, SendDocument
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Set to a directory to keep screenshots of the page with the withdrawn sections open.
SCREENSHOTS = os.environ.get("WITHDRAWAL_SCREENSHOTS", "")


def test_sendco_withdraws_a_document_and_a_place_then_restores_them(
    browser, live_server, sign_in_browser, school, own_class, sendco
):
    pupil = f.PupilFactory(
        school=school, registration_class=own_class, legal_first_name="Rory", legal_last_name="Penn"
    )
    services.document_upload(
        actor=sendco,
        pupil=pupil,
        uploaded_file=SimpleUploadedFile("r.pdf", b"%PDF-1.4\n%%EOF\n"),
        kind="report",
        title="Hearing test (another pupil's)",
        confidential=False,
    )
    services.document_upload(
        actor=sendco,
        pupil=pupil,
        uploaded_file=SimpleUploadedFile("s.pdf", b"%PDF-1.4\n%%EOF\n"),
        kind="report",
        title="Speech and language report",
        confidential=False,
    )
    costly = f.InterventionFactory(
        school=school, name="1:1 reading", delivery="one_to_one", group_size=1, cost="18.00"
    )
    f.ProvisionEnrolmentFactory(pupil=pupil, intervention=costly)
    f.ProvisionEnrolmentFactory(
        pupil=pupil, intervention=f.InterventionFactory(school=school, name="Phonics group")
    )

    page = browser.new_context().new_page()
    sign_in_browser(page, sendco)
    page.goto(f"{live_server.url}/send/pupils/{pupil.pk}/")
    expect(page.get_by_test_id("document")).to_have_count(2)
    total_before = page.get_by_test_id("projected-total").inner_text()

    page.get_by_test_id("document").filter(has_text="Hearing test").get_by_role(
        "link", name=re.compile("Withdraw")
    ).click()
    page.get_by_label("Why is this being withdrawn?").fill("Uploaded for the wrong pupil")
    page.get_by_role("button", name="Withdraw").click()
    expect(page.get_by_role("status").first).to_contain_text("Document withdrawn")
    expect(page.get_by_test_id("document")).to_have_count(1)

    page.get_by_role("row").filter(has_text="1:1 reading").get_by_role(
        "link", name=re.compile("Withdraw")
    ).click()
    page.get_by_label("Why is this being withdrawn?").fill("Entered twice")
    page.get_by_role("button", name="Withdraw").click()
    expect(page.get_by_role("row").filter(has_text="1:1 reading")).to_have_count(0)
    total_after = page.get_by_test_id("projected-total").inner_text()
    assert total_after != total_before

    for summary in ("Withdrawn provision places (1)", "Withdrawn documents (1)"):
        page.get_by_text(summary).click()
    expect(page.get_by_text("Uploaded for the wrong pupil")).to_be_visible()
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, "withdrawn.png"), full_page=True)
    assert SendDocument.objects.withdrawn().count() == 1
    assert ProvisionEnrolment.objects.withdrawn().count() == 1

    page.get_by_test_id("withdrawn-send:enrolment_restore").get_by_role(
        "button", name=re.compile("Restore")
    ).click()
    expect(page.get_by_text("Provision place restored.")).to_be_visible()
    expect(page.get_by_test_id("projected-total")).to_have_text(total_before)
    page.get_by_text("Withdrawn documents (1)").click()
    page.get_by_test_id("withdrawn-send:document_restore").get_by_role(
        "button", name=re.compile("Restore")
    ).click()
    expect(page.get_by_test_id("document")).to_have_count(2)
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, "restored.png"), full_page=True)
    assert not SendDocument.objects.withdrawn().exists()
    assert not ProvisionEnrolment.objects.withdrawn().exists()
