"""A form sent back with errors: the error summary is at the top and focus is on the first field
with an error, on the record-request form and the review form (school/_error_summary.html)."""

import os
from datetime import date

import pytest
import time_machine
from playwright.sync_api import expect

from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SHOTS")  # a folder: screenshots of each page, to look at


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@time_machine.travel(date(2026, 12, 1))
def test_focus_moves_to_the_first_error(browser, live_server, sign_in_browser, headteacher, pupil):
    page = browser.new_context().new_page()
    sign_in_browser(page, headteacher)

    page.goto(f"{live_server.url}/accounts/record-requests/pupils/{pupil.pk}/new/")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("error-summary")).to_contain_text("There is a problem")
    expect(page.locator("#id_kind")).to_be_focused()  # the first field, left empty
    _shot(page, "record-request-errors")

    cycle = f.SupportCycleFactory(pupil=pupil, stage="review")
    target = f.TargetFactory(cycle=cycle)
    page.goto(f"{live_server.url}/send/cycles/{cycle.pk}/review/")
    page.get_by_label("Review date").fill("")
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    expect(page.locator(f"#id_outcome_{target.pk}")).to_be_focused()
    _shot(page, "review-errors")
