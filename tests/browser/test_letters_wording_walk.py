"""A walk through the pages issue 12's last gaps changed, in a real browser: a SEND gate refusal on the
case page keeps the officer's choice and words with the reason beside the letter field (and focus on
it); the meeting page lists the letters it wrote; the batch page says where Letters 2 and 3 are
written; a key adult sees the Attendance case panel on their pupil's page. Screenshots go to
$SCREENSHOT_DIR when it is set (to look at them)."""

import os
from datetime import date, time
from pathlib import Path

import pytest

from graduated_response.models import Case, TierChange
from letters import meetings
from letters.models import Letter
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SCREENSHOT_DIR")


def _shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.fixture
def send_case(pupil):
    pupil.sen_provision = "K"
    pupil.save(update_fields=["sen_provision"])
    f.PupilContactFactory(
        pupil=pupil,
        contact__title="Ms",
        contact__first_name="Alys",
        contact__last_name="Penhallow",
        contact__address="4 Quarry Lane\nLowfield",
        contact__postcode="LF1 2AA",
    )
    case = Case.objects.create(school=pupil.school, pupil=pupil, current_tier=4, opened_on=date(2026, 11, 3))
    TierChange.objects.create(case=case, from_tier=None, to_tier=4, changed_on=date(2026, 11, 3))
    return case


def test_a_send_gate_refusal_keeps_the_form_and_shows_the_reason_beside_it(
    page, live_server, sign_in_browser, attendance_officer, send_case
):
    sign_in_browser(page, attendance_officer)
    page.goto(f"{live_server.url}/cases/{send_case.pk}/")
    page.get_by_test_id("letters-form").wait_for()
    page.locator("select#id_code").select_option("letter_3")
    page.get_by_label("Why it is going").fill("Tier 4 and no better since the meeting")
    page.get_by_role("button", name="Prepare letters").click()
    page.get_by_test_id("error-summary").wait_for()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'id_code'")
    # Still on the case page, the form as the officer left it, the reason beside the letter field.
    assert f"/cases/{send_case.pk}/" in page.url
    assert page.locator("select#id_code").input_value() == "letter_3"
    assert page.get_by_label("Why it is going").input_value() == "Tier 4 and no better since the meeting"
    feedback = page.locator("#error_1_id_code").inner_text()
    assert "joint review with the SENDCo" in feedback
    assert page.evaluate("document.activeElement.id") == "id_code"
    assert not Letter.objects.exists()
    page.get_by_test_id("letters-form").scroll_into_view_if_needed()
    _shot(page, "case-letters-refused")
    # Letter 1 instead: prepared, and the case page shows it in the log.
    page.locator("select#id_code").select_option("letter_1")
    page.get_by_role("button", name="Prepare letters").click()
    page.get_by_text("Letter 1 (initial concerns) prepared for 1 address").wait_for()
    assert (
        "Letter 1 (initial concerns): Tier 4 and no better"
        in page.get_by_test_id("communications").inner_text()
    )
    assert Letter.objects.filter(code="letter_1").count() == 1


def test_meeting_page_batch_page_and_key_adults_pupil_page(
    page, live_server, sign_in_browser, attendance_officer, class_teacher, send_case
):
    pupil = send_case.pupil
    meeting, _ = meetings.meeting_plan(
        actor=attendance_officer,
        pupil=pupil,
        kind="sam",
        planned_on=date(2026, 12, 8),
        planned_time=time(9, 15),
        place="the school office",
    )
    meetings.meeting_letters_produce(actor=attendance_officer, meeting=meeting, purpose="invite")
    sign_in_browser(page, attendance_officer)
    page.goto(f"{live_server.url}/letters/meetings/{meeting.pk}/")
    listed = page.get_by_test_id("meeting-letters")
    assert "Ms A Penhallow" in listed.inner_text()
    _shot(page, "meeting-letters")
    href = listed.get_by_role("link").first.get_attribute("href")
    assert page.request.get(f"{live_server.url}{href}").ok  # the permission-checked download

    page.goto(f"{live_server.url}/cases/letter-batches/new/")
    line = page.get_by_test_id("batch-not-offered")
    assert "Letters 2 and 3 are not offered here" in line.inner_text()
    line.get_by_role("link", name="Attendance meetings").click()
    page.wait_for_url("**/letters/meetings/")
    assert "School Attendance Meeting" in page.get_by_test_id("meetings-planned").inner_text()
    _shot(page, "meetings-list")

    # The class teacher as the case's key adult: the pupil page shows the Attendance case panel.
    send_case.key_adult = class_teacher
    send_case.save(update_fields=["key_adult"])
    page.context.clear_cookies()
    sign_in_browser(page, class_teacher)
    page.goto(f"{live_server.url}/school/pupils/{pupil.pk}/")
    page.get_by_test_id("pupil-cases").wait_for()
    page.get_by_test_id("pupil-cases").get_by_role("link").click()
    page.wait_for_url(f"**/cases/{send_case.pk}/")
    _shot(page, "key-adult-case")
