"""Governors see anonymised aggregates: no pupil names or UPNs, small groups suppressed."""

from datetime import date

import pytest
import time_machine

from attendance.models import RegisterMark
from reports.suppression import SMALL, count_for_display, is_suppressed_group
from tests import factories as f

TODAY = date(2026, 9, 11)  # the first two school weeks of 2026/27: 2-4 and 7-11 September


@pytest.mark.parametrize("pupils, suppressed", [(0, True), (4, True), (5, False), (30, False)])
def test_groups_under_five_are_suppressed(pupils, suppressed):
    assert is_suppressed_group(pupils) is suppressed


@pytest.mark.parametrize("count, shown", [(0, 0), (1, SMALL), (4, SMALL), (5, 5), (12, 12)])
def test_small_counts_are_hidden(count, shown):
    assert count_for_display(count) == shown


def mark_days(pupil, days, code):
    RegisterMark.objects.bulk_create(
        RegisterMark(school=pupil.school, pupil=pupil, date=day, session=s, code=code if s == "AM" else code)
        for day in days
        for s in ("AM", "PM")
    )


@pytest.fixture
def year_of_pupils(school, own_class, other_class):
    """Six pupils in Oak (Year 3), three in Ash (Year 4): Year 4 must be suppressed."""
    days = [date(2026, 9, d) for d in (2, 3, 4, 7, 8, 9, 10, 11)]
    oak = [f.PupilFactory(school=school, registration_class=own_class, legal_first_name="Zephyrine")
           for _ in range(6)]
    ash = [f.PupilFactory(school=school, registration_class=other_class) for _ in range(3)]
    for pupil in oak + ash:
        mark_days(pupil, days, "/")
    # One Oak pupil absent (unauthorised) every day: 0% attendance, so persistently absent.
    RegisterMark.objects.filter(pupil=oak[0]).update(code="O")
    return oak, ash


@time_machine.travel(TODAY)
def test_governor_sees_figures_by_year_with_small_groups_suppressed(login, governor, year_of_pupils):
    oak, ash = year_of_pupils
    response = login(governor).get("/reports/")
    assert response.status_code == 200
    overview = response.context["overview"]
    # 9 pupils x 16 sessions = 144 possible; 16 unauthorised: 128 / 144 = 88.9% (ratio of sums).
    assert str(overview["whole"]["attendance_pct"]) == "88.9"
    years = next(c for c in overview["cohorts"] if c["label"] == "Year group")["groups"]
    year3 = next(g for g in years if g["label"] == "Year 3")
    year4 = next(g for g in years if g["label"] == "Year 4")
    assert year3["pupils"] == 6 and str(year3["attendance_pct"]) == "83.3"
    assert year3["persistent"] == SMALL  # 1 pupil: shown as "fewer than 5"
    assert year4 == {"label": "Year 4", "suppressed": True}
    html = response.content.decode()
    assert "Zephyrine" not in html
    for pupil in oak + ash:
        assert pupil.upn not in html


@time_machine.travel(TODAY)
def test_home_panel_shows_whole_school_attendance(login, governor, year_of_pupils):
    response = login(governor).get("/reports/panel/home/")
    assert response.status_code == 200
    assert "88.9%" in response.content.decode()


def test_class_teacher_sees_reports_but_anonymous_does_not(client, login, class_teacher):
    assert client.get("/reports/").status_code == 302
    assert login(class_teacher).get("/reports/").status_code == 200
