"""The SENDCo sees views completion across the school: each open review, whose views are in."""

from datetime import date

import time_machine

from send.models import ViewsRequest
from send.views.cycles import VIEWS_COMPLETION_PER_PAGE
from tests import factories as f


def _cycle(pupil, due, **extra):
    return f.SupportCycleFactory(pupil=pupil, review_due=due, **extra)


def _views(cycle, respondent, user, received=None):
    return ViewsRequest.objects.create(
        cycle=cycle,
        respondent=respondent,
        method="printed",
        requested_by=user,
        sent_at="2026-11-10T09:00:00Z",
        views="Fine" if received else "",
        received_on=received,
    )


@time_machine.travel("2026-11-23 09:00", tick=False)
def test_each_open_review_shows_whose_views_are_in(
    login, sendco, school, pupil, other_class_pupil, own_class, other_school_pupil
):
    both = _cycle(pupil, date(2026, 11, 20))
    _views(both, "parent", sendco, received=date(2026, 11, 18))
    _views(both, "pupil", sendco, received=date(2026, 11, 19))
    asked = _cycle(other_class_pupil, date(2026, 12, 1))
    _views(asked, "parent", sendco)
    f.SupportCycleFactory(pupil=f.PupilFactory(school=school), number=1, stage="closed")  # closed: not listed
    _cycle(other_school_pupil, date(2026, 12, 1))  # another school: never listed
    client = login(sendco)
    page = client.get("/send/views-completion/").content.decode()
    rows = page.split('data-testid="views-row"')[1:]
    assert len(rows) == 2
    assert str(pupil) in rows[0] and "Overdue" in rows[0]  # soonest first
    assert rows[0].count('text-bg-success">In') == 2
    assert str(other_class_pupil) in rows[1] and "Asked" in rows[1] and "Not asked" in rows[1]
    assert str(other_school_pupil) not in page
    by_class = client.get(f"/send/views-completion/?registration_class={own_class.pk}").content.decode()
    assert str(pupil) in by_class and str(other_class_pupil) not in by_class
    missing = client.get("/send/views-completion/?missing_only=on").content.decode()
    assert str(pupil) not in missing and str(other_class_pupil) in missing


def test_the_list_is_paginated_with_constant_queries(
    login, sendco, school, own_class, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            cycle = _cycle(f.PupilFactory(school=school, registration_class=own_class), date(2026, 12, 1))
            _views(cycle, "parent", sendco, received=date(2026, 11, 20))

    client = login(sendco)
    add(3)
    with django_assert_max_num_queries(15) as few:
        client.get(f"/send/views-completion/?registration_class={own_class.pk}")
    add(VIEWS_COMPLETION_PER_PAGE + 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        first = client.get(f"/send/views-completion/?registration_class={own_class.pk}")
    assert first.content.decode().count('data-testid="views-row"') == VIEWS_COMPLETION_PER_PAGE
    assert "Page 1 of 2" in first.content.decode()
    second = client.get(f"/send/views-completion/?registration_class={own_class.pk}&page=2")
    assert second.content.decode().count('data-testid="views-row"') == 8


def test_a_class_teacher_cannot_open_it(login, class_teacher):
    assert login(class_teacher).get("/send/views-completion/").status_code == 403
