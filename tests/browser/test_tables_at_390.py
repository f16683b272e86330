"""At a phone's width (390 px) no word in a table is split inside itself ("invitatio|ns"): tables scroll
sideways in their own box (which the keyboard can reach) and the page never grows wider than the
screen; only a long unbroken token (an e-mail address) may break anywhere."""

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from send.models import AnnualReview, ReviewInvitee
from tests.browser.test_words_not_split import SPLIT_WORDS
from tests.send.ehcp_factories import ehc_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Split words, leaving out the long tokens a cell may break anywhere (marked by static/js/app.js).
SPLIT_IN_TABLES = SPLIT_WORDS.replace(
    "if (tops.size > 1) split.push(m[0]);",
    "if (tops.size > 1 && !node.parentElement.closest('.long-token')) split.push(m[0]);",
)


def test_review_pages_keep_every_word_in_their_tables_whole_at_390px(
    browser, live_server, sign_in_browser, sendco, pupil
):
    today = timezone.localdate()
    plan = ehc_plan(pupil=pupil, created_by=sendco, issue_date=today - timedelta(days=300))
    review = AnnualReview.objects.create(
        school=plan.school,
        plan=plan,
        pupil=pupil,
        status="planned",
        meeting_date=today + timedelta(days=40),
        meeting_time=time(15, 30),
        meeting_place="The SENDCo's room",
        created_by=sendco,
        created_at=timezone.now(),
    )
    ReviewInvitee.objects.create(
        review=review,
        role="la_officer",
        name="Sam Caseworker",
        email="sam.caseworker.with.a.long.address@northvale.example.org",
    )
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in_browser(page, sendco)
    for url in (
        reverse("send:ehc_review_detail", args=[review.pk]),
        reverse("send:ehc_reviews"),
        reverse("send:provision_map"),
    ):
        page.goto(live_server.url + url)
        assert page.locator("main table").count() >= 1, url
        assert page.evaluate(SPLIT_IN_TABLES, "main table") == [], url
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{url} is {width}px wide on a 390px screen"
        # Every table is in a box that scrolls; one wider than the screen can be scrolled by keyboard.
        assert page.evaluate(
            "[...document.querySelectorAll('main table')].every(t => t.closest('.table-responsive'))"
        )
        for box in page.locator("main .table-responsive").all():
            if box.evaluate("b => b.scrollWidth > b.clientWidth"):
                assert box.get_attribute("tabindex") == "0" and "scrolls sideways" in box.get_attribute(
                    "aria-label"
                )


def test_plan_section_f_and_deadline_tables_keep_their_words_whole_at_390px(
    browser, live_server, sign_in_browser, sendco, pupil
):
    """Bootstrap's .text-break on the Section F description cell split every word ("struct|ured")."""
    from send.models import PlanProvisionLine

    today = timezone.localdate()
    # Issued 340 days ago: its annual review falls in the deadline calendar's next 8 weeks.
    plan = ehc_plan(pupil=pupil, created_by=sendco, issue_date=today - timedelta(days=340))
    PlanProvisionLine.objects.create(
        plan=plan,
        description="Talk Boost: a structured small-group programme, delivered by a trained teaching assistant.",
        sessions_per_week=5,
        minutes_per_session=30,
        delivered_by="Teaching assistant",
        created_by=sendco,
        created_at=timezone.now(),
    )
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in_browser(page, sendco)
    for url in (
        reverse("send:ehc_plan_detail", args=[plan.pk]),
        reverse("send:section_f_overview"),
        reverse("send:deadlines"),
        reverse("send:ehc_reviews"),
    ):
        page.goto(live_server.url + url)
        assert page.locator("main table").count() >= 1, url
        assert page.evaluate(SPLIT_IN_TABLES, "main table") == [], url
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{url} is {width}px wide on a 390px screen"
    # How the next review's date is counted reads as a sentence, not one word a line.
    assert page.locator("main td.cell-prose").first.bounding_box()["width"] >= 200
