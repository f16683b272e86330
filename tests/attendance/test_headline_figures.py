"""Figures exactly as the DfE defines them: enrolments with no possible sessions left out of every count,
the compulsory-school-age cohort beside the whole roll, persistent and severe absence as rates, and
thousands separators."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from attendance import statistics
from attendance.models import RegisterMark
from reports.selectors import governor_overview
from school.calendar import SchoolCalendar
from school.models import Pupil
from tests import factories as f
from tests.graduated_response.conftest import fill_marks

TODAY = time_machine.travel("2026-11-23 10:00 +0000", tick=False)
START, END = date(2026, 9, 2), date(2026, 11, 20)


def _absent_first(n):
    """The pupil's first ``n`` sessions are O, the rest present."""
    return lambda day, session, index: "O" if index < n else None


@pytest.fixture
def roll(school, own_class):
    """Six compulsory-age pupils (one severely, one persistently absent), a reception child of 4 who is
    persistently absent, and a pupil whose only marks are D (dual registered: no possible sessions)."""
    pupils = [f.PupilFactory(school=school, registration_class=own_class) for _ in range(6)]
    fill_marks(pupils[0], START, END, _absent_first(60))  # 60 of 106: severe (and persistent)
    fill_marks(pupils[1], START, END, _absent_first(12))  # 12 of 106: persistent
    for pupil in pupils[2:]:
        fill_marks(pupil, START, END)
    young = f.PupilFactory(school=school, registration_class=own_class, date_of_birth=date(2022, 3, 1))
    fill_marks(young, START, END, _absent_first(20))
    elsewhere = f.PupilFactory(school=school, registration_class=own_class)
    fill_marks(elsewhere, START, END, default="D")
    return {"pupils": pupils, "young": young, "elsewhere": elsewhere}


def test_cohorts_leave_out_enrolments_with_no_possible_sessions_and_show_rates(school, roll):
    calendar = SchoolCalendar.for_school(school)
    result = statistics.cohort_comparison(Pupil.objects.filter(school=school), START, END, calendar=calendar)
    by_dimension = {d["field"]: {g["label"]: g for g in d["groups"]} for d in result}
    assert result[0]["label"] == "School age"
    age = by_dimension["compulsory_school_age"]
    compulsory, other = age["Compulsory school age (5 to 15)"], age["Not of compulsory school age"]
    assert (compulsory["pupils"], compulsory["persistent"], compulsory["severe"]) == (6, 2, 1)
    assert (str(compulsory["persistent_pct"]), str(compulsory["severe_pct"])) == ("33.3", "16.7")
    assert (other["pupils"], other["persistent"], str(other["persistent_pct"])) == (1, 1, "100.0")
    # The dual-registered pupil (only D marks) is in no group: 7 pupils, not 8, in every breakdown.
    for groups in by_dimension.values():
        assert sum(g["pupils"] for g in groups.values()) == 7


@TODAY
def test_cohort_page_and_whole_school_page_agree_on_who_counts(login, headteacher, school, roll):
    client = login(headteacher)
    query = f"?start={START:%Y-%m-%d}&end={END:%Y-%m-%d}"
    cohorts = client.get(reverse("attendance:cohorts") + query).content.decode()
    assert "Compulsory school age (5 to 15)" in cohorts and "2 (33.3%)" in cohorts
    overview = client.get(reverse("attendance:school_overview") + query).content.decode()
    assert "Pupils with sessions: <strong>7</strong>" in overview
    assert 'data-testid="persistent-rate">(42.9% of pupils)' in overview  # 3 of 7
    assert "Compulsory school age (5 to 15)" in overview and "Not of compulsory school age" in overview
    # 7 pupils x 106 sessions: the possible sessions carry a thousands separator.
    assert 'Possible sessions</dt><dd class="col-5">742<' in overview
    more = [
        f.PupilFactory(school=school, registration_class=roll["pupils"][0].registration_class)
        for _ in range(3)
    ]
    for pupil in more:
        fill_marks(pupil, START, END)
    overview = client.get(reverse("attendance:school_overview") + query).content.decode()
    assert 'Possible sessions</dt><dd class="col-5">1,060<' in overview


@TODAY
def test_governors_report_leaves_out_enrolments_with_no_sessions(school, roll):
    overview = governor_overview(school=school, today=date(2026, 11, 23))
    assert overview["whole"]["pupils"] == 7
    age = next(c for c in overview["cohorts"] if c["label"] == "School age")
    assert [g["label"] for g in age["groups"]] == [
        "Compulsory school age (5 to 15)",
        "Not of compulsory school age",
    ]
    assert all(g["suppressed"] for g in age["groups"])  # 6 and 1: the small group hides its pair too
    assert overview["whole"]["persistent"] == "fewer than 5" and overview["whole"]["persistent_pct"] is None


def test_a_rate_is_shown_beside_a_count_the_governors_may_see(school, own_class):
    pupils = [f.PupilFactory(school=school, registration_class=own_class) for _ in range(10)]
    for pupil in pupils[:5]:
        fill_marks(pupil, START, END, _absent_first(20))
    for pupil in pupils[5:]:
        fill_marks(pupil, START, END)
    RegisterMark.objects.filter(pupil=pupils[9]).update(code="D")  # no possible sessions: not counted
    with time_machine.travel("2026-11-20 16:00 +0000", tick=False):
        overview = governor_overview(school=school, today=date(2026, 11, 20))
    assert overview["whole"]["pupils"] == 9
    assert (overview["whole"]["persistent"], str(overview["whole"]["persistent_pct"])) == (5, "55.6")
