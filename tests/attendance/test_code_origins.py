"""#, Z and C come from where the rules say: the calendar, the dates on roll, the head's leave decision."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from attendance import services
from attendance.code_origins import origin_problem
from attendance.models import LeaveRequest, MarkAmendment, RegisterMark
from tests import factories as f

DAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-11-23 10:00 +0000", tick=False):
        yield


# closed, on_roll, leave_granted -> allowed?
@pytest.mark.parametrize(
    "code,closed,on_roll,leave,allowed",
    [
        ("#", False, True, False, False),
        ("#", True, True, False, True),
        ("Z", False, True, False, False),
        ("Z", False, False, False, True),
        ("C", False, True, False, False),
        ("C", False, True, True, True),
        ("I", False, True, False, True),
        ("C2", False, True, False, False),  # no part-time timetable covers it (test_c2_origin.py)
        ("/", True, False, False, True),
    ],
)
def test_origin_boundary_table(code, closed, on_roll, leave, allowed):
    assert (origin_problem(code, closed=closed, on_roll=on_roll, leave_granted=leave) is None) is allowed


def _register(cls, day=DAY, session="AM"):
    return reverse("attendance:register_take", args=[cls.pk, day.isoformat(), session])


@pytest.mark.parametrize("code", ["#", "Z", "C"])
def test_office_staff_cannot_type_reserved_codes_on_an_open_register(
    login, office_staff, own_class, pupil, code
):
    other = f.PupilFactory(school=own_class.school, registration_class=own_class)
    data = {"reason": "", f"code-{pupil.pk}": code, f"version-{pupil.pk}": 0, f"minutes-{pupil.pk}": ""}
    data |= {f"code-{other.pk}": "/", f"version-{other.pk}": 0, f"minutes-{other.pk}": ""}
    response = login(office_staff).post(_register(own_class), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert {"#": "comes only from the school calendar", "Z": "only for days before", "C": "headteacher"}[
        code
    ] in body
    assert not RegisterMark.objects.exists()  # nothing saved, not even the other pupil's /


def test_c_is_accepted_when_the_head_granted_leave_for_the_session(school, office_staff, own_class, pupil):
    LeaveRequest.objects.create(
        school=school,
        pupil=pupil,
        requested_by="Mum",
        start_date=DAY,
        end_date=DAY,
        reason="Funeral",
        code="C",
        status=LeaveRequest.Status.GRANTED,
        created_by=office_staff,
    )
    services.register_save(
        actor=office_staff,
        school=school,
        registration_class=own_class,
        date=DAY,
        session="AM",
        entries=[services.RegisterEntry(pupil.pk, "C")],
        expected_versions={},
    )
    assert RegisterMark.objects.get().code == "C"


@pytest.mark.parametrize("code,message", [("#", "school calendar"), ("Z", "on roll"), ("C", "leave request")])
def test_amendment_refuses_reserved_codes_beside_the_field(login, attendance_officer, pupil, code, message):
    mark = f.RegisterMarkFactory(pupil=pupil, date=date(2026, 11, 16), code="N")
    response = login(attendance_officer).post(
        reverse("attendance:mark_amend", args=[mark.pk]), {"code": code, "reason": "Typed", "version": 1}
    )
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["code"])
    assert RegisterMark.objects.get().code == "N" and not MarkAmendment.objects.exists()


def test_z_is_accepted_for_a_mark_before_the_pupil_joined(attendance_officer, school):
    pupil = f.PupilFactory(school=school, admission_date=date(2026, 11, 20))
    mark = f.RegisterMarkFactory(pupil=pupil, date=date(2026, 11, 16), code="N")  # imported before admission
    services.mark_amend(
        actor=attendance_officer, mark=mark, code="Z", minutes_late=None, reason="Not yet joined"
    )
    assert RegisterMark.objects.get().code == "Z"


def test_worked_example_in_the_module_docstring():
    import doctest

    from attendance import code_origins

    result = doctest.testmod(code_origins)
    assert result.attempted > 0 and result.failed == 0
