"""Menu items and sums of money are never split inside a word: the rule that lets a pasted 5,000-character
word wrap (overflow-wrap: anywhere) broke the headteacher's menu into "Pupil|s" and "Attendan|ce" and a
pupil's provision cost into "£3,24|0.00" and a column heading into "Wa|ve" at 1,200-1,280 px."""

from datetime import date

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# For each element, the words whose letters land on more than one line.
SPLIT_WORDS = """(selector) => {
  const split = [];
  for (const el of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.textContent.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (tops.size > 1) split.push(m[0]);
      }
    }
  }
  return split;
}"""


@pytest.mark.parametrize("width", [1200, 1280])
def test_menu_and_costs_break_only_between_words(
    browser, live_server, sign_in_browser, headteacher, pupil, width
):
    intervention = f.InterventionFactory(
        school=pupil.school, name="One to one support", sessions_per_week=25, minutes_per_session=60
    )
    f.ProvisionEnrolmentFactory(pupil=pupil, intervention=intervention, start_date=date(2026, 9, 7))
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    sign_in_browser(page, headteacher)
    page.goto(live_server.url + reverse("send:pupil_send", args=[pupil.pk]))
    costs = page.locator("main table .text-end").all_inner_texts()
    assert any("," in cost for cost in costs), costs  # a cost in the thousands is on the page

    assert page.evaluate(SPLIT_WORDS, "nav .nav-link") == []
    assert page.evaluate(SPLIT_WORDS, "main table .text-end") == []

    page.goto(live_server.url + reverse("send:provision_map"))  # "Wa|ve" and "Sessio|ns" headings
    assert page.evaluate(SPLIT_WORDS, "main table thead th") == []


def test_send_dashboard_buttons_and_triage_links_keep_their_words_whole(
    browser, live_server, sign_in_browser, sendco, pupil
):
    # Nine buttons in one row that could not wrap squeezed "Deadlines" into "Deadlin|es" and
    # "Settings" into "Setting|s"; the narrow last column split "Tria|ge".
    f.ConcernFactory(pupil=pupil, raised_by=sendco)
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in_browser(page, sendco)
    page.goto(live_server.url + reverse("send:dashboard"))
    assert page.get_by_role("link", name="Deadlines").is_visible()
    assert page.evaluate(SPLIT_WORDS, "main a.btn") == []
    assert page.evaluate(SPLIT_WORDS, "main [data-testid=concern-row] a") == []
