"""The SENDCo opens a part-time timetable in a real browser, choosing the sessions with the keyboard only
(Tab to a checkbox, Space to tick it), and sees it flagged on the school's list once it has expired."""

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from attendance.models import RegisterMark
from send.models import PartTimeTimetable
from send.services import part_time
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("PTT_SCREENSHOTS")  # a folder: save what the pages look like, for review


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@time_machine.travel(datetime(2026, 11, 16, 9, 30, tzinfo=ZoneInfo("Europe/London")))
def test_sendco_opens_a_timetable_with_the_keyboard(
    browser, live_server, sign_in_browser, school, own_class, sendco
):
    pupil = f.PupilFactory(
        school=school, registration_class=own_class, legal_first_name="Ada", legal_last_name="Vale"
    )
    expired = f.PupilFactory(
        school=school, registration_class=own_class, legal_first_name="Ben", legal_last_name="Holt"
    )
    with time_machine.travel(date(2026, 11, 2)):
        part_time.part_time_open(
            actor=sendco,
            pupil=expired,
            reason="semh",
            reason_detail="Anxiety about the school day.",
            start_date=date(2026, 11, 2),
            end_date=date(2026, 11, 13),
            sessions=[(0, "AM"), (1, "AM")],
            risk_assessment_on=date(2026, 10, 30),
        )
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in_browser(page, sendco)
    page.goto(f"{live_server.url}/send/pupils/{pupil.pk}/")
    expect(page.get_by_text("No part-time timetable.")).to_be_visible()
    page.get_by_role("link", name="Open a part-time timetable").click()
    page.get_by_label("Exceptional circumstance").select_option("medical")
    page.get_by_label("What makes it necessary").fill("Recovering from an operation; mornings only for now.")
    page.get_by_label("Last day on the part-time timetable").fill("2026-11-27")
    # The session grid with the keyboard: focus Monday morning, then Tab along the row and tick with Space.
    page.get_by_label("Monday morning").focus()
    page.keyboard.press("Space")
    for _ in range(4):  # Monday afternoon, Tuesday morning, ...: tick every morning
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        page.keyboard.press("Space")
    expect(page.get_by_label("Friday morning")).to_be_checked()
    expect(page.get_by_label("Friday afternoon")).not_to_be_checked()
    page.get_by_label("Parent or carer who signed the agreement").fill("Ms Vale")
    page.get_by_label("Date the agreement was signed").fill("2026-11-13")
    page.get_by_label("Risk assessment completed on").fill("2026-11-13")
    _shot(page, "ptt_open_form")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("status")).to_have_text("Active")
    expect(page.get_by_test_id("hours")).to_contain_text("5 of 10 sessions")
    _shot(page, "ptt_detail")
    timetable = PartTimeTimetable.objects.get(pupil=pupil)
    assert timetable.agreed == [(d, "AM") for d in range(5)]
    assert RegisterMark.objects.filter(pupil=pupil, code="C2").count() == 10  # afternoons 16-27 November

    page.goto(f"{live_server.url}/send/pupils/{pupil.pk}/")
    expect(page.get_by_test_id("pupil-timetable")).to_contain_text("In school: every morning")
    _shot(page, "ptt_pupil_send")

    page.goto(f"{live_server.url}/send/part-time/")
    expect(
        page.get_by_test_id("timetable-row").filter(has_text="Ada Vale").get_by_test_id("flag-expired")
    ).to_have_count(0)
    row = page.get_by_test_id("timetable-row").filter(has_text="Ben Holt")
    expect(row.get_by_test_id("flag-expired")).to_be_visible()
    expect(row.get_by_test_id("flag-consent")).to_be_visible()
    _shot(page, "ptt_list")
    page.goto(f"{live_server.url}/send/part-time/{timetable.pk}/review/")
    page.get_by_label("Review held on").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    _shot(page, "ptt_review_errors")
