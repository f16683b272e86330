"""Session end in a real browser (issue 15), with a session of a few seconds: the warning opens with the
focus on "Stay signed in", which keeps the session; when it ends anyway, what was typed in a long form
comes back after signing in again, and is gone once the form is sent."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts import middleware
from send.models import Concern
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TYPED = "Covers her ears in assembly and hides under the table when the hall is noisy."


def test_warned_before_the_end_and_the_typed_text_survives_signing_in_again(
    browser, live_server, sign_in_browser, settings, monkeypatch, school, own_class, class_teacher
):
    settings.SESSION_IDLE_SECONDS = 6
    settings.SESSION_WARNING_SECONDS = 4
    monkeypatch.setattr(middleware, "LAST_SEEN_RESOLUTION_SECONDS", 0)  # every page counts as activity
    pupil = f.PupilFactory(school=school, registration_class=own_class, legal_first_name="Ada")
    form_url = f"{live_server.url}/send/pupils/{pupil.pk}/concern/"

    page = browser.new_context().new_page()
    sign_in_browser(page, class_teacher)
    page.goto(form_url)
    page.get_by_label("What you see").fill(TYPED)

    warning = page.get_by_role("dialog")
    expect(warning).to_be_visible(timeout=8000)
    expect(warning).to_contain_text("You will be signed out soon")
    stay = warning.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    page.keyboard.press("Enter")  # posts the keepalive: the idle time starts again
    expect(warning).to_be_hidden()
    # Nothing more is done: the session ends.
    expect(warning.get_by_role("heading")).to_have_text("Your session has ended", timeout=15000)
    expect(warning.get_by_role("link", name="Sign in again")).to_be_focused()

    settings.SESSION_IDLE_SECONDS = 600  # signed in again, the warning stays away for the rest
    settings.SESSION_WARNING_SECONDS = 120
    TOTPDevice.objects.filter(user=class_teacher).update(last_t=-1)  # the same code may be used again
    sign_in_browser(page, class_teacher)
    page.goto(form_url)
    expect(page.get_by_test_id("draft-restored")).to_be_visible()
    expect(page.get_by_label("What you see")).to_have_value(TYPED)

    page.get_by_label("Area of need").select_option("communication")
    page.get_by_label("Evidence").fill("Seen in three assemblies.")
    page.get_by_label("Quality-first-teaching adjustments already in place").fill("Ear defenders offered.")
    page.get_by_role("button", name="Send to the SENDCo").click()
    expect(page.get_by_test_id("concern-status")).to_have_text("Awaiting triage")
    assert Concern.objects.get(pupil=pupil).what_we_see == TYPED

    page.goto(form_url)  # sent: the draft is gone
    expect(page.get_by_label("What you see")).to_have_value("")
    expect(page.get_by_test_id("draft-restored")).to_have_count(0)
