"""A leave request can no longer create C2 on its own: C2 belongs to an agreed part-time timetable."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from attendance import services
from attendance.models import LeaveRequest, RegisterMark


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-11-23 10:00 +0000", tick=False):
        yield


def test_the_service_refuses_c2_and_says_where_to_go(office_staff, school, pupil):
    with pytest.raises(ValidationError) as exc:
        services.leave_request_create(
            actor=office_staff,
            school=school,
            pupil=pupil,
            requested_by="Mum",
            start_date=date(2026, 11, 30),
            end_date=date(2026, 12, 4),
            reason="Mornings only",
            code="C2",
        )
    assert "part-time timetable" in exc.value.message_dict["code"][0]
    assert "SEND page" in exc.value.message_dict["code"][0]
    assert not LeaveRequest.objects.exists()


def test_the_form_no_longer_offers_c2(login, office_staff, pupil):
    url = reverse("attendance:leave_new", args=[pupil.pk])
    page = login(office_staff).get(url).content.decode()
    assert 'value="C2"' not in page
    assert "SENDCo or the headteacher records it" in page
    response = login(office_staff).post(
        url,
        {
            "requested_by": "Mum",
            "start_date": "2026-11-30",
            "start_session": "AM",
            "end_date": "2026-12-04",
            "end_session": "PM",
            "code": "C2",
            "reason": "Mornings only",
        },
    )
    assert response.status_code == 400
    assert not LeaveRequest.objects.exists()


def test_an_old_c2_request_cannot_be_granted(office_staff, headteacher, school, pupil):
    old = LeaveRequest.objects.create(
        school=school,
        pupil=pupil,
        requested_by="Mum",
        start_date=date(2026, 11, 30),
        end_date=date(2026, 12, 4),
        reason="Made before part-time timetables moved to SEND",
        code="C2",
        created_by=office_staff,
    )
    with pytest.raises(ValidationError) as exc:
        services.leave_request_decide(actor=headteacher, leave_request=old, status="granted")
    assert "part-time timetable" in " ".join(exc.value.messages)
    old.refresh_from_db()
    assert old.status == "requested"
    assert not RegisterMark.objects.filter(code="C2").exists()
