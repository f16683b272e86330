"""An office morning in a real browser: the first-day calls list with a failed attempt, a call recorded,
the N queue grouped by pupil, and a late register with its summary before saving."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from attendance.models import AbsenceCall, CallAttempt, RegisterMark
from school.calendar import SchoolCalendar
from school.models import AcademicYear, Role, TermPeriod
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: A Tuesday morning in term, after the morning registers: the walk never depends on the real date.
#: The clock ticks on from here (the browser's waits and the sign-in need time to pass).
MORNING = datetime(2026, 11, 24, 9, 30, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def pinned_clock():
    with time_machine.travel(MORNING, tick=True):
        yield


@pytest.fixture
def morning(pinned_clock):
    """A school in term on ``MORNING``: an absent pupil, a pupil with old Ns, a class whose register
    for the last school day was never taken, and an office member."""
    today = timezone.localdate()
    assert today == MORNING.date()
    school = f.SchoolFactory(name="Morning Primary")
    year = AcademicYear.objects.create(
        school=school,
        name="Test year",
        start_date=today - timedelta(days=120),
        end_date=today + timedelta(days=120),
    )
    TermPeriod.objects.create(
        academic_year=year,
        name="Term",
        start_date=today - timedelta(days=60),
        end_date=today + timedelta(days=60),
    )
    calendar = SchoolCalendar.for_school(school)
    assert calendar.is_school_day(today)
    earlier = calendar.school_days_between(today - timedelta(days=21), today - timedelta(days=1))
    wren = f.RegistrationClassFactory(school=school, name="Wren", year_group=3)
    robin = f.RegistrationClassFactory(school=school, name="Robin", year_group=4)
    ava = f.PupilFactory(
        school=school, registration_class=wren, legal_first_name="Ava", legal_last_name="Absent"
    )
    mum = f.PupilContactFactory(pupil=ava, priority=1, relationship="Mother").contact
    f.PupilContactFactory(pupil=ava, priority=2, relationship="Father")
    for session in ("AM", "PM"):
        f.RegisterMarkFactory(pupil=ava, date=earlier[-1], session=session, code="N")
    f.RegisterMarkFactory(pupil=ava, date=today, session="AM", code="N")
    noah = f.PupilFactory(
        school=school, registration_class=wren, legal_first_name="Noah", legal_last_name="Nmarks"
    )
    f.PupilContactFactory(pupil=noah)
    for day, session in [(earlier[-6], "AM"), (earlier[-6], "PM"), (earlier[-3], "AM")]:
        f.RegisterMarkFactory(pupil=noah, date=day, session=session, code="N")
    late = [
        f.PupilFactory(school=school, registration_class=robin, legal_first_name=a, legal_last_name=b)
        for a, b in [("Ruby", "Reed"), ("Sam", "Stone"), ("Tia", "Trent")]
    ]
    office = f.staff(school, Role.OFFICE_STAFF, username="morningoffice")
    return {
        "ava": ava,
        "mum": mum,
        "noah": noah,
        "robin": robin,
        "late": late,
        "office": office,
        "last": earlier[-1],
    }


def test_an_office_morning(page, live_server, sign_in_browser, morning):
    w = morning
    ava, mum = w["ava"], w["mum"]
    sign_in_browser(page, w["office"])

    # First-day calls: Ava is on day 2, and a call to her mother goes unanswered.
    page.goto(f"{live_server.url}/attendance/office/")
    row = page.locator(f"#calls-{ava.pk}")
    assert "Day 2 of absence" in row.inner_text()
    # Each button names the contact and the pupil for a screen reader.
    row.get_by_role("button", name=f"Rang, no answer ({mum}, for {ava.display_name})").click()
    page.wait_for_load_state()
    assert "rang, no answer" in page.content().lower()
    assert "Rang, no answer on 01632 960000" in page.locator(f"#calls-{ava.pk}").inner_text()
    assert CallAttempt.objects.get().contact == mum

    # She rings back: "who called" already names her, the priority-1 contact.
    page.locator(f"#calls-{ava.pk}").get_by_role("link", name=f"Record call for {ava.display_name}").click()
    assert page.get_by_label("Who called").input_value() == str(ava.contact_links.get(contact=mum).pk)
    page.get_by_label("Reason given").fill("Temperature overnight")
    page.get_by_label("Code it becomes").select_option("I")
    page.get_by_role("button", name="Record call").click()
    page.wait_for_url("**/attendance/office/")
    assert "Call recorded for Ava Absent" in page.content()
    assert AbsenceCall.objects.get().caller_contact == mum

    # The N queue: one row per pupil (Ava's two N sessions yesterday, Noah's three), Noah's in two absences.
    page.goto(f"{live_server.url}/attendance/office/n-queue/")
    rows = page.get_by_test_id("n-queue-pupil")
    assert rows.count() == 2
    noah = rows.filter(has_text="Noah Nmarks")
    assert noah.get_by_test_id("n-absence").count() == 2

    # A late register: the last school day's Robin register, never taken, with its summary.
    day = w["last"].isoformat()
    page.goto(f"{live_server.url}/attendance/registers/{w['robin'].pk}/{day}/AM/")
    assert "This is a late register." in page.get_by_test_id("late-register").inner_text()
    ruby, sam, tia = w["late"]
    page.locator(f"#code-{ruby.pk}").fill("/")
    page.locator(f"#code-{sam.pk}").fill("L")
    page.locator(f"#minutes-{sam.pk}").fill("10")
    page.locator(f"#code-{tia.pk}").fill("N")
    summary = page.get_by_test_id("register-summary").inner_text()
    assert "1 present, 1 late, 0 absent, 1 not yet explained." in summary
    page.get_by_role("button", name="Save register").click()
    page.wait_for_url("**/attendance/registers/?date=*")
    assert "This was a late register" in page.content()
    assert set(RegisterMark.objects.filter(pupil__in=w["late"]).values_list("late_register", flat=True)) == {
        True
    }
