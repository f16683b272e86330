"""The SENDCo asks every review of the coming weeks for views in one step, in a real browser, with
labels and the keyboard; a parent then answers through the e-mailed link without an account, and the
words show on the cycle's page as the parent's own."""

import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from send.models import ViewsRequest
from tests import factories as f
from tests.browser.test_accessibility import AXE_OPTIONS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bulk_views_request_and_a_parent_replying_through_the_link(
    browser, live_server, sign_in_browser, settings, school, own_class, sendco
):
    settings.PUBLIC_BASE_URL = live_server.url
    today = timezone.localdate()
    ada = f.PupilFactory(
        school=school, registration_class=own_class, legal_first_name="Ada", legal_last_name="Lovell"
    )
    f.PupilContactFactory(pupil=ada, priority=1, contact__email="ada.parent@example.invalid")
    cycle = f.SupportCycleFactory(pupil=ada, review_due=today + timedelta(days=10))

    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    sign_in_browser(page, sendco)
    page.goto(f"{live_server.url}/send/")
    page.get_by_role("link", name="Ask for views in bulk").click()
    expect(page.get_by_test_id("bulk-row")).to_have_count(1)
    assert Axe().run(page, options=AXE_OPTIONS).violations_count == 0
    page.get_by_label("Reviews in the next (weeks)", exact=True).fill("3")
    page.get_by_role("button", name="Ask the parents and pupils").press("Enter")
    expect(page.get_by_role("heading", name="Forms to print")).to_be_visible()
    expect(page.get_by_test_id("print-status")).to_contain_text("ready")
    assert ViewsRequest.objects.filter(cycle=cycle).count() == 2

    link = re.search(r"(http\S+/send/views/reply/\S+/)", mail.outbox[0].body).group(1)
    parent = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True).new_page()
    parent.goto(link)
    expect(parent.get_by_role("heading", name=re.compile("Your views before"))).to_be_visible()
    assert Axe().run(parent, options=AXE_OPTIONS).violations_count == 0
    parent.get_by_label("Your views").fill("She reads to her brother every night now.")
    parent.keyboard.press("Tab")
    parent.keyboard.press("Enter")
    expect(parent.get_by_role("heading", name="Thank you")).to_be_visible()
    parent.goto(link)
    expect(parent.get_by_test_id("link-state")).to_contain_text("already been used")

    page.goto(f"{live_server.url}/send/cycles/{cycle.pk}/")
    expect(page.get_by_test_id("views-text-parent")).to_contain_text("In the parent's own words")
    expect(page.get_by_test_id("views-text-parent")).to_contain_text("She reads to her brother")
