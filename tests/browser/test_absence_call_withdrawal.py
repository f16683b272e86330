"""The office records a parent's call in a real browser, finds it was for the wrong pupil and withdraws
it with a reason; the SENDCo restores it from the pupil's attendance page."""

import os
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from attendance.models import AbsenceCall
from school.calendar import SchoolCalendar
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SCREENSHOT_DIR")  # set to keep screenshots of the pages for a look


def _next_school_day(school):
    calendar, day = SchoolCalendar.for_school(school), timezone.localdate()
    for _ in range(60):
        if calendar.is_school_day(day):
            return day
        day += timedelta(days=1)
    pytest.fail("no school day in the test calendar within 60 days of today: extend the test calendar")


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_office_withdraws_a_call_and_the_sendco_restores_it(
    browser, live_server, sign_in_browser, school, own_class, office_staff, sendco
):
    pupil = f.PupilFactory(
        school=school, registration_class=own_class, legal_first_name="Tilly", legal_last_name="Marsh"
    )
    day = _next_school_day(school).isoformat()

    office = browser.new_context().new_page()
    sign_in_browser(office, office_staff)
    office.goto(f"{live_server.url}/attendance/pupils/{pupil.pk}/absence-call/")
    office.get_by_label("Caller's name, if not listed").fill("Mr Marsh")
    office.get_by_label("Reason given").fill("Temperature overnight")
    office.get_by_label("From").fill(day)
    office.get_by_label("To").fill(day)
    office.get_by_role("button", name=re.compile("Record|Save")).click()
    expect(office.get_by_test_id("recent-calls")).to_contain_text("Tilly Marsh")

    office.get_by_test_id("recent-calls").get_by_role("link", name=re.compile("Withdraw")).click()
    expect(office.get_by_test_id("withdraw-note")).to_contain_text("stay as they are")
    _shot(office, "1-withdraw-confirm")
    office.get_by_label("Why is this being withdrawn?").fill("Meant for her cousin Tilly Marsden")
    office.get_by_role("button", name="Withdraw").click()
    expect(office.get_by_text("Absence call withdrawn.")).to_be_visible()
    expect(office.get_by_test_id("recent-calls")).to_have_text("None yet.")
    office.get_by_text("Withdrawn absence calls (1)").click()
    expect(office.get_by_test_id("withdrawn-calls")).to_contain_text("Meant for her cousin")
    expect(
        office.get_by_test_id("withdrawn-calls").get_by_role("button", name=re.compile("Restore"))
    ).to_have_count(0)
    _shot(office, "2-office-dashboard")
    assert AbsenceCall.objects.withdrawn().filter(pupil=pupil).exists()

    senco = browser.new_context().new_page()
    sign_in_browser(senco, sendco)
    senco.goto(f"{live_server.url}/attendance/pupils/{pupil.pk}/")
    senco.get_by_text("Withdrawn absence calls (1)").click()
    _shot(senco, "3-sendco-pupil-page")
    senco.get_by_test_id("withdrawn-calls").get_by_role("button", name=re.compile("Restore")).click()
    expect(senco.get_by_text("Absence call restored.")).to_be_visible()
    expect(senco.get_by_test_id("calls")).to_contain_text("Temperature overnight")
    _shot(senco, "4-sendco-restored")
    assert AbsenceCall.objects.current().filter(pupil=pupil).exists()
