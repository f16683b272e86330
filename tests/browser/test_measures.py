"""The attendance officer works a case's formal measures in a real browser: the panel loads on the
case page, a penalty notice the framework does not allow is refused with its reasons and the
alternatives, and the refusal stays on the case's panel."""

from datetime import date

import pytest

from graduated_response.models import Case, PenaltyNotice, PenaltyNoticeRefusal
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_is_refused_a_penalty_notice_and_sees_why(
    page, live_server, sign_in_browser, attendance_officer, pupil
):
    contact = f.ContactFactory(school=pupil.school, first_name="Alys", last_name="Penhallow")
    f.PupilContactFactory(pupil=pupil, contact=contact, parental_responsibility=True)
    case = Case.objects.create(school=pupil.school, pupil=pupil, current_tier=4, opened_on=date(2026, 11, 3))
    sign_in_browser(page, attendance_officer)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    panel = page.get_by_test_id("case-measures")
    panel.wait_for()
    assert "No formal measures on this case." in panel.inner_text()
    panel.get_by_role("link", name="Penalty notice").click()
    page.wait_for_url(f"**/cases/{case.pk}/measures/penalty-notice/new/")
    assert "Alys Penhallow" in page.get_by_test_id("pn-checks").inner_text()
    page.get_by_label("Parent").select_option(label="Alys Penhallow")
    page.get_by_role("button", name="Record the penalty notice").click()
    refusal = page.get_by_test_id("pn-refusal")
    refusal.wait_for()
    text = refusal.inner_text()
    assert "This penalty notice cannot be issued" in text
    assert "The threshold is not met" in text and "No support is on record" in text
    assert not PenaltyNotice.objects.exists() and PenaltyNoticeRefusal.objects.count() == 1
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.get_by_test_id("penalty-refusals").wait_for()
    assert "Alys Penhallow" in page.get_by_test_id("penalty-refusals").inner_text()
