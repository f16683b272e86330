"""A SENDCo's term in a real browser: the register list filtered to overdue reviews, a cycle that moved
to Review by itself, the review recorded with its decision, and the next cycle started in one step with
one unmet target carried forward. Labels and buttons only, as a screen reader user would."""

import os
import re
from datetime import date

import pytest
import time_machine
from playwright.sync_api import expect

from send.models import SupportCycle
from send.services.cycle_calendar import cycles_move_due_to_review
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SHOTS")  # a folder: screenshots of each page, to look at


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@time_machine.travel(date(2026, 12, 7))
def test_a_term_of_cycles(browser, live_server, sign_in_browser, school, own_class, sendco):
    pupil = f.PupilFactory(
        school=school, registration_class=own_class, legal_first_name="Nell", legal_last_name="Hartley"
    )
    f.SendRecordFactory(pupil=pupil, status="sen_support", primary_need="SLCN")
    cycle = f.SupportCycleFactory(pupil=pupil, stage="do", review_due=date(2026, 12, 4))
    f.TargetFactory(cycle=cycle, target="Follow a two-step instruction")
    f.TargetFactory(cycle=cycle, target="Ask for help with the help card")
    cycles_move_due_to_review(school=school, on=date(2026, 12, 4))  # the nightly run on its review date

    page = browser.new_context().new_page()
    sign_in_browser(page, sendco)
    page.goto(f"{live_server.url}/send/")
    page.get_by_role("link", name=re.compile("pupils: SEN support, show the list")).click()
    page.get_by_label("Next review").select_option("overdue")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("register-row")).to_have_count(1)
    row = page.get_by_test_id("register-row")
    expect(row).to_contain_text("Nell Hartley")
    expect(row.get_by_text("Overdue")).to_be_visible()
    _shot(page, "register-overdue")

    row.get_by_role("link", name=re.compile("Review")).click()
    expect(page.get_by_test_id("cycle-stage")).to_have_text("Review")
    expect(page.get_by_test_id("stage-history")).to_contain_text("automatically (review date reached)")
    _shot(page, "cycle-moved-to-review")

    page.get_by_role("link", name="Record the review").click()
    outcomes = page.get_by_label("Outcome")
    outcomes.nth(0).select_option("achieved")
    outcomes.nth(1).select_option("not_achieved")
    page.get_by_label("Evidence").nth(1).fill("Used the card twice in three weeks")
    page.get_by_label("Who attended").fill("Nell, Mrs Hartley (mother), Mr Day (class teacher)")
    page.get_by_label("Who led the review").fill("Stacey Watkins (SENDCo)")
    page.get_by_label("Next steps").fill("Keep the help card; add a visual prompt")
    page.get_by_label("Increase support").check()
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_test_id("review-decision")).to_contain_text("Increase support")

    page.get_by_role("link", name="Close and start the next cycle").click()
    carry = page.get_by_label(re.compile("Ask for help with the help card"))
    expect(carry).not_to_be_checked()
    carry.check()
    _shot(page, "close-and-start-next")
    page.get_by_role("button", name=re.compile("Close cycle 1 and start cycle 2")).click()
    expect(page.get_by_text("1 target not yet achieved was carried forward.")).to_be_visible()
    expect(page.get_by_test_id("last-outcome")).to_contain_text("Not achieved: Used the card twice")
    _shot(page, "next-cycle")

    assert SupportCycle.objects.get(pk=cycle.pk).stage == "closed"
    new = SupportCycle.objects.get(pupil=pupil, number=2)
    assert [t.target for t in new.targets.all()] == ["Ask for help with the help card"]
