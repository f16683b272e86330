"""Taking a register with the keyboard only, in a real browser (Chromium through Playwright)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from attendance.models import MarkAmendment, RegisterMark
from school.calendar import SchoolCalendar
from school.models import AcademicYear, Role, TermPeriod
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def register_world():
    """A school in term today (whatever today is), a class of four and its teacher."""
    today = timezone.localdate()
    school = f.SchoolFactory(name="Keyboard Primary")
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
    day = max(d for d in calendar.school_days_between(today - timedelta(days=14), today))
    cls = f.RegistrationClassFactory(school=school, name="Kestrel", year_group=4)
    names = [("Amy", "Adams"), ("Ben", "Brown"), ("Cara", "Cole"), ("Dev", "Dutt")]
    pupils = [
        f.PupilFactory(school=school, registration_class=cls, legal_first_name=a, legal_last_name=b)
        for a, b in names
    ]
    teacher = f.staff(school, Role.CLASS_TEACHER, username="kbteacher")
    cls.staff.add(teacher)
    return {"school": school, "class": cls, "pupils": pupils, "teacher": teacher, "day": day}


def codes(pupils, session):
    marks = dict(RegisterMark.objects.filter(session=session).values_list("pupil_id", "code"))
    return [marks.get(p.pk) for p in pupils]


def test_take_and_amend_a_register_by_keyboard_only(page, live_server, sign_in_browser, register_world):
    w = register_world
    sign_in_browser(page, w["teacher"])
    url = f"{live_server.url}/attendance/registers/{w['class'].pk}/{w['day'].isoformat()}"

    # Morning: type each code and press Enter to move on; L asks for minutes first.
    page.goto(f"{url}/AM/")
    page.keyboard.type("/")
    page.keyboard.press("Enter")
    page.keyboard.type("n")
    page.keyboard.press("Enter")
    page.keyboard.type("l")
    page.keyboard.press("Enter")
    page.keyboard.type("12")
    page.keyboard.press("Enter")
    page.keyboard.type("i")
    page.keyboard.press("Enter")  # last row: focus moves to Save
    assert page.evaluate("document.activeElement.id") == "save-register"
    page.keyboard.press("Enter")
    page.wait_for_url("**/attendance/registers/?date=*")
    assert "register saved: 4 marks recorded" in page.content()
    assert codes(w["pupils"], "AM") == ["/", "N", "L", "I"]
    assert RegisterMark.objects.get(pupil=w["pupils"][2]).minutes_late == 12

    # Afternoon: Shift+Tab from the first code reaches "Mark all present"; Space fills every row.
    page.goto(f"{url}/PM/")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.id") == "mark-all-present"
    page.keyboard.press("Space")
    for _ in range(4):
        page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.wait_for_url("**/attendance/registers/?date=*")
    assert codes(w["pupils"], "PM") == ["\\"] * 4

    # Changing a saved mark: Enter on the last row goes to the reason box, then Save.
    page.goto(f"{url}/AM/")
    page.locator(f"#code-{w['pupils'][0].pk}").focus()  # every row has a mark, so start at the top
    page.keyboard.press("Enter")
    page.keyboard.press("Control+A")
    page.keyboard.type("m")
    for _ in range(4):  # Ben -> Cara, Cara's L -> her minutes, minutes -> Dev, Dev (last) -> reason
        page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "reason"
    page.keyboard.type("Dentist letter brought in")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.wait_for_url("**/attendance/registers/?date=*")
    assert codes(w["pupils"], "AM") == ["/", "M", "L", "I"]
    assert MarkAmendment.objects.get().reason == "Dentist letter brought in"
