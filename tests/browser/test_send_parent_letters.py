"""The SENDCo places a pupil on SEN support in a real browser, prepares the letter telling the parents
(SEND Code of Practice 6.75) and opens its PDF. Labels and keyboard only."""

import io
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from send.models import ProvisionNotification
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SCREENSHOT_DIR")  # set to keep screenshots of the pages for a look


def test_sendco_places_a_pupil_on_sen_support_and_prepares_the_letter_to_parents(
    browser, live_server, sign_in_browser, school, own_class, sendco
):
    pupil = f.PupilFactory(
        school=school, registration_class=own_class, legal_first_name="Tilly", legal_last_name="Marsh"
    )
    for title, first, address, postcode, priority in (
        ("Ms", "Jo", "3 Pretend Street\nTestville", "ZZ1 1ZZ", 1),
        ("Mr", "Sam", "8 Imaginary Road\nOthertown", "ZZ2 2ZZ", 2),
    ):
        f.PupilContactFactory(
            pupil=pupil,
            priority=priority,
            contact__title=title,
            contact__first_name=first,
            contact__last_name="Marsh",
            contact__address=address,
            contact__postcode=postcode,
        )

    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    sign_in_browser(page, sendco)
    page.goto(f"{live_server.url}/send/pupils/{pupil.pk}/")
    page.get_by_role("link", name="Change register status").click()
    page.get_by_label("New status").select_option("sen_support")
    page.get_by_label("Why").fill("Reading age two years below; small-group support agreed.")
    page.get_by_label("Parent who agreed").fill("Ms Marsh")
    page.get_by_label("Date the parent agreed").fill("2026-12-01")
    page.get_by_role("button", name="Save").press("Enter")
    expect(page.get_by_test_id("register-status")).to_have_text("SEN support")
    expect(page.get_by_test_id("parents-told-status")).to_have_text("Parents not yet told")

    page.get_by_role("link", name="Prepare the letter telling parents").click()
    expect(page.get_by_test_id("addressees")).to_contain_text("Ms J Marsh")
    expect(page.get_by_test_id("addressees")).to_contain_text("Mr S Marsh")
    page.get_by_label("The support planned").fill("A small reading group three mornings a week.")
    page.get_by_role("button", name="Prepare the letters").press("Enter")
    expect(page.get_by_test_id("parents-told-status")).to_have_text("Parents told by letter")
    expect(page.get_by_test_id("parent-letter")).to_have_count(2)
    # Rendered in the background after the save; the page says "Ready" once it is (never "sent").
    page.reload()
    expect(page.get_by_test_id("letter-status").first).to_have_text("Ready")
    expect(page.get_by_test_id("provision-notice")).not_to_contain_text(re.compile("sent", re.I))
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "send_parent_letters.png"), full_page=True)

    link = page.get_by_role("link", name=re.compile("Open the PDF")).first
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    if SHOTS:
        Path(SHOTS, "send_provision_letter.pdf").write_bytes(response.body())
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    text = re.sub(r"\s+", " ", text)
    assert "Special educational provision for Tilly" in text
    assert "A small reading group three mornings a week." in text
    assert ProvisionNotification.objects.get(pupil=pupil).letters.count() == 2


def test_sendco_invites_the_parents_to_a_review_on_a_school_day(
    browser, live_server, sign_in_browser, school, own_class, sendco
):
    from datetime import timedelta

    from django.utils import timezone

    from school.calendar import SchoolCalendar
    from send import services

    pupil = f.PupilFactory(
        school=school, registration_class=own_class, legal_first_name="Ravi", legal_last_name="Patel"
    )
    f.PupilContactFactory(
        pupil=pupil,
        contact__title="Mrs",
        contact__first_name="Asha",
        contact__last_name="Patel",
        contact__address="4 Storybook Lane\nTestville",
        contact__postcode="ZZ3 3ZZ",
    )
    today = timezone.localdate()
    cycle = services.cycle_start(actor=sendco, pupil=pupil, start_date=today, plan_type="PLP")
    services.target_save(
        actor=sendco,
        cycle=cycle,
        area_of_need="communication",
        target="Asks for help when stuck",
        success_criteria="3 times a week",
        strategies="Help cards",
        provision="",
        responsible="Class teacher",
        review_date=cycle.review_due,
    )
    for stage in ("plan", "do"):
        services.cycle_stage_move(actor=sendco, cycle=cycle, to_stage=stage)
    calendar = SchoolCalendar.for_school(school)
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    school_day = next(
        day for day in (today + timedelta(days=n) for n in range(1, 200)) if calendar.is_school_day(day)
    )

    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    sign_in_browser(page, sendco)
    page.goto(f"{live_server.url}/send/cycles/{cycle.pk}/")
    page.get_by_role("link", name="Invite parents to the review").click()
    expect(page.get_by_test_id("addressees")).to_contain_text("Mrs A Patel")
    page.get_by_label("Date of the review meeting").fill(saturday.isoformat())
    page.get_by_label("Time").fill("15:30")
    page.get_by_label("Place").fill("the SENDCo's room")
    page.get_by_role("button", name="Prepare the invitations").press("Enter")
    expect(page.locator("#id_meeting_date")).to_have_class(re.compile("is-invalid"))
    expect(page.get_by_test_id("error-summary")).to_contain_text("is a Saturday")
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "send_review_invite_refused.png"), full_page=True)

    page.get_by_label("Date of the review meeting").fill(school_day.isoformat())
    page.get_by_role("button", name="Prepare the invitations").press("Enter")
    invitation = page.get_by_test_id("invitation")
    expect(invitation).to_contain_text(f"{school_day.day} {school_day:%B %Y}")
    expect(invitation).to_contain_text("the SENDCo's room")
    page.reload()
    expect(page.get_by_test_id("letter-status")).to_have_text("Ready")
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "send_review_invite.png"), full_page=True)
