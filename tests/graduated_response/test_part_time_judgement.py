"""The engine judges a pupil on a part-time timetable against the sessions they are expected in: C2
sessions (the agreed part-time timetable) are left out of the possible sessions for the tier."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from graduated_response.models import Case
from graduated_response.nightly import nightly_checks_run
from tests import factories as f
from tests.graduated_response.conftest import fill_marks

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db
NIGHT = date(2026, 11, 20)


def _run(school):
    with time_machine.travel(datetime(2026, 11, 20, 23, 0, tzinfo=LONDON), tick=False):
        return nightly_checks_run(school=school, on=NIGHT)


def _afternoons_c2(pupil, morning=lambda day, i: None):
    # Full-time until half-term, then mornings only (afternoons C2) since 2 November.
    fill_marks(pupil, date(2026, 9, 1), date(2026, 10, 23))
    fill_marks(
        pupil,
        date(2026, 11, 2),
        NIGHT,
        lambda day, session, i: "C2" if session == "PM" else morning(day, i),
    )


def test_a_pupil_keeping_to_the_timetable_opens_no_case(school, own_class):
    pupil = f.PupilFactory(school=school, registration_class=own_class)
    _afternoons_c2(pupil)
    run = _run(school)
    assert run.status == "succeeded" and run.pupils_evaluated == 1
    # By the DfE figures 91 of 106 sessions (85.8%) is Tier 3; against the agreed sessions it is 100%.
    assert not Case.objects.filter(pupil=pupil).exists()


def test_absence_from_the_agreed_sessions_is_judged_over_those_sessions(school, own_class):
    pupil = f.PupilFactory(school=school, registration_class=own_class)
    # 5 of the 15 agreed mornings since 2 November missed.
    _afternoons_c2(pupil, morning=lambda day, i: "O" if i % 6 == 0 else None)
    _run(school)
    case = Case.objects.get(pupil=pupil)
    change = case.tier_changes.get()
    figures = change.figures
    assert (figures["possible"], figures["part_time_c2"]) == (106, 15)
    # 86 attended of 91 expected sessions is 94.5%: Tier 1 (over all 106 possible it would be 81.1%, Tier 3).
    assert (figures["attendance"], figures["expected_possible"], figures["attendance_pct"]) == (
        86,
        91,
        "94.5",
    )
    assert figures["attendance_pct_all_possible"] == "81.1"
    assert case.current_tier == 1


def test_the_figures_are_read_in_a_fixed_number_of_queries(school, own_class, django_assert_max_num_queries):
    from graduated_response import selectors
    from school.calendar import SchoolCalendar

    for _ in range(5):
        _afternoons_c2(f.PupilFactory(school=school, registration_class=own_class))
    calendar = SchoolCalendar.for_school(school)
    with django_assert_max_num_queries(2):
        _, pupils = selectors.school_figures(school=school, on=NIGHT, calendar=calendar)
    assert {pf.expected_possible for pf in pupils} == {106 - 15}


def test_the_case_page_says_what_the_tier_is_judged_on(school, own_class, login, attendance_officer):
    from django.urls import reverse

    pupil = f.PupilFactory(school=school, registration_class=own_class)
    _afternoons_c2(pupil, morning=lambda day, i: "O" if i % 6 == 0 else None)
    _run(school)
    case = Case.objects.get(pupil=pupil)
    with time_machine.travel(datetime(2026, 11, 20, 16, 0, tzinfo=LONDON), tick=False):
        html = (
            login(attendance_officer)
            .get(reverse("graduated_response:case_detail", args=[case.pk]))
            .content.decode()
        )
    assert "Agreed part-time timetable (C2): 15 sessions" in html
    assert "judged against the 91 sessions the pupil was expected in: 94.5% attended" in html
