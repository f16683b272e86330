"""Issue 14: the case page (and the open-cases table and My work) fits a 390 px phone, the tier chart has dates on its axis, and the last label
of the weekly attendance chart is not cut off at the chart's right edge."""

from datetime import date

import pytest
from django.urls import reverse

from graduated_response.models import Case, CommunicationLog
from graduated_response.nightly import nightly_checks_run
from tests import factories as f
from tests.graduated_response.conftest import fill_marks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}

# Each text of an SVG in its own units: where it starts and ends, against the SVG's viewBox width.
TEXT_BOXES = """(selector) => {
  const svg = document.querySelector(selector);
  const width = svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll('text')].map(t => {
    const b = t.getBBox();
    return {text: t.textContent, left: b.x, right: b.x + b.width, width: width};
  });
}"""
WIDER_THAN_SCREEN = """() => [...document.querySelectorAll('main *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(e => !e.closest('.table-responsive'))
  .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 40))"""


def test_case_page_fits_a_phone_and_its_charts_have_whole_dates(
    browser, live_server, sign_in_browser, school, own_class, attendance_officer
):
    pupil = f.PupilFactory(
        school=school, registration_class=own_class, legal_last_name="Ashdown-Featherstonehaugh"
    )
    fill_marks(pupil, date(2026, 9, 1), date(2026, 11, 13), lambda d, s, i: "O" if i % 14 == 0 else None)
    nightly_checks_run(school=school, on=date(2026, 11, 13))
    fill_marks(pupil, date(2026, 11, 16), date(2026, 11, 20), lambda d, s, i: "O")
    nightly_checks_run(school=school, on=date(2026, 11, 20))
    case = Case.objects.get(pupil=pupil)
    CommunicationLog.objects.create(
        case=case,
        happened_on=date(2026, 11, 18),
        with_whom="Mother and stepfather",
        summary="Talked about the mornings; agreed a breakfast club place from Monday.",
        recorded_by=attendance_officer,
    )
    page = browser.new_context(viewport=PHONE).new_page()
    sign_in_browser(page, attendance_officer)

    page.goto(live_server.url + reverse("graduated_response:case_detail", args=[case.pk]))
    assert page.get_by_test_id("case-tier").inner_text() == "Tier 3"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the case page is {width}px wide: {page.evaluate(WIDER_THAN_SCREEN)}"

    dates = page.get_by_test_id("tier-chart-dates").locator("text").all_text_contents()
    assert dates[0] == "13 Nov" and len(dates) >= 2
    for box in page.evaluate(TEXT_BOXES, '[data-testid="tier-chart"]'):
        assert 0 <= box["left"] and box["right"] <= box["width"], box

    # The open-cases table and My work fit too (the table scrolls inside its own box).
    for name in ("graduated_response:dashboard", "graduated_response:my_work"):
        page.goto(live_server.url + reverse(name))
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{name} is {width}px wide: {page.evaluate(WIDER_THAN_SCREEN)}"

    page.goto(live_server.url + reverse("attendance:pupil_attendance", args=[pupil.pk]))
    boxes = page.evaluate(TEXT_BOXES, "svg.trend-chart")
    assert boxes, "the weekly chart is on the page"
    for box in boxes:
        assert 0 <= box["left"] and box["right"] <= box["width"], box
