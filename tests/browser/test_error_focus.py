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


def test_changed_pages_walk(browser, live_server, sign_in_browser, headteacher, sendco, trust_lead, pupil):
    """The staff list offers only links the head may use; the cycle page shows every review; the
    set-up page of two-step sign-in has no menu."""
    from send import services

    page = browser.new_context().new_page()
    sign_in_browser(page, headteacher)
    page.goto(f"{live_server.url}/school/manage/staff/")
    expect(page.get_by_role("link", name=f"Change role of {sendco}")).to_be_visible()
    expect(page.get_by_role("link", name=f"Change role of {trust_lead}")).to_have_count(0)
    _shot(page, "staff-list")

    cycle = f.SupportCycleFactory(pupil=pupil, stage="review")
    target = f.TargetFactory(cycle=cycle)
    for n, (on, words) in enumerate(
        ((date(2026, 11, 23), "First round"), (date(2026, 11, 30), "Second round"))
    ):
        if n:
            for stage in ("plan", "do", "review"):
                services.cycle_stage_move(actor=sendco, cycle=cycle, to_stage=stage)
        services.cycle_review_record(
            actor=sendco,
            cycle=cycle,
            outcomes={target.pk: ("partly", "")},
            reviewed_on=on,
            pupil_views="",
            parent_views=words,
            next_steps="Next",
        )
    page.goto(f"{live_server.url}/send/cycles/{cycle.pk}/")
    expect(page.get_by_test_id("review")).to_have_count(2)
    expect(page.get_by_test_id("review").first).to_contain_text("Second round")
    _shot(page, "cycle-reviews")

    fresh = f.staff(pupil.school, "sendco", username="newsendco")
    enrol = browser.new_context().new_page()
    from tests.factories import DEFAULT_PASSWORD

    enrol.goto(f"{live_server.url}/login/")
    enrol.get_by_label("Username").fill(fresh.username)
    enrol.get_by_label("Password").fill(DEFAULT_PASSWORD)
    enrol.get_by_label("Password").press("Enter")
    expect(enrol.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
    expect(enrol.get_by_test_id("main-nav")).to_have_count(0)
    expect(enrol.get_by_role("button", name="Sign out")).to_be_visible()
    _shot(enrol, "mfa-enrol")
