"""The EHC plan page carries the plan's review card (next review due, 'Plan a review', the reviews so
far), the same card as the pupil's SEND page, for those who manage SEND and only while the plan is in
force."""

from datetime import date

import pytest

from send import services
from tests.send.test_ehc_reviews import _today, plan, schedule  # noqa: F401

pytestmark = pytest.mark.django_db

CARD = 'data-testid="ehc-review-panel"'


def test_the_plan_page_says_when_the_review_is_due_and_links_to_plan_it(login, sendco, plan):  # noqa: F811
    html = login(sendco).get(f"/send/ehc-plans/{plan.pk}/").content.decode()
    assert CARD in html
    # Issued 20 January 2026, no review held: due the day before the same date next year.
    assert "19 January 2027" in html
    assert f"/send/ehc-plans/{plan.pk}/review/new/" in html
    assert "No reviews recorded yet." in html


def test_once_planned_the_card_links_to_the_review_and_no_longer_offers_a_second(login, sendco, plan):  # noqa: F811
    review = schedule(plan, sendco)
    html = login(sendco).get(f"/send/ehc-plans/{plan.pk}/").content.decode()
    assert f"/send/ehc-reviews/{review.pk}/" in html
    assert f"/send/ehc-plans/{plan.pk}/review/new/" not in html


def test_a_class_teacher_reading_the_plan_sees_no_review_card(login, class_teacher, plan):  # noqa: F811
    response = login(class_teacher).get(f"/send/ehc-plans/{plan.pk}/")
    assert response.status_code == 200
    assert CARD not in response.content.decode()


def test_a_ceased_plan_has_no_review_card(login, sendco, plan):  # noqa: F811
    services.ehc_plan_cease(
        actor=sendco, plan=plan, ceased_on=date(2026, 11, 30), reason="Moved to another LA"
    )
    html = login(sendco).get(f"/send/ehc-plans/{plan.pk}/").content.decode()
    assert "Ceased 30 Nov 2026" in html
    assert CARD not in html
