"""Three walks in a real browser: the headteacher reviews the files of a records request and downloads
the ZIP; a trust lead adds a trust lead at another school of the trust; the office moves a pupil to
another class from Monday and the register for Monday lists the pupil there. Screenshots go to
$WALK_SHOTS when set (for a person to look at)."""

import io
import json
import os
import re
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts import services as account_services
from letters.models import Letter
from letters.rendering import html_to_pdf
from letters.services import letter_create, letter_render
from school.models import Membership, Role
from send import services as send_services
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("WALK_SHOTS")


def _shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_the_head_reviews_each_file_and_downloads_one_zip(
    browser, live_server, sign_in_browser, headteacher, pupil
):
    report_bytes = html_to_pdf("<h1>Speech and language report</h1><p>Seen on 3 November.</p>")
    report = send_services.document_upload(
        actor=headteacher,
        pupil=pupil,
        uploaded_file=SimpleUploadedFile("speech-report.pdf", report_bytes),
        kind="report",
        title="Speech and language report",
        confidential=False,
    )
    note = send_services.document_upload(
        actor=headteacher,
        pupil=pupil,
        uploaded_file=SimpleUploadedFile("note.png", b"\x89PNG\r\n\x1a\n" + b"x" * 40),
        kind="other",
        title="Note naming another family",
        confidential=True,
    )
    letter = letter_create(
        actor=headteacher,
        pupil=pupil,
        kind=Letter.Kind.VIEWS_REQUEST,
        subject="Your views before the review",
        body_template="send/letters/views_request_body.html",
        context={
            "request_": {"respondent": "parent"},
            "cycle": {"get_plan_type_display": "Support plan", "review_due": timezone.localdate()},
        },
    )
    letter_render(letter_id=letter.pk)
    request = account_services.record_request_create(
        actor=headteacher,
        school=pupil.school,
        pupil=pupil,
        kind="subject_access",
        requester_name="Jo Parent",
        requester_relationship="Mother",
        received_on=timezone.localdate(),
        identity_checked=True,
    )
    page = browser.new_context(accept_downloads=True).new_page()
    sign_in_browser(page, headteacher)
    page.goto(live_server.url + reverse("accounts:record_request_detail", args=[request.pk]))
    expect(page.get_by_test_id("review-needed")).to_contain_text("3 items to review")
    _shot(page, "records-1-review")
    items = page.get_by_test_id("flagged-items").locator("li")
    for title, decision in (
        ("Speech and language report", "Release"),
        ("Note naming another family", "Withhold"),
        ("Your views before the review", "Release"),
    ):
        item = items.filter(has_text=title)
        item.get_by_label(decision).check()
        item.get_by_role("button", name=re.compile("Save decision")).click()
        expect(page.get_by_text("Decision saved.")).to_be_visible()
    _shot(page, "records-2-decided")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download the export")).click()
    download = download_info.value
    data = Path(download.path()).read_bytes()
    if SHOTS:
        (Path(SHOTS) / download.suggested_filename).write_bytes(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        assert "files/01-speech-report.pdf" in names
        assert archive.read("files/01-speech-report.pdf") == report_bytes
        assert f"files/02-{letter.filename}" in names
        assert not any(name.endswith(".png") for name in names)
        manifest = json.loads(archive.read("manifest.json"))
    assert {entry["item"] for entry in manifest["files"]} == {
        f"send.senddocument:{report.pk}",
        f"letters.letter:{letter.pk}",
    }
    assert f"send.senddocument:{note.pk}" not in json.dumps(manifest)


def test_a_trust_lead_adds_a_trust_lead_at_another_school(
    browser, live_server, sign_in_browser, school, trust_lead
):
    riverside = f.SchoolFactory(name="Riverside Primary", trust=school.trust)
    f.staff(riverside, Role.HEADTEACHER, username="riverhead", first_name="Rhian", last_name="Rivers")
    page = browser.new_context().new_page()
    sign_in_browser(page, trust_lead)
    page.get_by_role("link", name="Trust staff").first.click()
    expect(page.get_by_role("heading", name="Staff across the trust")).to_be_visible()
    _shot(page, "trust-1-list")
    page.get_by_role("link", name="Add staff or give a role at Riverside Primary").click()
    page.get_by_label("Username").fill("deputyceo")
    page.get_by_label("First name").fill("Dara")
    page.get_by_label("Last name").fill("Okafor")
    page.get_by_label("Role").select_option("trust_lead")
    _shot(page, "trust-2-form")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Dara Okafor is now Trust lead at Riverside Primary.")).to_be_visible()
    _shot(page, "trust-3-link")
    assert Membership.objects.filter(user__username="deputyceo", school=riverside, role="trust_lead").exists()


def test_the_office_moves_a_pupil_from_monday(
    browser, live_server, sign_in_browser, office_staff, pupil, own_class, other_class
):
    """On Wednesday 25 November the office learns that the pupil moved to Ash on Monday."""
    with time_machine.travel("2026-11-25 10:00 +0000", tick=True):
        _move_from_monday(browser, live_server, sign_in_browser, office_staff, pupil, own_class, other_class)


def _move_from_monday(browser, live_server, sign_in_browser, office_staff, pupil, own_class, other_class):
    today, monday = date(2026, 11, 25), date(2026, 11, 23)
    page = browser.new_context().new_page()
    sign_in_browser(page, office_staff)
    page.goto(live_server.url + reverse("school:pupil_detail", args=[pupil.pk]))
    page.get_by_role("link", name="Move to another class").click()
    page.get_by_label("Class to move to").select_option(label="Ash")
    page.get_by_label("First day in the new class").fill((today + timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Move to the new class").click()
    # Said beside the field and in the error summary at the top, which takes the focus.
    expect(page.locator(".invalid-feedback", has_text="not in the future")).to_be_visible()
    expect(page.locator("[data-error-summary]", has_text="not in the future")).to_be_visible()
    _shot(page, "move-1-refused")
    page.get_by_label("First day in the new class").fill(monday.isoformat())
    page.get_by_label("Reason").fill("Moved to Ash on Monday; office told on Wednesday")
    page.get_by_role("button", name="Move to the new class").click()
    expect(page.get_by_text(f"is in Ash from {monday:%-d %B %Y}")).to_be_visible()
    _shot(page, "move-2-moved")
    page.goto(
        live_server.url + reverse("attendance:register_take", args=[other_class.pk, monday.isoformat(), "AM"])
    )
    expect(page.locator("main")).to_contain_text(str(pupil))
    _shot(page, "move-3-ash-register-monday")
    page.goto(
        live_server.url + reverse("attendance:register_take", args=[own_class.pk, monday.isoformat(), "AM"])
    )
    expect(page.locator("main")).not_to_contain_text(str(pupil))
    _shot(page, "move-4-oak-register-monday")
