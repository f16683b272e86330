"""Leave is asked for before it is taken; leave already begun is recorded as retrospective and codes nothing."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from attendance import services
from attendance.models import LeaveRequest, RegisterMark
from tests import factories as f


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-11-23 10:00 +0000", tick=False):
        yield


FORM = {
    "requested_by": "Mum",
    "start_date": "2026-11-18",
    "start_session": "AM",
    "end_date": "2026-11-19",
    "end_session": "PM",
    "code": "C",
    "reason": "Family emergency abroad",
}


def test_leave_for_past_dates_is_refused_beside_the_date(login, office_staff, pupil):
    response = login(office_staff).post(reverse("attendance:leave_new", args=[pupil.pk]), FORM)
    assert response.status_code == 400
    assert "Leave cannot start in the past" in " ".join(response.context["form"].errors["start_date"])
    assert not LeaveRequest.objects.exists()


def test_retrospective_leave_is_recorded_and_granting_it_codes_nothing(
    login, office_staff, headteacher, pupil
):
    n_mark = f.RegisterMarkFactory(pupil=pupil, date=date(2026, 11, 18), session="AM", code="N")
    response = login(office_staff).post(
        reverse("attendance:leave_new", args=[pupil.pk]), FORM | {"retrospective": "on"}, follow=True
    )
    body = response.content.decode()
    assert "granting it will code no sessions" in body
    assert "Recorded after the event: codes no sessions." in body
    leave = LeaveRequest.objects.get()
    assert leave.retrospective
    response = login(headteacher).post(
        reverse("attendance:leave_grant", args=[leave.pk]), {"note": "Agreed"}, follow=True
    )
    assert "no sessions were coded: the register is unchanged" in response.content.decode()
    assert list(RegisterMark.objects.values_list("pk", "code")) == [(n_mark.pk, "N")]
    # The granted decision is what lets the office amend the N to C, with a reason.
    services.mark_amend(actor=office_staff, mark=n_mark, code="C", minutes_late=None, reason="Leave granted")
    assert RegisterMark.objects.get().code == "C"


def test_leave_starting_today_needs_no_tick(office_staff, school, pupil):
    leave = services.leave_request_create(
        actor=office_staff,
        school=school,
        pupil=pupil,
        requested_by="Dad",
        start_date=date(2026, 11, 23),
        end_date=date(2026, 11, 24),
        reason="Funeral",
    )
    assert not leave.retrospective


@pytest.mark.parametrize("start, end", [("2026-11-23", "2026-11-24"), ("2026-12-10", "2026-12-11")])
def test_future_leave_cannot_be_ticked_as_recorded_after_the_event(login, office_staff, pupil, start, end):
    """Leave starting today or later is ordinary leave: ticked, granting it would code nothing."""
    response = login(office_staff).post(
        reverse("attendance:leave_new", args=[pupil.pk]),
        FORM | {"start_date": start, "end_date": end, "retrospective": "on"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["retrospective"] == [
        "Tick this only for leave that has already started."
    ]
    assert not LeaveRequest.objects.exists()


def test_leave_list_buttons_name_the_pupil(login, office_staff, headteacher, pupil):
    services.leave_request_create(
        actor=office_staff,
        school=pupil.school,
        pupil=pupil,
        requested_by="Dad",
        start_date=date(2026, 11, 30),
        end_date=date(2026, 12, 1),
        reason="Funeral",
    )
    body = login(headteacher).get(reverse("attendance:leave_list")).content.decode()
    hidden = f'<span class="visually-hidden"> for {pupil.display_name}</span>'
    assert f"Grant{hidden}</button>" in body
    assert f"Refuse{hidden}</button>" in body
