"""The SENDCo's deadline calendar: every SEND deadline of the school, grouped by week, filtered by
local authority and step, for the SENDCo and the headteacher only."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from school.models import Role
from send import deadline_weeks
from send.deadline_calendar import visible_deadlines
from send.deadline_weeks import week_group
from send.deadlines import registered, school_deadlines
from tests import factories as f
from tests.send.deadline_fakes import broken_source, steps_source

LONDON = ZoneInfo("Europe/London")
WEDNESDAY = datetime(2026, 12, 2, 9, 0, tzinfo=LONDON)
TODAY = date(2026, 12, 2)


# --- the rule, without the database -----------------------------------------------------------------
@pytest.mark.parametrize(
    "today, due, group",
    [
        (date(2026, 12, 2), date(2026, 12, 1), "overdue"),
        (date(2026, 12, 2), date(2025, 1, 1), "overdue"),
        (date(2026, 12, 2), date(2026, 12, 2), "this_week"),  # due today: not overdue yet
        (date(2026, 12, 2), date(2026, 12, 6), "this_week"),  # Sunday ends the week
        (date(2026, 12, 2), date(2026, 12, 7), "next_week"),
        (date(2026, 12, 2), date(2026, 12, 13), "next_week"),
        (date(2026, 12, 2), date(2026, 12, 14), "later"),
        (date(2026, 12, 6), date(2026, 12, 6), "this_week"),  # on a Sunday, this week is today
        (date(2026, 12, 6), date(2026, 12, 7), "next_week"),
        (date(2026, 12, 7), date(2026, 12, 13), "this_week"),  # on a Monday, the whole week
        (date(2026, 12, 28), date(2027, 1, 4), "next_week"),  # across the year end
        (date(2028, 2, 28), date(2028, 3, 5), "this_week"),  # a leap year's week: 29 Feb inside
    ],
)
def test_week_group(today, due, group):
    assert week_group(due, today) == group


@pytest.mark.parametrize(
    "today, until",
    [(date(2026, 12, 2), date(2027, 1, 27)), (date(2028, 1, 31), date(2028, 3, 27))],
)
def test_calendar_looks_eight_weeks_ahead(today, until):
    assert deadline_weeks.calendar_until(today) == until


# --- the page -------------------------------------------------------------------------------------
@pytest.fixture
def two_pupils(school, own_class, other_class):
    ada = f.PupilFactory(
        school=school, registration_class=own_class, legal_first_name="Ada", legal_last_name="Lovell"
    )
    ben = f.PupilFactory(
        school=school, registration_class=other_class, legal_first_name="Ben", legal_last_name="Okafor"
    )
    source = steps_source(
        {
            ada.pk: [
                ("ehcp.review.report", date(2026, 11, 30), "Eastmoor Council"),
                ("ehcp.review.invitations", date(2026, 12, 4), "Eastmoor Council"),
                ("ehcp.review.meeting", date(2027, 1, 20), "Eastmoor Council"),
                ("ehcp.review.amended", date(2027, 3, 1), "Eastmoor Council"),  # past the 8 weeks
            ],
            ben.pk: [("ehcp.assessment.advice", date(2026, 12, 9), "Westfold County Council")],
        }
    )
    with registered(source):
        yield ada, ben


def rows_in(content: str, group: str) -> str:
    start = content.index(f'data-testid="group-{group}"')
    end = content.find("<section", start + 1)
    return content[start : end if end != -1 else None]


@time_machine.travel(WEDNESDAY, tick=False)
def test_sendco_sees_every_step_grouped_by_week_with_link_pupil_la_and_rule(login, sendco, two_pupils):
    ada, ben = two_pupils
    page = login(sendco).get(reverse("send:deadlines"))
    assert page.status_code == 200
    content = page.content.decode()
    overdue, this_week = rows_in(content, "overdue"), rows_in(content, "this_week")
    next_week, later = rows_in(content, "next_week"), rows_in(content, "later")
    assert "Step report" in overdue and "Mon 30 Nov 2026" in overdue and "Ada Lovell" in overdue
    assert "Step invitations" in this_week and "Eastmoor Council" in this_week
    assert "Step advice" in next_week and "Ben Okafor" in next_week and "Westfold County Council" in next_week
    assert "Step meeting" in later
    assert "Step amended" not in content  # due after the 8 weeks the page shows
    assert reverse("send:pupil_send", args=[ada.pk]) in this_week
    assert "6 weeks from the day the local authority received the request" in this_week
    assert content.count('data-testid="deadline"') == 4
    assert '<li class="breadcrumb-item"><a href="/send/">SEND</a></li>' in content


@time_machine.travel(WEDNESDAY, tick=False)
def test_filters_by_local_authority_and_by_step(login, headteacher, two_pupils):
    client = login(headteacher)
    content = client.get(
        reverse("send:deadlines"), {"local_authority": "Westfold County Council"}
    ).content.decode()
    assert content.count('data-testid="deadline"') == 1 and "Ben Okafor" in content
    content = client.get(reverse("send:deadlines"), {"kind": "ehcp.review.invitations"}).content.decode()
    assert content.count('data-testid="deadline"') == 1 and "Step invitations" in content
    # A value that is not one of the choices filters nothing out rather than hiding everything.
    content = client.get(reverse("send:deadlines"), {"local_authority": "Nowhere"}).content.decode()
    assert content.count('data-testid="deadline"') == 4


@pytest.mark.parametrize("role", [Role.CLASS_TEACHER, Role.TEACHING_ASSISTANT, Role.GOVERNOR, Role.DSL])
def test_only_the_sendco_and_head_open_the_calendar(client_for, school, role):
    user = f.staff(school, role)
    assert client_for(user).get(reverse("send:deadlines")).status_code == 403


@time_machine.travel(WEDNESDAY, tick=False)
def test_a_failing_source_leaves_the_others_and_the_page_says_it_is_incomplete(login, sendco, pupil):
    good = steps_source({pupil.pk: [("ehcp.review.invitations", date(2026, 12, 3), "")]})
    with registered(broken_source, good):
        content = login(sendco).get(reverse("send:deadlines")).content.decode()
    assert 'data-testid="deadlines-incomplete"' in content
    assert content.count('data-testid="deadline"') == 1


@time_machine.travel(WEDNESDAY, tick=False)
def test_a_complete_calendar_does_not_say_it_is_incomplete(login, sendco, two_pupils):
    assert (
        'data-testid="deadlines-incomplete"'
        not in login(sendco).get(reverse("send:deadlines")).content.decode()
    )


def test_items_about_pupils_out_of_scope_are_left_out(school, sendco, pupil, other_school_pupil):
    # A source bug giving another school's pupil must not show that pupil here.
    source = steps_source({pupil.pk: [("a.b", TODAY, "")], other_school_pupil.pk: [("a.b", TODAY, "")]})

    def leaky(school_, *, today, until):
        return source(school_, today=today, until=until) + source(
            other_school_pupil.school, today=today, until=until
        )

    with registered(leaky):
        assert len(school_deadlines(school, today=TODAY, until=TODAY)) == 2
        visible = visible_deadlines(user=sendco, school=school, today=TODAY, until=TODAY)
    assert [d.pupil_id for d in visible.items] == [pupil.pk]


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_page_makes_the_same_number_of_queries_for_3_and_15_items(login, sendco, school, own_class):
    client = login(sendco)
    client.get(reverse("send:deadlines"))  # the session's first request does its own one-off work

    def queries_with(n: int) -> int:
        pupils = f.PupilFactory.create_batch(n, school=school, registration_class=own_class)
        plan = {p.pk: [("ehcp.review.invitations", date(2026, 12, 3), "Eastmoor Council")] for p in pupils}
        with registered(steps_source(plan)), CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("send:deadlines"))
        assert response.content.decode().count('data-testid="deadline"') == n
        return len(queries)

    assert queries_with(3) == queries_with(15)


def test_the_send_dashboard_links_to_the_calendar(login, sendco):
    with registered():
        content = login(sendco).get(reverse("send:dashboard")).content.decode()
    assert reverse("send:deadlines") in content


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_dashboard_counts_overdue_deadlines_and_links_to_the_calendar_filtered_to_them(
    login, sendco, pupil
):
    steps = steps_source(
        {
            pupil.pk: [
                ("ehcp.review.report", date(2026, 11, 30), "Eastmoor Council"),
                ("ehcp.review.advice", date(2026, 11, 2), "Eastmoor Council"),
                ("ehcp.review.invitations", date(2026, 12, 4), "Eastmoor Council"),
            ]
        }
    )
    client = login(sendco)
    with registered(steps):
        dashboard = client.get(reverse("send:dashboard")).content.decode()
        link = reverse("send:deadlines") + "?when=overdue"
        assert f'href="{link}" data-testid="deadlines-overdue">2<' in dashboard
        content = client.get(link).content.decode()
        everything = client.get(reverse("send:deadlines")).content.decode()
    assert content.count('data-testid="deadline"') == 2
    assert 'data-testid="group-overdue"' in content and 'data-testid="group-this_week"' not in content
    overdue = rows_in(content, "overdue")
    assert "Step report" in overdue and "Step advice" in overdue and "Step invitations" not in overdue
    assert everything.count('data-testid="deadline"') == 3


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_dashboard_shows_none_overdue_when_a_step_is_due_today(login, sendco, pupil):
    today_only = steps_source({pupil.pk: [("ehcp.review.report", TODAY, "")]})
    with registered(today_only):
        dashboard = login(sendco).get(reverse("send:dashboard")).content.decode()
    assert 'data-testid="deadlines-overdue">0<' in dashboard


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_overdue_count_leaves_out_pupils_the_user_cannot_see(
    sendco, class_teacher, pupil, other_class_pupil, school
):
    from send.deadline_calendar import overdue_count

    late = steps_source(
        {
            pupil.pk: [("ehcp.review.report", date(2026, 11, 1), "")],
            other_class_pupil.pk: [("ehcp.review.report", date(2026, 11, 1), "")],
        }
    )
    with registered(late):
        assert overdue_count(user=sendco, school=school, today=TODAY) == 2
        assert overdue_count(user=class_teacher, school=school, today=TODAY) == 1
