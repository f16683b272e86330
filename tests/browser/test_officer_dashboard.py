"""The attendance officer's cases dashboard in a real browser: tier counts, filtering, a bulk action,
and opening a case, all with the keyboard and labels a screen reader would use."""

import re
from datetime import date

import pytest

from graduated_response.models import Case
from graduated_response.nightly import nightly_checks_run
from school.models import Role
from tests import factories as f
from tests.graduated_response.conftest import fill_marks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def officer_world(school, own_class, attendance_officer):
    teacher = f.staff(school, Role.CLASS_TEACHER, username="keyadult", first_name="Kim", last_name="Keeling")
    own_class.staff.add(teacher)
    pupils = {}
    for name, every, sen in (("Ashdown", 8, "E"), ("Brightwell", 14, "N"), ("Carrow", 100, "N")):
        pupil = f.PupilFactory(
            school=school, registration_class=own_class, legal_last_name=name, sen_provision=sen
        )
        fill_marks(
            pupil,
            date(2026, 9, 1),
            date(2026, 11, 20),
            lambda d, s, i, every=every: "O" if i % every == 0 else None,
        )
        pupils[name] = pupil
    run = nightly_checks_run(school=school, on=date(2026, 11, 20))
    assert run.status == "succeeded"
    return {"officer": attendance_officer, "teacher": teacher, "pupils": pupils}


def test_officer_filters_cases_sets_a_key_adult_and_opens_a_case(
    page, live_server, sign_in_browser, officer_world
):
    sign_in_browser(page, officer_world["officer"])
    page.goto(f"{live_server.url}/cases/")
    assert page.get_by_test_id("tier-3-count").inner_text() == "1"
    assert page.get_by_test_id("tier-2-count").inner_text() == "1"
    table = page.get_by_test_id("case-table")
    assert "Ashdown" in table.inner_text() and "Brightwell" in table.inner_text()
    assert "Carrow" not in table.inner_text()

    # Filter by tier with the labelled select, as a keyboard user would.
    page.get_by_label("Tier", exact=True).select_option("3")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/cases/?*tier=3*")
    assert "Brightwell" not in page.get_by_test_id("case-table").inner_text()

    # Bulk action: tick the case, choose the key adult, submit.
    page.get_by_role("checkbox", name=re.compile(r"^Choose .* Ashdown$")).check()
    page.get_by_label("Key adult for the ticked cases").select_option(label="Kim Keeling")
    page.get_by_role("button", name="Set key adult").click()
    page.wait_for_url("**/cases/**")
    assert "Key adult set on 1 case." in page.locator("main").inner_text()
    assert Case.objects.get(pupil=officer_world["pupils"]["Ashdown"]).key_adult == officer_world["teacher"]

    # Open the case: figures, the tier chart and the EHC plan routing are there.
    # From the case table: an alert beside it may link "Record the joint review for ... Ashdown" too.
    page.get_by_test_id("case-table").get_by_role("link", name="Ashdown", exact=False).first.click()
    page.wait_for_url("**/cases/*/")
    assert page.get_by_test_id("case-tier").inner_text() == "Tier 3"
    assert page.get_by_test_id("tier-chart").is_visible()
    # The pupil is coded E with no plan record: the joint review is asked for (an early EHC review is
    # asked for only when a plan is in force, tests/graduated_response/test_nightly.py).
    assert "Joint review with the SENDCo" in page.get_by_test_id("case-alerts").inner_text()
