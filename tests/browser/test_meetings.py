"""The attendance officer plans a School Attendance Meeting from a case, records it section by section
and adds a SMART target, in a real browser, by labels only; each page has no accessibility violation."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from graduated_response.models import Case
from letters.models import Meeting
from tests import factories as f
from tests.browser.test_accessibility import check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "bypass_csp": True}  # axe-core is injected by a script


def test_officer_plans_and_records_a_sam_from_the_case(
    page, live_server, sign_in_browser, school, own_class, attendance_officer
):
    today = timezone.localdate()
    pupil = f.PupilFactory(
        school=school, registration_class=own_class, legal_first_name="Tilly", legal_last_name="Marsh"
    )
    case = Case.objects.create(
        school=school, pupil=pupil, current_tier=2, opened_on=today - timedelta(days=20)
    )
    sign_in_browser(page, attendance_officer)
    axe, problems = Axe(), []

    page.goto(f"{live_server.url}/cases/{case.pk}/")
    panel = page.get_by_test_id("case-meetings")
    expect(panel).to_contain_text("No meetings about Tilly Marsh yet.")
    panel.get_by_role("link", name="Plan a meeting").click()
    check(page, axe, "plan", problems)
    page.get_by_label("Meeting").select_option("sam")
    page.get_by_label("Date").fill(today.isoformat())
    page.get_by_label("Place").fill("Meeting room 1")
    page.get_by_role("button", name="Plan the meeting").click()
    expect(page.get_by_test_id("meeting-status")).to_have_text("Planned")
    check(page, axe, "detail (planned)", problems)

    page.get_by_role("link", name="Record the meeting").click()
    check(page, axe, "record", problems)
    page.get_by_label("Present").fill("Mum, class teacher, attendance officer")
    page.get_by_role("group", name="What we are worried about").get_by_label("Education").fill(
        "Missing Monday phonics."
    )
    page.get_by_role("group", name="Next steps").get_by_label("Care").fill("Breakfast club from Monday.")
    page.get_by_label("Child voice").fill("I like breakfast club.")
    page.screenshot(path="/tmp/meeting-record-page.png", full_page=True)
    page.get_by_role("button", name="Save the record").click()
    expect(page.get_by_test_id("meeting-status")).to_have_text("Held")

    page.get_by_role("textbox", name="Target*").fill("Arrive by 8.50am every day this half term.")
    page.get_by_role("textbox", name="Who*").fill("Mum")
    page.get_by_label("Review on").fill((today + timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Add the target").click()
    expect(page.get_by_test_id("meeting-targets")).to_contain_text(
        "Arrive by 8.50am every day this half term."
    )
    check(page, axe, "detail (held)", problems)
    page.screenshot(path="/tmp/meeting-detail-page.png", full_page=True)

    meeting = Meeting.objects.get(pupil=pupil)
    assert meeting.status == "held" and meeting.worried_education == "Missing Monday phonics."
    assert meeting.targets.get().owner == "Mum"
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.get_by_test_id("case-meetings")).to_contain_text("School Attendance Meeting (SAM)")
    assert not problems, "\n\n".join(problems)
