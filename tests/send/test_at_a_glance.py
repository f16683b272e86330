"""The pupil's SEND page "At a glance" card (issue 15): attendance and its trend, the flags, the EHC
plan, the next dates, and the attendance case lines served by graduated_response's panel."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from graduated_response.models import Case
from send.selectors_glance import next_dates, pupil_flags
from tests import factories as f
from tests.send.ehcp_factories import ehc_plan

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 20)


def _page(client, pupil):
    return client.get(reverse("send:pupil_send", args=[pupil.pk])).content.decode()


@time_machine.travel(TODAY, tick=False)
def test_card_shows_attendance_flags_plan_and_next_dates(login, sendco, pupil):
    pupil.medical_condition = pupil.looked_after = pupil.eal = True
    pupil.save()
    f.SendRecordFactory(pupil=pupil, status="ehc_plan")
    f.SupportCycleFactory(pupil=pupil, number=2, review_due=date(2026, 12, 4), created_by=sendco)
    ehc_plan(pupil=pupil, created_by=sendco, issue_date=date(2026, 1, 15))
    for day in (date(2026, 11, 2), date(2026, 11, 3)):
        f.RegisterMarkFactory(pupil=pupil, date=day, session="AM", code="/")
        f.RegisterMarkFactory(pupil=pupil, date=day, session="PM", code="I")
    f.RegisterMarkFactory(pupil=pupil, date=date(2026, 11, 4), session="AM", code="/")
    f.RegisterMarkFactory(pupil=pupil, date=date(2026, 11, 4), session="PM", code="/")
    html = _page(login(sendco), pupil)
    assert 'data-testid="at-a-glance"' in html
    # 4 of 6 possible sessions attended: 66.7%, and 2 absences in 6 is persistent absence (10% or more).
    assert '<strong data-testid="glance-attendance">66.7%</strong>' in html
    assert "Persistently absent" in html
    assert "Medical condition" in html and "Looked after" in html
    assert "English as an additional language" in html
    assert "Attendance each school week" in html  # the trend chart's text alternative
    assert "Cycle 2 review: 4 Dec 2026" in html
    assert "EHC plan review due by" in html
    assert "Issued 15 Jan 2026" in html


def test_next_dates_are_soonest_first_and_flag_overdue():
    from types import SimpleNamespace as S

    cycle = S(number=1, review_due=date(2026, 11, 1), reviewed_on=None)
    review = S(due=S(due=date(2027, 1, 15)))
    funding = [
        S(review_date=date(2026, 12, 1), get_kind_display=lambda: "Inclusion panel"),
        S(review_date=date(2026, 10, 1), get_kind_display=lambda: "Inclusion panel"),  # passed: left out
    ]
    rows = next_dates(open_cycle=cycle, plan_review=review, funding=funding, today=date(2026, 11, 20))
    assert [(r["what"], r["overdue"]) for r in rows] == [
        ("Cycle 1 review", True),
        ("Inclusion panel review", False),
        ("EHC plan review due by", False),
    ]
    reviewed = S(number=1, review_due=date(2026, 11, 1), reviewed_on=date(2026, 11, 1))
    assert next_dates(open_cycle=reviewed, plan_review=None, funding=[], today=date(2026, 11, 20)) == []


def test_flags_in_plain_english(pupil):
    assert pupil_flags(pupil) == []
    pupil.previously_looked_after = True
    assert pupil_flags(pupil) == ["Previously looked after"]


@time_machine.travel(TODAY, tick=False)
def test_case_panel_tier_for_case_roles_key_adult_for_all(client_for, sendco, class_teacher, pupil):
    Case.objects.create(
        school=pupil.school, pupil=pupil, current_tier=3, opened_on=date(2026, 11, 2), key_adult=sendco
    )
    url = reverse("graduated_response:panel_pupil_send_context", args=[pupil.pk])
    as_sendco = client_for(sendco).get(url).content.decode()
    assert "Tier 3" in as_sendco and str(sendco) in as_sendco
    as_teacher = client_for(class_teacher).get(url).content.decode()
    assert "Tier 3" not in as_teacher and "Open" in as_teacher and str(sendco) in as_teacher


def test_case_panel_out_of_scope_pupil_is_404(login, class_teacher, other_class_pupil):
    url = reverse("graduated_response:panel_pupil_send_context", args=[other_class_pupil.pk])
    assert login(class_teacher).get(url).status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_page_and_panel_queries_do_not_grow_with_marks_or_cases(login, sendco, pupil):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(sendco)
    f.SendRecordFactory(pupil=pupil)
    url = reverse("graduated_response:panel_pupil_send_context", args=[pupil.pk])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("send:pupil_send", args=[pupil.pk])).status_code == 200
            assert client.get(url).status_code == 200
        return len(ctx)

    count()  # the first request warms per-process caches (the calendar, the session)
    first = count()
    for day in (date(2026, 11, 9), date(2026, 11, 10), date(2026, 11, 11)):
        f.RegisterMarkFactory(pupil=pupil, date=day, session="AM", code="/")
    Case.objects.create(school=pupil.school, pupil=pupil, current_tier=2, opened_on=date(2026, 11, 2))
    assert count() == first


@time_machine.travel(TODAY, tick=False)
def test_card_says_no_sessions_yet_without_marks(login, sendco, pupil):
    f.SendRecordFactory(pupil=pupil, status="sen_support")
    html = _page(login(sendco), pupil)
    assert '<strong data-testid="glance-attendance">no sessions yet</strong>' in html
    assert "Persistently absent" not in html
