"""Governors see anonymised aggregates: no pupil names or UPNs, small groups suppressed."""

from datetime import date

import pytest
import time_machine

from attendance.models import RegisterMark
from reports.suppression import (
    HIDDEN,
    SMALL,
    count_for_display,
    counts_for_display,
    groups_to_hide,
    hidden_groups_with_reasons,
    is_suppressed_group,
)
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
    """Oak (Year 3) 6 pupils, Ash (Year 4) 3 pupils, Elm (Year 5) 8 pupils: 17 in all."""
    days = [date(2026, 9, d) for d in (2, 3, 4, 7, 8, 9, 10, 11)]
    elm = f.RegistrationClassFactory(school=school, name="Elm", year_group=5)
    oak = [
        f.PupilFactory(school=school, registration_class=own_class, legal_first_name="Zephyrine")
        for _ in range(6)
    ]
    ash = [f.PupilFactory(school=school, registration_class=other_class) for _ in range(3)]
    elm_pupils = [f.PupilFactory(school=school, registration_class=elm) for _ in range(8)]
    for pupil in oak + ash + elm_pupils:
        mark_days(pupil, days, "/")
    # One Oak pupil absent (unauthorised) every day: 0% attendance, so persistently absent.
    RegisterMark.objects.filter(pupil=oak[0]).update(code="O")
    return oak, ash + elm_pupils


@time_machine.travel(TODAY)
def test_governor_sees_figures_by_year_with_small_groups_suppressed(login, governor, year_of_pupils):
    oak, others = year_of_pupils
    response = login(governor).get("/reports/")
    assert response.status_code == 200
    overview = response.context["overview"]
    # 17 pupils x 16 sessions = 272 possible; 16 unauthorised: 256 / 272 = 94.1% (ratio of sums).
    assert str(overview["whole"]["attendance_pct"]) == "94.1"
    assert overview["whole"]["persistent"] == SMALL  # 1 pupil: shown as "fewer than 5"
    years = {
        g["label"]: g for g in next(c for c in overview["cohorts"] if c["label"] == "Year group")["groups"]
    }
    assert years["Year 4"] == {"label": "Year 4", "suppressed": True, "small": True}  # 3 pupils
    # Year 3 is hidden too: whole school minus Years 4 and 5 would give Year 4's figures away.
    # It has 6 pupils, so it is "not shown", never called "fewer than 5".
    assert years["Year 3"] == {"label": "Year 3", "suppressed": True, "small": False}
    assert years["Year 5"]["pupils"] == 8 and str(years["Year 5"]["attendance_pct"]) == "100.0"
    html = response.content.decode()
    assert "Zephyrine" not in html
    for pupil in oak + others:
        assert pupil.upn not in html


@pytest.mark.parametrize(
    "counts, shown",
    [
        ([1, 5], [SMALL, HIDDEN]),
        # Hiding the 0 as well would still leave 9 - 7 = 2 known for the two hidden cells together.
        ([0, 2, 7], [HIDDEN, SMALL, HIDDEN]),
        ([2, 3, 9], [SMALL, SMALL, 9]),
        # No SEN 5, SEN support 1, EHC plan 0 of 6: "one pupil with SEN" must not be worked out.
        ([5, 1, 0], [HIDDEN, SMALL, HIDDEN]),
        ([60, 3, 9], [60, SMALL, HIDDEN]),
        ([0, 9, 12], [0, 9, 12]),
        ([5], [5]),
    ],
)
def test_a_lone_small_count_takes_another_cell_with_it(counts, shown):
    assert counts_for_display(counts) == shown


@pytest.mark.parametrize(
    "sizes, hidden",
    [([4, 416], {0, 1}), ([2, 3, 415], {0, 1}), ([60, 60, 58], set()), ([4, 30, 6], {0, 2}), ([3], {0})],
)
def test_a_lone_small_group_takes_the_next_smallest_group_with_it(sizes, hidden):
    assert groups_to_hide(sizes) == hidden


@time_machine.travel(TODAY)
def test_home_panel_shows_whole_school_attendance(login, governor, year_of_pupils):
    response = login(governor).get("/reports/panel/home/")
    assert response.status_code == 200
    assert "94.1%" in response.content.decode()


def test_class_teacher_sees_reports_but_anonymous_does_not(client, login, class_teacher):
    assert client.get("/reports/").status_code == 302
    assert login(class_teacher).get("/reports/").status_code == 200


@pytest.mark.parametrize(
    "sizes, reasons",
    [
        ([4, 73, 416], {0: SMALL, 1: HIDDEN}),
        ([73, 4], {0: HIDDEN, 1: SMALL}),
        ([2, 3, 415], {0: SMALL, 1: SMALL}),
        ([5, 5], {}),
    ],
)
def test_a_group_hidden_to_protect_another_is_not_called_small(sizes, reasons):
    assert hidden_groups_with_reasons(sizes) == reasons


@time_machine.travel(TODAY)
def test_page_labels_each_kind_of_hidden_group(login, governor, year_of_pupils):
    import re

    html = login(governor).get("/reports/").content.decode()
    rows = {
        label: cells
        for label, cells in re.findall(r'<th scope="row">([^<]+)</th>\s*(.*?)</tr>', html, flags=re.S)
    }
    assert "Fewer than 5 pupils" in rows["Year 4"]
    assert "Fewer than 5" not in rows["Year 3"] and "Not shown" in rows["Year 3"]


@time_machine.travel(TODAY)
def test_sen_counts_never_read_not_shown_pupils(login, governor, school, own_class):
    f.PupilFactory(school=school, registration_class=own_class, sen_provision="E")
    for _ in range(5):
        f.PupilFactory(school=school, registration_class=own_class, sen_provision="K")
    html = login(governor).get("/reports/").content.decode()
    assert "EHC plan: fewer than 5 pupils" in html
    assert "SEN support: not shown" in html  # 5, hidden: with the total it would give the 1 away
    assert "not shown pupils" not in html
