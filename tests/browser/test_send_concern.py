"""A class teacher logs a concern in a real browser; the SENDCo triages it and adds the pupil to the SEN
register with the parents' agreement. Labels and keyboard only, as a screen reader user would."""

import re

import pytest
from playwright.sync_api import expect

from school.models import Pupil
from send.models import Concern, SendRecord
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_teacher_logs_a_concern_and_the_sendco_adds_the_pupil_to_the_register(
    browser, live_server, sign_in_browser, school, own_class, class_teacher, sendco
):
    pupil = f.PupilFactory(
        school=school, registration_class=own_class, legal_first_name="Tilly", legal_last_name="Marsh"
    )

    teacher_page = browser.new_context().new_page()
    sign_in_browser(teacher_page, class_teacher)
    teacher_page.goto(f"{live_server.url}/send/pupils/{pupil.pk}/concern/")
    teacher_page.get_by_label("Area of need").select_option("communication")
    teacher_page.get_by_label("What you see").fill("Finds it hard to follow instructions given to the class.")
    teacher_page.get_by_label("Evidence").fill("Speech screen in October: 3 of 10.")
    teacher_page.get_by_label("Quality-first-teaching adjustments already in place").fill("Visual timetable.")
    teacher_page.get_by_role("button", name="Send to the SENDCo").click()
    expect(teacher_page.get_by_test_id("concern-status")).to_have_text("Awaiting triage")
    concern = Concern.objects.get(pupil=pupil)
    assert concern.raised_by == class_teacher

    sendco_page = browser.new_context().new_page()
    sign_in_browser(sendco_page, sendco)
    sendco_page.goto(f"{live_server.url}/send/")
    row = sendco_page.get_by_test_id("concern-row").filter(has_text="Tilly Marsh")
    row.get_by_role("link", name=re.compile("Triage")).click()
    sendco_page.get_by_label("Meet the parents").check()
    sendco_page.get_by_label("Parents' meeting date").fill("2026-11-25")
    sendco_page.get_by_label("Add to the SEN register").check()
    sendco_page.get_by_label("Parent who agreed").fill("Ms Marsh")
    sendco_page.get_by_label("Date the parent agreed").fill("2026-11-25")
    sendco_page.get_by_label("Primary need (optional)").select_option("SLCN")
    sendco_page.get_by_role("button", name="Save triage").press("Enter")
    expect(sendco_page.get_by_test_id("register-status")).to_have_text("SEN support")
    expect(sendco_page.get_by_test_id("history-row")).to_contain_text("Parents' agreement: Ms Marsh")

    assert SendRecord.objects.get(pupil=pupil).status == "sen_support"
    assert Pupil.objects.get(pk=pupil.pk).sen_provision == "K"
    assert Concern.objects.get(pk=concern.pk).outcome == "add_to_register"
