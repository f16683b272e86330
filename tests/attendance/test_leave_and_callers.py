"""'Who called' starts at the priority-1 contact; 'requested by' on leave is a contact; the head's leave
list shows the pupil's attendance and earlier requests."""

from datetime import date

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attendance import services
from attendance.models import LeaveRequest
from tests import factories as f


@time_machine.travel("2026-11-23 08:20 +0000", tick=False)
def test_who_called_defaults_to_the_priority_1_contact(login, office_staff, pupil):
    f.PupilContactFactory(pupil=pupil, priority=2, relationship="Father")
    first = f.PupilContactFactory(pupil=pupil, priority=1, relationship="Mother")
    page = login(office_staff).get(reverse("attendance:absence_call_new", args=[pupil.pk])).content.decode()
    assert f'<option value="{first.pk}" selected>' in page


@time_machine.travel("2026-11-23 08:20 +0000", tick=False)
def test_leave_is_requested_by_a_contact(login, office_staff, pupil):
    mum = f.PupilContactFactory(pupil=pupil, priority=1, relationship="Mother").contact
    client = login(office_staff)
    page = client.get(reverse("attendance:leave_new", args=[pupil.pk])).content.decode()
    assert f'<option value="{mum.pk}" selected>{mum} (Mother)</option>' in page
    response = client.post(
        reverse("attendance:leave_new", args=[pupil.pk]),
        {
            "requested_by_contact": mum.pk,
            "requested_by": "",
            "start_date": "2026-12-01",
            "start_session": "AM",
            "end_date": "2026-12-01",
            "end_session": "PM",
            "code": "C",
            "reason": "Funeral",
        },
    )
    assert response.status_code == 302
    leave = LeaveRequest.objects.get()
    assert (leave.requested_by_contact, leave.requested_by) == (mum, str(mum))
    assert f"asked by {mum}" in client.get(reverse("attendance:leave_list")).content.decode()


@time_machine.travel("2026-11-23 08:20 +0000", tick=False)
def test_leave_needs_a_contact_or_a_name_and_refuses_a_stranger(
    login, office_staff, pupil, other_class_pupil
):
    stranger = f.PupilContactFactory(pupil=other_class_pupil).contact
    client = login(office_staff)
    data = {
        "requested_by": "",
        "start_date": "2026-12-01",
        "start_session": "AM",
        "end_date": "2026-12-01",
        "end_session": "PM",
        "code": "C",
        "reason": "Funeral",
    }
    response = client.post(reverse("attendance:leave_new", args=[pupil.pk]), data)
    assert response.status_code == 400
    assert "Choose the contact asking, or type their name." in response.content.decode()
    data["requested_by_contact"] = stranger.pk
    assert client.post(reverse("attendance:leave_new", args=[pupil.pk]), data).status_code == 400
    assert not LeaveRequest.objects.exists()


@time_machine.travel("2026-11-23 08:20 +0000", tick=False)
def test_the_heads_leave_list_shows_attendance_and_earlier_requests(
    login, headteacher, office_staff, school, pupil
):
    for day in (date(2026, 11, 16), date(2026, 11, 17), date(2026, 11, 18), date(2026, 11, 19)):
        f.RegisterMarkFactory(pupil=pupil, date=day, session="AM", code="/")
        f.RegisterMarkFactory(pupil=pupil, date=day, session="PM", code="O" if day.day == 19 else "\\")

    def ask(start, reason):
        return services.leave_request_create(
            actor=office_staff,
            school=school,
            pupil=pupil,
            requested_by="Mum",
            start_date=start,
            end_date=start,
            reason=reason,
        )

    ask(date(2026, 12, 1), "Wedding")
    ask(date(2026, 12, 8), "Funeral")
    page = login(headteacher).get(reverse("attendance:leave_list")).content.decode()
    assert "Attendance this year: 87.5%" in page  # 7 of 8 sessions
    assert "Earlier requests: 1 Dec 2026 (waiting for a decision)" in page
    assert "No earlier requests" in page


@time_machine.travel("2026-11-23 08:20 +0000", tick=False)
def test_the_leave_list_costs_the_same_queries_for_more_requests(login, headteacher, office_staff, school):
    client = login(headteacher)

    def build(n):
        for _ in range(n):
            p = f.PupilFactory(school=school)
            services.leave_request_create(
                actor=office_staff,
                school=school,
                pupil=p,
                requested_by="Mum",
                start_date=date(2026, 12, 1),
                end_date=date(2026, 12, 1),
                reason="Wedding",
            )

    build(2)
    client.get(reverse("attendance:leave_list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("attendance:leave_list"))
    build(5)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("attendance:leave_list"))
    assert len(many.captured_queries) == len(few.captured_queries)
