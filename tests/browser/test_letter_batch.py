"""The attendance officer runs a batch of letters in a real browser: chooses the pupils who entered
Tier 2 this week, reviews who gets what and who is left out, runs it, watches the progress bar until
the letters are ready, and downloads the one PDF to print."""

import threading
import time

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from graduated_response.models import Case, TierChange
from letters import tasks
from letters.models import LetterBatch
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def background_worker(monkeypatch):
    """The broker (the boundary): instead of running eagerly inside the request, the batch's task runs
    a moment later in another thread, as a worker would, so the page really has to wait for it."""
    threads = []

    def apply_async(args=(), **kwargs):
        def work():
            time.sleep(1)
            try:
                tasks.run_batch.run(*args)
            finally:
                connection.close()

        thread = threading.Thread(target=work, daemon=True)
        threads.append(thread)
        thread.start()

    monkeypatch.setattr(tasks.run_batch, "apply_async", apply_async)
    yield threads
    for thread in threads:
        thread.join(timeout=60)


def test_officer_runs_a_batch_watches_its_progress_and_downloads_the_pdf(
    browser, live_server, sign_in_browser, school, own_class, attendance_officer, background_worker, tmp_path
):
    today = timezone.localdate()
    for n in range(6):
        pupil = f.PupilFactory(
            school=school,
            registration_class=own_class,
            legal_first_name=f"Pupil{n}",
            legal_last_name="Tierley",
        )
        if n < 5:
            f.PupilContactFactory(pupil=pupil, contact__first_name=f"Parent{n}", contact__last_name="Tierley")
        case = Case.objects.create(school=school, pupil=pupil, current_tier=2, opened_on=today)
        TierChange.objects.create(case=case, from_tier=None, to_tier=2, changed_on=today)

    page = browser.new_context(accept_downloads=True).new_page()
    sign_in_browser(page, attendance_officer)
    page.goto(f"{live_server.url}/cases/")
    page.get_by_role("link", name="Letter batches").click()
    page.get_by_role("link", name="Send letters to a set of pupils").click()
    page.get_by_label("Every pupil who entered Tier 2 this week").check()
    page.get_by_label("Letter", exact=True).select_option("letter_1")
    page.get_by_role("button", name="Show who gets the letter").click()

    expect(page.get_by_test_id("batch-review-summary")).to_contain_text(
        "5 letters to the families of 5 pupils"
    )
    expect(page.get_by_test_id("batch-review")).to_contain_text("Parent3 Tierley")
    expect(page.get_by_test_id("batch-review-excluded")).to_contain_text(
        "Pupil5 Tierley: No contact with parental responsibility is recorded."
    )
    page.get_by_role("button", name="Prepare 5 letters").click()

    progress = page.get_by_test_id("batch-progress")
    expect(progress).to_be_visible()
    # Not ready yet when the page first shows: the worker has not started.
    assert LetterBatch.objects.get().status != "ready"
    expect(page.get_by_test_id("batch-status")).to_have_text("Ready", timeout=60_000)
    expect(page.get_by_test_id("batch-progress-text")).to_contain_text("5 of 5 letters ready.")
    bar = page.locator("progress")
    assert bar.get_attribute("aria-valuenow") == "5" and bar.get_attribute("aria-valuemax") == "5"

    with page.expect_download() as download:
        page.get_by_test_id("batch-pdf").click()
    path = tmp_path / "letters.pdf"
    download.value.save_as(path)
    reader = PdfReader(path)
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert len(reader.pages) >= 5 and all(f"Parent{n} Tierley" in text for n in range(5))
    assert "Pupil5" not in text
