"""The office's absence work: first-day calls, the 5-school-day N rule, absence calls and leave."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from attendance import selectors, services
from attendance.models import AbsenceCall, LeaveRequest, MarkAmendment, RegisterMark
from school.calendar import SchoolCalendar
from school.models import AuditEntry
from tests import factories as f


def n_mark(pupil, day, session="AM"):
    return f.RegisterMarkFactory(pupil=pupil, date=day, session=session, code="N")


@pytest.mark.parametrize(
    "today,age,state",
    [
        (date(2026, 10, 22), 4, "due_tomorrow"),  # Thu: 16 Oct N is 4 school days old
        (date(2026, 10, 23), 5, "due_today"),  # Fri 23 Oct: the 5th school day, the last the law allows
        (date(2026, 10, 30), 5, "due_today"),  # half-term week adds no school days
        (date(2026, 11, 2), 6, "overdue"),  # overdue starts after the last day, not on it
    ],
)
def test_n_age_counts_school_days_across_half_term(school, pupil, today, age, state):
    cal = SchoolCalendar.for_school(school)
    mark = n_mark(pupil, date(2026, 10, 16))
    (row,) = selectors.with_ages([mark], calendar=cal, today=today)
    assert (row["age"], row["state"], row["convertible"]) == (age, state, age >= 5)
    counts = selectors.n_deadline_counts(school=school, calendar=cal, today=today)
    assert counts == {"due_today": int(state == "due_today"), "overdue": int(state == "overdue")}


def test_n_two_days_before_half_term_is_due_after_it(school, pupil):
    cal = SchoolCalendar.for_school(school)
    mark = n_mark(pupil, date(2026, 10, 22))  # Thu before half-term
    ages = [
        selectors.with_ages([mark], calendar=cal, today=d)[0]
        for d in (date(2026, 10, 28), date(2026, 11, 4), date(2026, 11, 5))
    ]
    assert [(a["age"], a["state"]) for a in ages] == [(1, "open"), (4, "due_tomorrow"), (5, "due_today")]


@time_machine.travel("2026-11-23 10:00 +0000", tick=False)
def test_n_queue_flags_overdue_marks_and_converts_to_o(
    login, attendance_officer, pupil, django_assert_max_num_queries
):
    old = n_mark(pupil, date(2026, 11, 13))  # Fri: 6 school days by Mon 23 Nov
    recent = n_mark(pupil, date(2026, 11, 20))
    for _ in range(10):  # more pupils in the queue cost no more queries
        n_mark(
            f.PupilFactory(school=pupil.school, registration_class=pupil.registration_class),
            date(2026, 11, 19),
        )
    client = login(attendance_officer)
    # One row per pupil costs the page of pupils and the deadline counts (tests/attendance/test_n_queue.py
    # shows the count does not grow with pupils).
    with django_assert_max_num_queries(18):
        page = client.get(reverse("attendance:n_queue")).content.decode()
    assert page.count("Overdue: resolve now") == 1
    assert f'name="absence" value="{old.pk}"' in page
    assert f"{recent.pk}" not in page.split('name="absence"')[1].split(">")[0]
    dashboard = client.get(reverse("attendance:office_dashboard")).content.decode()
    assert "1 N mark is past the 5 school days the law allows" in dashboard

    response = client.post(
        reverse("attendance:n_convert_bulk"), {"absence": [str(old.pk)], "reason": services.N_TO_O_REASON}
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert (old.code, old.version) == ("O", 2)
    amendment = MarkAmendment.objects.get(mark=old)
    assert (amendment.old_code, amendment.new_code) == ("N", "O")
    assert "5 school days" in amendment.reason
    assert AuditEntry.objects.filter(action="attendance.mark.amended", object_id=str(old.pk)).exists()
    # Sent again (a double click): nothing more changes, and the page says so.
    again = client.post(
        reverse("attendance:n_convert_bulk"),
        {"absence": [str(old.pk)], "reason": services.N_TO_O_REASON},
        follow=True,
    )
    assert "Nothing was changed: 1 already had another code." in again.content.decode()
    assert MarkAmendment.objects.filter(mark=old).count() == 1


@time_machine.travel("2026-11-23 10:00 +0000", tick=False)
def test_first_day_calls_list_contacts_by_priority_and_siblings(
    login, office_staff, school, pupil, other_class_pupil
):
    mum = f.PupilContactFactory(pupil=pupil, priority=2, relationship="Mother").contact
    gran = f.PupilContactFactory(pupil=pupil, priority=1, relationship="Grandmother").contact
    other_class_pupil.contact_links.create(contact=mum, relationship="Mother", priority=1)
    n_mark(pupil, date(2026, 11, 23))
    # Ash's register was taken (its closed, untaken register would list the sibling as well).
    f.RegisterMarkFactory(pupil=other_class_pupil, date=date(2026, 11, 23), code="/")
    page = login(office_staff).get(reverse("attendance:office_dashboard")).content.decode()
    assert page.index(str(gran)) < page.index(str(mum))
    assert other_class_pupil.display_name in page  # the sibling, so the office makes one call


@time_machine.travel("2026-11-23 08:20 +0000", tick=False)
def test_absence_call_codes_n_and_future_sessions_and_keeps_others(office_staff, school, pupil):
    n_mark(pupil, date(2026, 11, 20), "AM")
    f.RegisterMarkFactory(pupil=pupil, date=date(2026, 11, 20), session="PM", code="\\")
    contact = f.PupilContactFactory(pupil=pupil).contact
    call, result = services.absence_call_record(
        actor=office_staff,
        school=school,
        pupil=pupil,
        caller_contact=contact,
        reason="Sickness bug",
        code="I",
        first_date=date(2026, 11, 20),
        last_date=date(2026, 11, 24),
        expected_return=date(2026, 11, 25),
    )
    codes = {(m.date, m.session): m.code for m in RegisterMark.objects.filter(pupil=pupil)}
    assert codes[(date(2026, 11, 20), "AM")] == "I"  # N resolved
    assert codes[(date(2026, 11, 20), "PM")] == "\\"  # a present mark is kept and reported
    assert codes[(date(2026, 11, 24), "PM")] == "I"  # future session pre-coded
    assert (result.recorded, result.amended, len(result.kept)) == (4, 1, 1)  # 23 AM/PM, 24 AM/PM
    assert AuditEntry.objects.filter(action="attendance.call.recorded").count() == 1
    assert call.caller == str(contact)


def test_absence_call_refuses_a_present_code_and_strangers(office_staff, school, pupil, other_class_pupil):
    stranger = f.PupilContactFactory(pupil=other_class_pupil).contact
    with pytest.raises(ValidationError):
        services.absence_call_record(
            actor=office_staff,
            school=school,
            pupil=pupil,
            caller_name="Dad",
            reason="x",
            code="/",
            first_date=date(2026, 11, 20),
            last_date=date(2026, 11, 20),
        )
    with pytest.raises(ValidationError):
        services.absence_call_record(
            actor=office_staff,
            school=school,
            pupil=pupil,
            caller_contact=stranger,
            reason="x",
            code="I",
            first_date=date(2026, 11, 20),
            last_date=date(2026, 11, 20),
        )
    assert not AbsenceCall.objects.exists()


@time_machine.travel("2026-11-23 10:00 +0000", tick=False)
def test_absence_call_form_through_the_browser(login, office_staff, pupil):
    link = f.PupilContactFactory(pupil=pupil)
    response = login(office_staff).post(
        reverse("attendance:absence_call_new", args=[pupil.pk]),
        {
            "caller_contact": link.pk,
            "method": "phone",
            "reason": "Dentist",
            "code": "M",
            "first_date": "2026-11-24",
            "first_session": "AM",
            "last_date": "2026-11-24",
            "last_session": "AM",
        },
    )
    assert response.status_code == 302
    assert RegisterMark.objects.get(pupil=pupil).code == "M"


# Leave for 1 December must be asked for before it starts (a past start is refused).
@time_machine.travel("2026-11-30 09:00")
def test_leave_granted_by_head_precodes_sessions_refused_does_not(
    office_staff, headteacher, school, pupil, own_class
):
    leave = services.leave_request_create(
        actor=office_staff,
        school=school,
        pupil=pupil,
        requested_by="Mrs Example",
        start_date=date(2026, 12, 1),
        end_date=date(2026, 12, 2),
        end_session="AM",
        reason="Grandparent's funeral abroad",
    )
    leave, result = services.leave_request_decide(actor=headteacher, leave_request=leave, status="granted")
    assert result.recorded == 3
    assert set(RegisterMark.objects.filter(pupil=pupil).values_list("code", flat=True)) == {"C"}
    assert [e.to_status for e in leave.events.all()] == ["requested", "granted"]
    with pytest.raises(ValidationError):
        services.leave_request_decide(actor=headteacher, leave_request=leave, status="refused")

    sibling = f.PupilFactory(school=school, registration_class=own_class)
    other = services.leave_request_create(
        actor=office_staff,
        school=school,
        pupil=sibling,
        requested_by="Dad",
        start_date=date(2026, 12, 7),
        end_date=date(2026, 12, 11),
        reason="Holiday",
    )
    services.leave_request_decide(
        actor=headteacher, leave_request=other, status="refused", note="Not exceptional"
    )
    assert not RegisterMark.objects.filter(pupil=sibling).exists()
    assert AuditEntry.objects.filter(
        action="attendance.leave.refused", sealed_reason="Not exceptional"
    ).exists()


def test_only_the_head_decides_leave(login, office_staff, headteacher, school, pupil):
    leave = LeaveRequest.objects.create(
        school=school,
        pupil=pupil,
        requested_by="Mum",
        start_date=date(2026, 12, 1),
        end_date=date(2026, 12, 1),
        reason="Interview",
        created_by=office_staff,
    )
    assert login(office_staff).post(reverse("attendance:leave_grant", args=[leave.pk])).status_code == 403
    leave.refresh_from_db()
    assert leave.status == "requested"


def test_leave_request_form(login, office_staff, pupil):
    response = login(office_staff).post(
        reverse("attendance:leave_new", args=[pupil.pk]),
        {
            "requested_by": "Mum",
            "start_date": "2026-12-03",
            "start_session": "AM",
            "end_date": "2026-12-01",
            "end_session": "PM",
            "code": "C",
            "reason": "Wedding",
        },
    )
    assert response.status_code == 400
    assert "must end on or after" in response.content.decode()
    assert not LeaveRequest.objects.exists()


@time_machine.travel("2026-11-23 10:00 +0000", tick=False)
def test_amending_one_mark_from_the_pupil_page(
    login, attendance_officer, class_teacher, pupil, other_class_pupil
):
    mark = f.RegisterMarkFactory(pupil=pupil, date=date(2026, 11, 16), code="N")
    client = login(attendance_officer)
    url = reverse("attendance:mark_amend", args=[mark.pk])
    response = client.post(url, {"code": "M", "reason": "", "version": 1})
    assert response.status_code == 400 and RegisterMark.objects.get().code == "N"
    response = client.post(url, {"code": "M", "reason": "Appointment card seen", "version": 1})
    assert response.status_code == 302
    page = client.get(reverse("attendance:pupil_attendance", args=[pupil.pk])).content.decode()
    assert "Appointment card seen" in page and "Attendance officer" in page
    stale = client.post(url, {"code": "I", "reason": "Changed my mind", "version": 1})
    assert stale.status_code == 409 and RegisterMark.objects.get().code == "M"


@pytest.mark.parametrize("code", ["C", "C1", "C2", "E", "S"])
def test_a_call_cannot_give_codes_the_school_decides(login, office_staff, school, pupil, code):
    # Leave (C) is the headteacher's decision through a leave request; C1, C2, E and S are school
    # decisions too. The office's call form does not offer them and the service refuses them.
    client = login(office_staff)
    page = client.get(reverse("attendance:absence_call_new", args=[pupil.pk])).content.decode()
    assert f'<option value="{code}"' not in page and '<option value="I"' in page
    with pytest.raises(ValidationError, match="not a code an absence call can give"):
        services.absence_call_record(
            actor=office_staff,
            school=school,
            pupil=pupil,
            caller_name="Mum",
            reason="Family wedding",
            code=code,
            first_date=date(2026, 12, 14),
            last_date=date(2026, 12, 15),
        )
    assert not RegisterMark.objects.filter(pupil=pupil).exists()


def test_a_call_or_leave_request_covering_no_school_session_is_refused(login, office_staff, pupil):
    client = login(office_staff)
    weekend = {"first_date": "2026-11-28", "last_date": "2026-11-29", "first_session": "AM"}
    response = client.post(
        reverse("attendance:absence_call_new", args=[pupil.pk]),
        {"caller_name": "Mum", "method": "phone", "reason": "Ill", "code": "I", "last_session": "PM"}
        | weekend,
    )
    assert "There are no school sessions between these dates." in response.content.decode()
    assert not AbsenceCall.objects.exists()
    for start, end in (("2026-12-12", "2026-12-13"), ("1999-01-01", "1999-01-02")):
        response = client.post(
            reverse("attendance:leave_new", args=[pupil.pk]),
            {
                "requested_by": "Mum",
                "start_date": start,
                "start_session": "AM",
                "end_date": end,
                "end_session": "PM",
                "code": "C",
                "reason": "Wedding",
            },
        )
        assert response.status_code == 400
    assert not LeaveRequest.objects.exists()


@time_machine.travel("2026-11-29 10:00 +0000", tick=False)
def test_recording_a_reason_from_the_n_queue_starts_at_that_n(login, office_staff, pupil):
    n_mark(pupil, date(2026, 11, 25), "PM")
    client = login(office_staff)
    queue = client.get(reverse("attendance:n_queue")).content.decode()
    link = (
        f"/attendance/pupils/{pupil.pk}/absence-call/?date=2026-11-25&amp;session=PM"
        "&amp;last_date=2026-11-25&amp;last_session=PM"
    )
    assert link in queue
    form = client.get(link.replace("&amp;", "&")).content.decode()
    assert 'name="first_date" value="2026-11-25"' in form and 'name="last_date" value="2026-11-25"' in form
    assert '<option value="PM" selected>' in form


# Leave for 1 December must be asked for before it starts (a past start is refused).
@time_machine.travel("2026-11-30 09:00")
def test_a_too_long_decision_note_decides_nothing(login, headteacher, office_staff, school, pupil):
    leave = services.leave_request_create(
        actor=office_staff,
        school=school,
        pupil=pupil,
        requested_by="Mum",
        start_date=date(2026, 12, 1),
        end_date=date(2026, 12, 1),
        reason="Funeral",
    )
    client = login(headteacher)
    response = client.post(
        reverse("attendance:leave_grant", args=[leave.pk]), {"note": "x" * 2001}, follow=True
    )
    assert "Nothing decided." in response.content.decode()
    leave.refresh_from_db()
    assert leave.status == "requested" and not RegisterMark.objects.filter(pupil=pupil).exists()
