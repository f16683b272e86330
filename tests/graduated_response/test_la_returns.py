"""Returns to the local authority: which become due and by when, recording one as sent, the nightly run
making them, and the monthly attendance return CSV."""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from graduated_response import returns_services
from graduated_response.models import Alert, LAReturn
from graduated_response.nightly import nightly_checks_run
from graduated_response.returns_selectors import monthly_return_rows
from school.models import AuditEntry, ClosureDay
from tests import factories as f
from tests.graduated_response.conftest import fill_marks

LONDON = ZoneInfo("Europe/London")
TODAY = time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=LONDON), tick=False)
pytestmark = pytest.mark.django_db


def _alert(pupil, kind, period_key, created_on, message="Raised by the nightly checks.", figures=None):
    return Alert.objects.create(
        school=pupil.school,
        pupil=pupil,
        kind=kind,
        period_key=period_key,
        message=message,
        figures=figures or {},
        for_roles=",attendance_officer,",
        created_on=created_on,
    )


def _returns(school):
    return {(r.pupil_id, r.kind): r for r in LAReturn.objects.filter(school=school)}


@TODAY
def test_new_pupils_and_leavers_get_returns_with_the_admission_register_items(school, own_class, other_class):
    settled = f.PupilFactory(school=school, registration_class=own_class)  # admitted in 2022: no return
    joiner = f.PupilFactory(school=school, registration_class=own_class, admission_date=date(2026, 11, 4))
    f.PupilContactFactory(pupil=joiner, contact__address="4 Mill Lane\nNorthby", contact__postcode="NB1 2AA")
    leaver = f.PupilFactory(school=school, registration_class=own_class, leaving_date=date(2026, 11, 13))
    # Joining the most junior year (Year 3 here) on the first school day needs no return; Year 4 does.
    f.PupilFactory(school=school, registration_class=own_class, admission_date=date(2026, 9, 2))
    september = f.PupilFactory(school=school, registration_class=other_class, admission_date=date(2026, 9, 2))

    assert returns_services.la_returns_refresh(school=school, today=date(2026, 11, 23)) == 3
    found = _returns(school)
    assert set(found) == {
        (joiner.pk, "new_pupil"),
        (leaver.pk, "deletion"),
        (september.pk, "new_pupil"),
    }
    assert found[(joiner.pk, "new_pupil")].due_on == date(2026, 11, 9)  # end of the 5th day after
    assert found[(leaver.pk, "deletion")].due_on == date(2026, 11, 14)  # the day the name is deleted
    contents = found[(joiner.pk, "new_pupil")].contents
    assert (contents["upn"], contents["admission_date"], contents["class"]) == (
        joiner.upn,
        "2026-11-04",
        "Oak",
    )
    assert contents["contacts"][0]["address"] == "4 Mill Lane\nNorthby"
    assert contents["contacts"][0]["parental_responsibility"] is True
    assert settled.pk not in {r.pupil_id for r in found.values()}
    assert AuditEntry.objects.filter(action="graduated_response.la_return.due").count() == 3

    # Again (the next night, or the button): nothing new, nothing audited twice.
    assert returns_services.la_returns_refresh(school=school, today=date(2026, 11, 24)) == 0
    assert LAReturn.objects.count() == 3
    assert AuditEntry.objects.filter(action="graduated_response.la_return.due").count() == 3


@TODAY
def test_ten_continuous_days_alert_makes_a_return_due_with_the_months_return(school, pupil):
    _alert(
        pupil,
        "continuous_unauthorised",
        "2026-11-02",
        date(2026, 11, 17),
        message="10 continuous school days of unauthorised absence, from 2 November 2026 to 13 November 2026.",
        figures={"days": 10, "from": "2026-11-02", "to": "2026-11-13"},
    )
    returns_services.la_returns_refresh(school=school, today=date(2026, 11, 23))
    found = LAReturn.objects.get()
    assert (found.kind, found.due_on, found.period_key) == (
        "continuous_unauthorised",
        date(2026, 11, 30),
        "2026-11-02",
    )
    assert "from 2 November 2026" in found.reason
    assert found.contents["period"]["days"] == 10


@TODAY
def test_one_sickness_return_per_period_of_illness(school, pupil):
    illness = {date(2026, 11, d) for d in (2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 17, 18)}
    illness |= {date(2026, 10, d) for d in (5,)}  # a day off ill before the year's total was reached
    fill_marks(pupil, date(2026, 9, 2), date(2026, 11, 20), lambda day, s, i: "I" if day in illness else None)
    _alert(pupil, "illness_15_days", "2026", date(2026, 11, 10))

    returns_services.la_returns_refresh(school=school, today=date(2026, 11, 23))
    periods = sorted(
        (r.period_key, r.due_on, r.contents["period"]["sessions"])
        for r in LAReturn.objects.filter(kind="sickness")
    )
    # The period in progress when the alert came, and the separate period from 17 November; not 5 October.
    assert periods == [("2026-11-02", date(2026, 11, 30), 20), ("2026-11-17", date(2026, 11, 30), 4)]


def _ill_around_a_closure(school, pupil, *, monday_16: str | None):
    """Ill from Thu 5 to Fri 13 Nov and from Tue 17 to Fri 20 Nov; Monday 16 is an INSET day in the
    calendar (``monday_16`` None) or a school day with that code."""
    if monday_16 is None:
        ClosureDay.objects.create(school=school, date=date(2026, 11, 16), kind="inset")
    ill = {date(2026, 11, d) for d in (5, 6, 9, 10, 11, 12, 13, 17, 18, 19, 20)}

    def code(day, session, index):
        return "I" if day in ill else monday_16 if day == date(2026, 11, 16) else None

    fill_marks(pupil, date(2026, 9, 2), date(2026, 11, 20), code)
    _alert(pupil, "illness_15_days", "2026", date(2026, 11, 10))


def _sickness_periods(school):
    return sorted(
        (r.period_key, r.contents["period"]["to"], r.contents["period"]["sessions"])
        for r in LAReturn.objects.filter(school=school, kind="sickness")
    )


@TODAY
def test_illness_across_a_weekend_and_a_closure_day_is_one_period(school, pupil):
    _ill_around_a_closure(school, pupil, monday_16=None)
    returns_services.la_returns_refresh(school=school, today=date(2026, 11, 23))
    assert _sickness_periods(school) == [("2026-11-05", "2026-11-20", 22)]
    # Checked again the next night, with Monday ill too: still the one return for that period.
    fill_marks(pupil, date(2026, 11, 23), date(2026, 11, 23), lambda d, s, i: "I")
    returns_services.la_returns_refresh(school=school, today=date(2026, 11, 23))
    assert LAReturn.objects.filter(kind="sickness").count() == 1


@TODAY
def test_a_closure_marked_hash_in_the_register_does_not_split_the_period(school, pupil):
    _ill_around_a_closure(school, pupil, monday_16="#")
    returns_services.la_returns_refresh(school=school, today=date(2026, 11, 23))
    assert _sickness_periods(school) == [("2026-11-05", "2026-11-20", 22)]


@TODAY
def test_a_school_day_present_between_makes_two_periods_each_with_its_return(school, pupil):
    _ill_around_a_closure(school, pupil, monday_16="/")
    returns_services.la_returns_refresh(school=school, today=date(2026, 11, 23))
    assert _sickness_periods(school) == [("2026-11-05", "2026-11-13", 14), ("2026-11-17", "2026-11-20", 8)]
    returns_services.la_returns_refresh(school=school, today=date(2026, 11, 23))
    assert LAReturn.objects.filter(kind="sickness").count() == 2


@TODAY
def test_the_office_records_a_return_as_sent_and_a_second_record_is_refused(
    login, attendance_officer, office_staff, school, pupil
):
    joiner = f.PupilFactory(
        school=school, registration_class=pupil.registration_class, admission_date=date(2026, 11, 4)
    )
    returns_services.la_returns_refresh(school=school, today=date(2026, 11, 23))
    la_return = LAReturn.objects.get(pupil=joiner)
    client = login(attendance_officer)
    page = client.get(reverse("graduated_response:la_returns")).content.decode()
    assert joiner.display_name in page and "Overdue" in page and "Mon 9 Nov 2026" in page

    detail = client.get(reverse("graduated_response:la_return_detail", args=[la_return.pk])).content.decode()
    assert joiner.upn in detail and "Not sent yet" in detail

    future = client.post(
        reverse("graduated_response:la_return_sent", args=[la_return.pk]),
        {"sent_on": "2026-11-24", "sent_how": "secure_email"},
    )
    assert future.status_code == 400 and "cannot be in the future" in future.content.decode()

    response = client.post(
        reverse("graduated_response:la_return_sent", args=[la_return.pk]),
        {"sent_on": "2026-11-20", "sent_how": "portal", "sent_note": "Ref 4471"},
        follow=True,
    )
    assert "Recorded as sent on 20 November 2026" in response.content.decode()
    la_return.refresh_from_db()
    assert (la_return.sent_on, la_return.sent_how, la_return.sent_note) == (
        date(2026, 11, 20),
        "portal",
        "Ref 4471",
    )
    assert (
        AuditEntry.objects.filter(
            action="graduated_response.la_return.sent", object_id=str(la_return.pk)
        ).count()
        == 1
    )
    assert "No returns to send." in client.get(reverse("graduated_response:la_returns")).content.decode()
    assert (
        joiner.display_name
        in client.get(reverse("graduated_response:la_returns") + "?show=sent").content.decode()
    )

    # The office had the form open too: its save is refused and names who recorded it.
    again = login(office_staff).post(
        reverse("graduated_response:la_return_sent", args=[la_return.pk]),
        {"sent_on": "2026-11-23", "sent_how": "phone"},
        follow=True,
    )
    assert again.status_code == 400 and "already recorded as sent by" in again.content.decode()
    la_return.refresh_from_db()
    assert la_return.sent_how == "portal"


@TODAY
def test_check_now_button(login, office_staff, school, pupil):
    f.PupilFactory(
        school=school, registration_class=pupil.registration_class, admission_date=date(2026, 11, 18)
    )
    response = login(office_staff).post(reverse("graduated_response:la_returns_refresh"), follow=True)
    assert "1 new return found." in response.content.decode()
    assert LAReturn.objects.filter(kind="new_pupil").count() == 1


def test_the_nightly_run_makes_the_returns(school, pupil):
    f.PupilFactory(
        school=school, registration_class=pupil.registration_class, admission_date=date(2026, 11, 18)
    )
    with time_machine.travel(datetime(2026, 11, 20, 23, 0, tzinfo=LONDON), tick=False):
        nightly_checks_run(school=school, on=date(2026, 11, 20))
    assert LAReturn.objects.filter(kind="new_pupil", due_on=date(2026, 11, 23)).count() == 1


def _monthly(client, month="2026-11"):
    response = client.get(reverse("graduated_response:la_monthly_return") + f"?month={month}")
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


@TODAY
def test_monthly_attendance_return_lists_compulsory_age_pupils_who_fail_to_attend(
    login, attendance_officer, school, own_class
):
    absent = f.PupilFactory(
        school=school, registration_class=own_class, legal_last_name="=Cole", legal_first_name="Amy"
    )
    f.PupilContactFactory(pupil=absent, contact__address="9 Elm Street", contact__postcode="EF3 4GH")
    present = f.PupilFactory(school=school, registration_class=own_class)
    nursery = f.PupilFactory(school=school, registration_class=own_class, date_of_birth=date(2022, 5, 1))
    off = lambda day, s, i: "O" if day.month == 11 and day.day <= 13 else None  # noqa: E731
    for who in (absent, nursery):
        fill_marks(who, date(2026, 9, 2), date(2026, 11, 20), off)
    fill_marks(present, date(2026, 9, 2), date(2026, 11, 20))

    rows = _monthly(login(attendance_officer))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["upn", "legal_last_name", "legal_first_name"]
    assert "2026-11-02 AM" in header and "2026-11-01 AM" not in header
    # The columns stop at today (23 November): no columns for days that have not happened yet.
    assert header[-2:] == ["2026-11-23 AM", "2026-11-23 PM"] and "2026-11-24 AM" not in header
    assert [r[0] for r in body] == [absent.upn]  # not the present pupil, not the 4-year-old
    row = dict(zip(header, body[0], strict=True))
    assert (row["legal_last_name"], row["legal_first_name"]) == ("'=Cole", "Amy")
    assert row["address"] == "9 Elm Street, EF3 4GH"
    assert row["reason"] == "persistent absence this school year"
    assert (row["2026-11-02 AM"], row["2026-11-06 PM"], row["2026-11-23 AM"]) == ("O", "O", "")
    assert row["2026-11-16 AM"] == "/" and row["month_unauthorised"] == "20"
    assert AuditEntry.objects.filter(action="graduated_response.la_return.monthly_downloaded").exists()


@TODAY
def test_monthly_return_query_count_does_not_grow_with_pupils(school, own_class, attendance_officer):
    off = lambda day, s, i: "O" if day.day in (2, 3, 4, 5) else None  # noqa: E731

    def count():
        with CaptureQueriesContext(connection) as ctx:
            rows = monthly_return_rows(user=attendance_officer, school=school, month=date(2026, 11, 1))
        return len(rows), len(ctx.captured_queries)

    count()  # the first call fills the per-user caches (roles) that every later request also has

    for _ in range(2):
        fill_marks(
            f.PupilFactory(school=school, registration_class=own_class),
            date(2026, 11, 2),
            date(2026, 11, 20),
            off,
        )
    few = count()
    for _ in range(4):
        fill_marks(
            f.PupilFactory(school=school, registration_class=own_class),
            date(2026, 11, 2),
            date(2026, 11, 20),
            off,
        )
    many = count()
    assert (few[0], many[0]) == (3, 7) and few[1] == many[1]


@TODAY
def test_a_past_months_return_runs_to_its_last_day(login, attendance_officer, school, own_class):
    rows = _monthly(login(attendance_officer), month="2026-10")
    assert rows[0][-1] == "2026-10-23 PM"  # Friday 23 October, the last school day before half-term


@TODAY
def test_monthly_return_refuses_a_future_month(login, attendance_officer, school):
    response = login(attendance_officer).get(
        reverse("graduated_response:la_monthly_return") + "?month=2027-01", follow=True
    )
    assert "Nothing exported" in response.content.decode()
