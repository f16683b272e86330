"""Edits never overwrite each other on attendance cases: of two people changing one case at once, the
second is refused, told who changed it, and the database keeps the first (school.editing)."""

import re
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from graduated_response.models import Case, CaseAction
from school.models import AuditEntry

pytestmark = pytest.mark.django_db
AT = "2026-12-01 10:42"


def _named(user, first, last):
    user.first_name, user.last_name = first, last
    user.save()
    return user


@pytest.fixture
def case(school, pupil):
    return Case.objects.create(school=school, pupil=pupil, current_tier=2, opened_on=date(2026, 11, 20))


def _page_text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@time_machine.travel(AT, tick=False)
def test_second_tick_of_one_action_is_told_who_did_it(client_for, attendance_officer, headteacher, case):
    action = CaseAction.objects.create(
        case=case,
        tier=2,
        text="Phone the parents",
        responsible_role="attendance_officer",
        due_on=date(2026, 12, 4),
    )
    officer = client_for(_named(attendance_officer, "Jane", "Smith"))
    head = client_for(headteacher)
    url = reverse("graduated_response:action_done", args=[action.pk])

    officer.post(url, {"note": "Spoke to mum"})
    page = head.post(url, {"note": "Left a message"}, follow=True)

    text = _page_text(page)
    assert "This action was already marked as done by Jane Smith" in text
    assert "at 10:42" in text and "Your changes were not saved" in text
    assert "Marked as done." not in text
    action.refresh_from_db()
    assert (action.done_by, action.done_note) == (attendance_officer, "Spoke to mum")
    assert AuditEntry.objects.filter(action="graduated_response.action.done").count() == 1


@time_machine.travel(AT, tick=False)
def test_key_adult_set_on_a_case_changed_since_the_page_opened_is_refused(
    client_for, attendance_officer, headteacher, class_teacher, dsl, case
):
    officer = client_for(_named(attendance_officer, "Jane", "Smith"))
    head = client_for(headteacher)
    dashboard = reverse("graduated_response:dashboard")
    versions = [
        re.search(r'name="expected_version" value="(\d+)"', c.get(dashboard).content.decode()).group(1)
        for c in (officer, head)
    ]
    url = reverse("graduated_response:cases_set_key_adult")

    officer.post(url, {"cases": [case.pk], "key_adult": class_teacher.pk, "expected_version": versions[0]})
    page = head.post(
        url, {"cases": [case.pk], "key_adult": dsl.pk, "expected_version": versions[1]}, follow=True
    )

    text = _page_text(page)
    assert "Someone else changed this while you were editing: Jane Smith" in text
    assert "Key adult set on" not in text
    case.refresh_from_db()
    assert case.key_adult == class_teacher
    assert AuditEntry.objects.filter(action="graduated_response.case.key_adult_set").count() == 1


@time_machine.travel(AT, tick=False)
def test_second_close_of_one_case_is_told_who_closed_it(client_for, attendance_officer, headteacher, case):
    officer = client_for(_named(attendance_officer, "Jane", "Smith"))
    head = client_for(headteacher)
    url = reverse("graduated_response:case_close", args=[case.pk])

    officer.post(url, {"reason": "Moved away"})
    page = head.post(url, {"reason": "Attendance back to normal"}, follow=True)

    text = _page_text(page)
    assert "This case was already closed by Jane Smith" in text and "at 10:42" in text
    case.refresh_from_db()
    assert (case.status, case.close_reason) == ("closed", "Moved away")
    assert AuditEntry.objects.filter(action="graduated_response.case.closed").count() == 1


@time_machine.travel(AT, tick=False)
def test_second_acknowledgement_of_an_alert_is_told_who_did_it_and_when(
    client_for, attendance_officer, headteacher, school, pupil
):
    from graduated_response.models import Alert

    _named(attendance_officer, "Jane", "Smith")
    alert = Alert.objects.create(
        school=school,
        pupil=pupil,
        kind="late_marks",
        period_key="2026-11",
        message="Attendance has fallen below 90%.",
        for_roles=",attendance_officer,headteacher,",
        created_on=date(2026, 12, 1),
    )
    dashboard = reverse("graduated_response:dashboard")
    url = reverse("graduated_response:alerts_acknowledge")
    jane, head = client_for(attendance_officer), client_for(headteacher)
    for c in (jane, head):
        assert f'name="alerts" value="{alert.pk}"' in c.get(dashboard).content.decode()

    jane.post(url, {"alerts": [alert.pk]})
    page = head.post(url, {"alerts": [alert.pk]}, follow=True)

    text = _page_text(page)
    assert "2 late marks in one week for" in text
    assert "was already acknowledged by Jane Smith (Attendance officer) at 10:42" in text
    assert "Choose at least one alert" not in text
    alert.refresh_from_db()
    assert alert.acknowledged_by == attendance_officer
    assert AuditEntry.objects.filter(action="graduated_response.alert.acknowledged").count() == 1
