"""The SENDCo plans an EHC plan's annual review in a real browser, prepares the invitations (through
the letters app) and opens one of the invitation PDFs. Labels and keyboard only."""

import io
import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from school.calendar import SchoolCalendar
from send.models import AnnualReview
from tests import factories as f
from tests.send.ehcp_factories import LocalAuthorityFactory, ehc_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SCREENSHOT_DIR")  # set to keep screenshots of the pages for a look


def test_sendco_schedules_an_annual_review_and_prepares_the_invitations(
    browser, live_server, sign_in_browser, school, own_class, sendco, headteacher
):
    pupil = f.PupilFactory(
        school=school, registration_class=own_class, legal_first_name="Rowan", legal_last_name="Fenwick"
    )
    f.PupilContactFactory(
        pupil=pupil,
        contact__title="Mx",
        contact__first_name="Kit",
        contact__last_name="Fenwick",
        contact__address="4 Invented Way\nTestville",
        contact__postcode="ZZ4 4ZZ",
    )
    today = timezone.localdate()
    plan = ehc_plan(
        pupil=pupil,
        created_by=sendco,
        issue_date=today - timedelta(days=330),
        local_authority=LocalAuthorityFactory(trust=school.trust, name="Fairhaven Council"),
        la_officer_name="Robin Officer",
        outcomes="Reads a short book aloud\nJoins in a group game at playtime",
    )
    calendar = SchoolCalendar.for_school(school)
    meeting = next(
        day for day in (today + timedelta(days=n) for n in range(28, 120)) if calendar.is_school_day(day)
    )

    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    sign_in_browser(page, sendco)
    page.goto(f"{live_server.url}/send/ehc-reviews/")
    expect(page.get_by_test_id(f"plan-row-{plan.pk}")).to_contain_text("Fairhaven Council")
    page.get_by_role("link", name="Plan a review for Rowan Fenwick").click()
    page.get_by_label("Date of the review meeting").fill(meeting.isoformat())
    page.get_by_label("Time").fill("15:30")
    page.get_by_label("Place").fill("The SENDCo's room")
    page.get_by_role("button", name="Plan the review").press("Enter")

    expect(page.get_by_test_id("review-status")).to_have_text("Meeting planned")
    invitations_by = meeting - timedelta(days=14)
    expect(page.get_by_test_id("step-invitations")).to_contain_text(f"{invitations_by:%-d %b %Y}")
    expect(page.get_by_test_id("step-invitations")).to_contain_text("At least 2 weeks' notice")
    expect(page.get_by_test_id("invitees")).to_contain_text("Robin Officer")

    page.get_by_test_id("prepare-invitations").click()
    page.get_by_role("button", name="Prepare the invitation letters").press("Enter")
    expect(page.get_by_test_id("review-status")).to_have_text("Invitations prepared")
    expect(page.get_by_text(re.compile("invitation letters were written"))).to_be_visible()
    # Never "sent": the school prints and posts the letters or hands them over.
    expect(page.get_by_test_id("review-status")).not_to_contain_text(re.compile("sent", re.I))
    page.reload()
    expect(page.get_by_test_id("invitation-letter")).to_have_count(3)  # parent, head, LA officer
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "ehc_review.png"), full_page=True)

    review = AnnualReview.objects.get(plan=plan)
    assert review.invitations_sent_on == today and review.letters.count() == 3
    href = page.get_by_test_id("invitation-letter").first.get_attribute("href")
    response = page.request.get(live_server.url + href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    if SHOTS:
        Path(SHOTS, "ehc_review_invite.pdf").write_bytes(response.body())
    text = re.sub(
        r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    )
    assert "annual review of Rowan's education, health and care plan" in text
    assert f"{meeting.day} {meeting:%B %Y}" in text and "3:30pm" in text

    page.goto(f"{live_server.url}/send/ehc-reviews/")
    expect(page.get_by_test_id(f"plan-row-{plan.pk}")).to_contain_text("Annual review: invitations prepared")
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "ehc_reviews_list.png"), full_page=True)
