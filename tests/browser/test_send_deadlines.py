"""The SENDCo opens the deadline calendar, filters it by local authority and makes a private calendar
link, in a real browser, with labels and the keyboard; the link shown then works without signing in."""

import os
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from send.deadlines import registered
from tests import factories as f
from tests.browser.test_accessibility import AXE_OPTIONS
from tests.send.deadline_fakes import steps_source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sendco_filters_the_calendar_and_makes_a_calendar_link(
    browser, live_server, sign_in_browser, school, own_class, other_class, sendco
):
    today = timezone.localdate()
    ada = f.PupilFactory(
        school=school, registration_class=own_class, legal_first_name="Ada", legal_last_name="Lovell"
    )
    ben = f.PupilFactory(
        school=school, registration_class=other_class, legal_first_name="Ben", legal_last_name="Okafor"
    )
    source = steps_source(
        {
            ada.pk: [
                ("ehcp.review.report", today - timedelta(days=3), "Eastmoor Council"),
                ("ehcp.review.invitations", today, "Eastmoor Council"),
            ],
            ben.pk: [
                ("ehcp.assessment.advice", today + timedelta(days=8), "Westfold County Council"),
                ("ehcp.assessment.decision", today + timedelta(days=30), "Westfold County Council"),
            ],
        }
    )
    with registered(source):
        # axe-core is injected by a script, which the page's own CSP (rightly) forbids.
        page = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True).new_page()
        sign_in_browser(page, sendco)
        page.goto(f"{live_server.url}/send/")
        page.get_by_role("link", name="Deadlines").click()
        expect(page.get_by_role("heading", name="SEND deadlines")).to_be_visible()
        expect(page.get_by_test_id("deadline")).to_have_count(4)
        axe = Axe()
        assert axe.run(page, options=AXE_OPTIONS).violations_count == 0
        if os.environ.get("CAL_SHOTS"):
            page.screenshot(path=os.path.join(os.environ["CAL_SHOTS"], "deadlines.png"), full_page=True)

        page.get_by_label("Local authority").select_option("Westfold County Council")
        page.get_by_role("button", name="Filter").press("Enter")
        expect(page.get_by_test_id("deadline")).to_have_count(2)
        expect(page.get_by_test_id("group-overdue")).to_contain_text("Nothing overdue")

        page.get_by_role("button", name="Make a calendar link").focus()
        page.keyboard.press("Enter")
        url = page.get_by_label("Calendar link").input_value()
        assert axe.run(page, options=AXE_OPTIONS).violations_count == 0
        if os.environ.get("CAL_SHOTS"):
            page.screenshot(path=os.path.join(os.environ["CAL_SHOTS"], "link.png"), full_page=True)
        assert url.startswith(live_server.url) and url.endswith(".ics")
        response = Client().get(url.removeprefix(live_server.url))
        assert response.status_code == 200 and b"BEGIN:VEVENT" in response.content


def test_at_390_px_the_step_keeps_its_words_and_the_table_scrolls_in_its_box(
    browser, live_server, sign_in_browser, school, own_class, sendco
):
    """The fixed columns took the whole phone width and the step's link stood one letter a line."""
    today = timezone.localdate()
    ada = f.PupilFactory(school=school, registration_class=own_class, legal_last_name="Lovell")
    source = steps_source({ada.pk: [("ehcp.review.report", today - timedelta(days=3), "Eastmoor Council")]})
    with registered(source):
        page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
        sign_in_browser(page, sendco)
        page.goto(f"{live_server.url}/send/deadlines/")
        link = page.get_by_test_id("deadline").get_by_role("link")
        expect(link).to_be_visible()
        assert link.locator("xpath=..").bounding_box()["width"] > 100  # its cell: several words a line
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        box = page.locator(".table-responsive").first
        assert box.evaluate("b => b.scrollWidth > b.clientWidth")
