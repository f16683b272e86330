"""The first-day calls list: the day of absence, the flags that change a call, pupils whose register was
never taken, and failed call attempts recorded in one click with their history."""

from datetime import date

import time_machine
from django.urls import reverse

from attendance import selectors_calls
from attendance.models import CallAttempt
from graduated_response.models import Case
from school.models import AuditEntry
from tests import factories as f


def mark(pupil, day, session="AM", code="N"):
    return f.RegisterMarkFactory(pupil=pupil, date=day, session=session, code=code)


def dashboard(client):
    return client.get(reverse("attendance:office_dashboard")).content.decode()


@time_machine.travel("2026-11-25 09:30 +0000", tick=False)
def test_the_list_says_which_day_of_absence_it_is_and_when_a_home_visit_is_due(
    login, office_staff, pupil, other_class_pupil
):
    # Away Mon 23 and Tue 24 (N then I) and N today, Wed 25: day 3.
    for day in (date(2026, 11, 23), date(2026, 11, 24)):
        mark(pupil, day, "AM", "N")
        mark(pupil, day, "PM", "I")
    mark(pupil, date(2026, 11, 25))
    # Present yesterday afternoon: today is day 1.
    mark(other_class_pupil, date(2026, 11, 24), "AM", "N")
    mark(other_class_pupil, date(2026, 11, 24), "PM", "\\")
    mark(other_class_pupil, date(2026, 11, 25))
    rows = {
        r["pupil"].pk: r for r in selectors_calls.first_day_calls(school=pupil.school, day=date(2026, 11, 25))
    }
    assert (rows[pupil.pk]["day_of_absence"], rows[pupil.pk]["home_visit_due"]) == (3, True)
    assert (rows[other_class_pupil.pk]["day_of_absence"], rows[other_class_pupil.pk]["home_visit_due"]) == (
        1,
        False,
    )
    page = dashboard(login(office_staff))
    assert "Day 3 of absence" in page and "Home visit due" in page
    assert "Day 1 of absence" in page


@time_machine.travel("2026-11-25 09:30 +0000", tick=False)
def test_flags_show_looked_after_send_and_an_open_case_and_safeguarding_only_to_those_who_may_see_it(
    login, office_staff, pupil
):
    pupil.looked_after = True
    pupil.sen_provision = "K"
    pupil.safeguarding_status = "cp"
    pupil.save()
    Case.objects.create(school=pupil.school, pupil=pupil, current_tier=2, opened_on=date(2026, 11, 3))
    mark(pupil, date(2026, 11, 25))
    office = dashboard(login(office_staff))
    for flag in ("Looked after", "SEND support", "Open case"):
        assert flag in office
    assert "Child protection plan" not in office
    rows = selectors_calls.first_day_calls(school=pupil.school, day=date(2026, 11, 25), see_safeguarding=True)
    assert "Child protection plan" in rows[0]["flags"]


@time_machine.travel("2026-11-25 09:30 +0000", tick=False)
def test_headteacher_sees_child_protection_on_the_list(login, headteacher, pupil):
    pupil.safeguarding_status = "cp"
    pupil.save()
    mark(pupil, date(2026, 11, 25))
    assert "Child protection plan" in dashboard(login(headteacher))


def test_pupils_of_a_register_never_taken_reach_the_list_once_it_closes(
    login, office_staff, school, pupil, own_class, other_class_pupil
):
    classmate = f.PupilFactory(school=school, registration_class=own_class)
    mark(other_class_pupil, date(2026, 11, 25), "AM", "/")  # Ash's register was taken
    client = login(office_staff)
    with time_machine.travel("2026-11-25 08:50 +0000", tick=False):  # Oak's register is still open
        assert selectors_calls.first_day_calls(school=school, day=date(2026, 11, 25), now=_now()) == []
    with time_machine.travel("2026-11-25 09:05 +0000", tick=False):  # closed at 9:00, nobody took it
        rows = selectors_calls.first_day_calls(school=school, day=date(2026, 11, 25), now=_now())
        assert {r["pupil"].pk for r in rows} == {pupil.pk, classmate.pk}
        assert rows[0]["reasons"] == ["Oak AM register not taken"]
        page = dashboard(client)
        assert "Oak AM register not taken" in page
        assert (
            other_class_pupil.display_name
            not in page.split('data-testid="first-day-calls"')[1].split("</table>")[0]
        )


@time_machine.travel("2026-11-25 09:05 +0000", tick=False)
def test_a_pupil_left_without_a_mark_on_a_taken_register_is_named(office_staff, school, pupil, own_class):
    classmate = f.PupilFactory(school=school, registration_class=own_class)
    mark(classmate, date(2026, 11, 25), "AM", "/")
    (row,) = selectors_calls.first_day_calls(school=school, day=date(2026, 11, 25), now=_now())
    assert (row["pupil"], row["reasons"]) == (pupil, ["No mark on the Oak AM register"])


def _now():
    from django.utils import timezone

    return timezone.localtime()


@time_machine.travel("2026-11-25 09:40 +0000", tick=False)
def test_a_failed_call_is_recorded_in_one_click_and_shown_with_its_time(login, office_staff, pupil):
    mum = f.PupilContactFactory(pupil=pupil, priority=1, relationship="Mother").contact
    dad = f.PupilContactFactory(pupil=pupil, priority=2, relationship="Father").contact
    mark(pupil, date(2026, 11, 25))
    client = login(office_staff)
    page = dashboard(client)
    assert "Rang, no answer" in page and "Left a message" in page and "Number not recognised" in page
    data = {
        "contact": mum.pk,
        "absence_date": "2026-11-25",
        "outcome": "no_answer",
        "submission_token": "3b2f6d3e-8a3c-4c55-9b59-0d0f8d1b6c11",
    }
    url = reverse("attendance:call_attempt_new", args=[pupil.pk])
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # a double click records one attempt
    attempt = CallAttempt.objects.get()
    assert (attempt.contact, attempt.phone, attempt.outcome, attempt.made_by) == (
        mum,
        mum.phone,
        "no_answer",
        office_staff,
    )
    assert AuditEntry.objects.filter(action="attendance.call_attempt.recorded", pupil=pupil).count() == 1
    page = dashboard(client)
    assert "Wed 25 Nov 09:40: Rang, no answer on 01632 960000" in page
    # The history sits with the contact rung (the first), not the other one.
    assert page.count('data-testid="call-attempts"') == 1
    assert page.index(str(mum)) < page.index("Rang, no answer on") < page.index(str(dad))


@time_machine.travel("2026-11-25 09:40 +0000", tick=False)
def test_a_call_attempt_to_someone_not_a_contact_is_refused(login, office_staff, pupil, other_class_pupil):
    stranger = f.PupilContactFactory(pupil=other_class_pupil).contact
    mark(pupil, date(2026, 11, 25))
    client = login(office_staff)
    client.post(
        reverse("attendance:call_attempt_new", args=[pupil.pk]),
        {"contact": stranger.pk, "absence_date": "2026-11-25", "outcome": "message"},
    )
    assert not CallAttempt.objects.exists()


@time_machine.travel("2026-11-25 09:40 +0000", tick=False)
def test_yesterdays_attempts_show_on_the_next_day_of_the_same_absence(office_staff, school, pupil):
    from attendance import services

    mum = f.PupilContactFactory(pupil=pupil).contact
    mark(pupil, date(2026, 11, 24), "AM")
    mark(pupil, date(2026, 11, 24), "PM")
    mark(pupil, date(2026, 11, 20), "AM")  # an earlier absence, ended by a present day
    mark(pupil, date(2026, 11, 23), "AM", "/")
    for day in (date(2026, 11, 20), date(2026, 11, 24)):
        services.call_attempt_record(
            actor=office_staff, school=school, pupil=pupil, contact=mum, outcome="message", absence_date=day
        )
    mark(pupil, date(2026, 11, 25))
    (row,) = selectors_calls.first_day_calls(school=school, day=date(2026, 11, 25))
    assert [a.absence_date for a in row["contacts"][0]["attempts"]] == [date(2026, 11, 24)]


@time_machine.travel("2026-11-25 09:30 +0000", tick=False)
def test_the_list_costs_the_same_queries_for_more_pupils(
    login, office_staff, school, own_class, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def build(n):
        for _ in range(n):
            p = f.PupilFactory(school=school, registration_class=own_class)
            f.PupilContactFactory(pupil=p)
            mark(p, date(2026, 11, 24))
            mark(p, date(2026, 11, 25))

    build(2)
    with CaptureQueriesContext(connection) as few:
        selectors_calls.first_day_calls(school=school, day=date(2026, 11, 25), now=_now())
    build(6)
    with CaptureQueriesContext(connection) as many:
        rows = selectors_calls.first_day_calls(school=school, day=date(2026, 11, 25), now=_now())
    assert len(rows) == 8
    assert len(many.captured_queries) == len(few.captured_queries)
