"""Issue 14, demo data: the office's morning in the demo school is the size of a real one. Today's
morning registers are taken (one register lacks two pupils), so the first-day calls list is today's
Ns and those two, not whole classes; Reception joined on the first school day, so only the handful of
pupils who joined during the year need a new-pupil return; and the monthly return stops at today."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command

from attendance.selectors import registers_not_taken
from attendance.selectors_calls import first_day_calls
from graduated_response import returns_services
from graduated_response.models_returns import LAReturn
from school import demo
from school.calendar import SchoolCalendar
from school.models import Pupil, RegistrationClass, School

LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 11, 23)  # a Monday in term
MORNING = datetime(2026, 11, 23, 10, 30, tzinfo=LONDON)  # after the morning register has closed


def test_the_demo_office_morning_is_a_real_mornings_size(db):
    with time_machine.travel(datetime(2026, 11, 23, 7, 0, tzinfo=LONDON), tick=False):
        call_command("seed_demo", stdout=io.StringIO())
    school = School.objects.get(name=demo.DEMO_SCHOOL)
    calendar = SchoolCalendar.for_school(school)

    with time_machine.travel(MORNING, tick=False):
        missing = registers_not_taken(
            classes=RegistrationClass.objects.filter(school=school), day=TODAY, calendar=calendar, now=MORNING
        )
        am = [item for item in missing if item["session"] == "AM"]
        assert [(item["missing"] < item["on_roll"], item["missing"]) for item in am] == [(True, 2)]
        calls = first_day_calls(school=school, day=TODAY, now=MORNING, calendar=calendar)
        unmarked = [row for row in calls if any("register" in r for r in row["reasons"])]
        assert len(unmarked) == 2
        assert 2 < len(calls) <= 25, len(calls)  # today's Ns and the two unmarked pupils

        returns_services.la_returns_refresh(school=school, today=TODAY)
    new_pupil = LAReturn.objects.filter(school=school, kind=LAReturn.Kind.NEW_PUPIL)
    assert sorted(r.due_on for r in new_pupil) == [date(2026, 10, 19), date(2026, 11, 18), date(2026, 11, 25)]
    assert sum(r.due_on < TODAY for r in new_pupil) == 2  # a realistic handful overdue, one still due
    # Reception joined on the first school day (after the INSET day): no return for any of them.
    first_day = calendar.academic_year_start(TODAY)
    reception = Pupil.objects.filter(school=school, year_group=0)
    assert set(reception.values_list("admission_date", flat=True)) == {first_day}
