"""A 5,000-character word (pasted without spaces) wraps: no page grows wider than the screen.

Before the rule covered whole pages, one such word made a page 47,678 px wide.
"""

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORD = "Unbroken" * 625  # 5,000 characters, no spaces
VIEWPORT = {"width": 1280, "height": 900}


def page_width(page, url):
    page.goto(url)
    assert WORD[:200] in page.locator("main").inner_text().replace("\n", "")
    return page.evaluate("document.documentElement.scrollWidth"), page.evaluate("window.innerWidth")


def test_long_words_wrap_on_pupil_and_concern_pages(
    browser, live_server, sign_in_browser, school, own_class, sendco
):
    pupil = f.PupilFactory(school=school, registration_class=own_class, preferred_first_name=WORD[:100])
    f.PupilContactFactory(pupil=pupil, contact__address=WORD)
    concern = f.ConcernFactory(pupil=pupil, what_we_see=WORD, evidence=WORD)
    page = browser.new_context(viewport=VIEWPORT).new_page()
    sign_in_browser(page, sendco)
    urls = (
        reverse("school:pupil_detail", args=[pupil.pk]),
        reverse("send:concern_detail", args=[concern.pk]),
    )
    for url in urls:
        scroll_width, viewport = page_width(page, live_server.url + url)
        assert scroll_width <= viewport, f"{url} is {scroll_width}px wide in a {viewport}px window"
