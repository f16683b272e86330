"""Attendance pages: what each role sees, with query counts that do not grow with the school."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from attendance.models import RegisterMark
from tests import factories as f


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-11-23 10:00 +0000", tick=False):
        yield


def give_marks(pupil, codes, start_day=16):
    RegisterMark.objects.bulk_create(
        [
            RegisterMark(
                school=pupil.school,
                pupil=pupil,
                date=date(2026, 11, start_day + i // 2),
                session="AM" if i % 2 == 0 else "PM",
                code=code,
            )
            for i, code in enumerate(codes)
        ]
    )


def many_pupils(school, cls, n, codes):
    pupils = [f.PupilFactory(school=school, registration_class=cls) for _ in range(n)]
    for p in pupils:
        give_marks(p, codes)
    return pupils


def test_pupil_page_shows_figures_calendar_chart_and_history(
    login, attendance_officer, pupil, django_assert_max_num_queries
):
    give_marks(pupil, ["/", "\\", "I", "I", "/", "\\", "O", "O", "/", "\\"])
    client = login(attendance_officer)
    # +1: the menu asks once a request whether the user has a class (policy.has_own_class)
    with django_assert_max_num_queries(21):
        response = client.get(reverse("attendance:pupil_attendance", args=[pupil.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="attendance-pct">60.0%' in body
    assert "cat-authorised" in body and "cat-unauthorised" in body and "cat-present" in body
    assert "<svg" in body and "<polyline" in body
    assert "Persistent absence" in body or "Severe absence" in body


def test_pupil_panel_for_the_class_teacher_but_not_other_classes(
    login, class_teacher, pupil, other_class_pupil
):
    client = login(class_teacher)
    assert client.get(reverse("attendance:panel_pupil", args=[pupil.pk])).status_code == 200
    assert client.get(reverse("attendance:panel_pupil", args=[other_class_pupil.pk])).status_code == 404
    assert client.get(reverse("attendance:pupil_attendance", args=[other_class_pupil.pk])).status_code == 404


def test_zero_sessions_shows_no_sessions_yet(login, class_teacher, pupil):
    body = login(class_teacher).get(reverse("attendance:panel_pupil", args=[pupil.pk])).content.decode()
    assert "No sessions yet" in body


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("attendance:school_overview", {}),
        ("attendance:cohorts", {}),
        ("attendance:absence_list", {}),
        ("attendance:year_attendance", {"year": "3"}),
        ("attendance:register_list", {}),
        ("attendance:pupil_attendance", "pupil"),
        ("attendance:class_attendance", "class"),
    ],
)
def test_governors_see_no_register_and_no_pupil_level_data(login, governor, pupil, own_class, name, kwargs):
    if kwargs == "pupil":
        kwargs = {"pupil_id": pupil.pk}
    elif kwargs == "class":
        kwargs = {"class_id": own_class.pk}
    assert login(governor).get(reverse(name, kwargs=kwargs)).status_code == 403


def test_school_overview_queries_do_not_grow_with_pupils(
    login, headteacher, school, own_class, other_class, django_assert_max_num_queries
):
    many_pupils(school, own_class, 3, ["/", "\\"] * 5)
    client = login(headteacher)
    with django_assert_max_num_queries(20):
        small = client.get(reverse("attendance:school_overview"))
    many_pupils(school, other_class, 25, ["O", "O"] + ["/", "\\"] * 4)
    with django_assert_max_num_queries(20):
        large = client.get(reverse("attendance:school_overview"))
    body = large.content.decode()
    assert 'data-testid="persistent-count">25<' in body
    assert small.status_code == 200


def test_absence_list_filters_and_paginates(
    login, attendance_officer, school, own_class, other_class, django_assert_max_num_queries
):
    many_pupils(school, own_class, 55, ["O"] * 6 + ["/", "\\"] * 2)  # 60% absent: severe
    many_pupils(school, other_class, 2, ["O"] + ["/", "\\"] * 4 + ["/"])  # 10%: persistent
    client = login(attendance_officer)
    with django_assert_max_num_queries(20):
        page1 = client.get(reverse("attendance:absence_list") + "?start=2026-11-02&end=2026-11-20")
    body = page1.content.decode()
    assert "57 pupils" in body and "Page 1 of 2" in body
    ash = client.get(
        reverse("attendance:absence_list") + f"?registration_class={other_class.pk}"
    ).content.decode()
    assert "2 pupils" in ash
    severe = client.get(
        reverse("attendance:absence_list") + f"?severe=severe&registration_class={other_class.pk}"
    )
    assert "0 pupils" in severe.content.decode()


def test_cohorts_and_class_views(login, headteacher, school, own_class, django_assert_max_num_queries):
    ehcp = f.PupilFactory(school=school, registration_class=own_class, sen_provision="E")
    give_marks(ehcp, ["I"] * 10)
    many_pupils(school, own_class, 4, ["/", "\\"] * 5)
    client = login(headteacher)
    with django_assert_max_num_queries(20):
        body = client.get(reverse("attendance:cohorts")).content.decode()
    assert "EHC plan" in body and "0.0%" in body
    with django_assert_max_num_queries(22):
        cls = client.get(reverse("attendance:class_attendance", args=[own_class.pk])).content.decode()
    assert 'data-testid="weekly-table"' in cls and 'data-testid="severe-count">1<' in cls


def test_a_year_group_the_school_does_not_have_is_404(login, headteacher, pupil):
    client = login(headteacher)
    assert client.get(reverse("attendance:year_attendance", args=[str(pupil.year_group)])).status_code == 200
    assert client.get(reverse("attendance:year_attendance", args=["9"])).status_code == 404
