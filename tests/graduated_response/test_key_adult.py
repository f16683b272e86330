"""Class teachers as key adults: the checklist tells the key adult to "record the conversation in the
communication log", so the key adult of a case opens it and adds to its log; nobody else without a
case role does, and the formal steps (closing, withdrawing entries) stay with case managers."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from graduated_response.models import Case, CaseAction, CommunicationLog
from school import policy
from school.models import AuditEntry, Role

pytestmark = pytest.mark.django_db
TODAY = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/London"))


def _case(pupil, *, key_adult=None, tier=2):
    case = Case.objects.create(
        school=pupil.school, pupil=pupil, current_tier=tier, opened_on=date(2026, 11, 2), key_adult=key_adult
    )
    CaseAction.objects.create(
        case=case,
        tier=tier,
        text="Talk with the parents and record the conversation in the communication log.",
        responsible_role=Role.CLASS_TEACHER,
        due_on=date(2026, 11, 30),
    )
    CaseAction.objects.create(
        case=case,
        tier=tier,
        text="Work with the parents on routines.",
        responsible_role=Role.ATTENDANCE_OFFICER,
        due_on=date(2026, 11, 30),
    )
    return case


@pytest.fixture
def case(pupil, class_teacher):
    return _case(pupil, key_adult=class_teacher)


@time_machine.travel(TODAY, tick=False)
def test_the_key_adult_opens_their_pupils_case_without_the_formal_steps(login, class_teacher, case):
    response = login(class_teacher).get(reverse("graduated_response:case_detail", args=[case.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Attendance this year" in page and "Checklist" in page
    assert "Communication with parents and carers" in page and "Add to the log" in page
    # Not the case manager's steps: no closing the case, no withdrawing entries, no case list link.
    assert "Close the case" not in page
    assert "Withdraw" not in page
    assert f'href="{reverse("graduated_response:dashboard")}"' not in page
    # Only their own role's action gets a "Mark done" button.
    buttons = page.count("Mark done")
    assert buttons == 1


@time_machine.travel(TODAY, tick=False)
def test_the_key_adult_adds_to_the_log_audited(login, class_teacher, case):
    client = login(class_teacher)
    page = client.get(reverse("graduated_response:case_detail", args=[case.pk]))
    token = page.context["log_form"]["submission_token"].value()
    data = {
        "kind": "call",
        "happened_on": "2026-11-23",
        "with_whom": "Mother",
        "summary": "Talked about getting up on time.",
        "submission_token": token,
    }
    response = client.post(reverse("graduated_response:communication_add", args=[case.pk]), data)
    assert response.status_code == 302
    entry = CommunicationLog.objects.get(case=case)
    assert entry.recorded_by == class_teacher and entry.summary == "Talked about getting up on time."
    assert AuditEntry.objects.filter(
        action="graduated_response.communication.added", actor=class_teacher, object_id=str(entry.pk)
    ).exists()
    # A double submit of the same form adds nothing more.
    client.post(reverse("graduated_response:communication_add", args=[case.pk]), data)
    assert CommunicationLog.objects.filter(case=case).count() == 1
    shown = client.get(reverse("graduated_response:case_detail", args=[case.pk])).content.decode()
    assert "Talked about getting up on time." in shown


@time_machine.travel(TODAY, tick=False)
def test_others_without_a_case_role_are_still_refused(
    client_for, class_teacher, teaching_assistant, other_school_teacher, governor, pupil, other_class_pupil
):
    mine = _case(pupil, key_adult=class_teacher)
    not_mine = _case(other_class_pupil)
    detail = "graduated_response:case_detail"
    log = "graduated_response:communication_add"
    # The teaching assistant of the same class is not the key adult: 403, as before.
    ta = client_for(teaching_assistant)
    assert ta.get(reverse(detail, args=[mine.pk])).status_code == 403
    assert ta.post(reverse(log, args=[mine.pk]), {"summary": "x"}).status_code == 403
    # The class teacher is the key adult of one case, not of another class's case.
    teacher = client_for(class_teacher)
    assert teacher.get(reverse(detail, args=[not_mine.pk])).status_code == 403
    # Another school's teacher and a governor never reach it.
    assert client_for(other_school_teacher).get(reverse(detail, args=[mine.pk])).status_code in {403, 404}
    assert client_for(governor).get(reverse(detail, args=[mine.pk])).status_code == 403
    assert not CommunicationLog.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_a_key_adult_named_for_a_pupil_outside_their_classes_does_not_see_it(
    client_for, teaching_assistant, other_class_pupil
):
    """Being named is not enough: the pupil must be one of theirs (policy.key_adult_pupils)."""
    case = _case(other_class_pupil, key_adult=teaching_assistant)
    client = client_for(teaching_assistant)
    assert client.get(reverse("graduated_response:case_detail", args=[case.pk])).status_code == 403


@time_machine.travel(TODAY, tick=False)
def test_the_key_adult_cannot_close_the_case_or_withdraw_entries(
    login, class_teacher, attendance_officer, case
):
    entry = CommunicationLog.objects.create(
        case=case,
        happened_on=date(2026, 11, 20),
        with_whom="Father",
        summary="Rang",
        recorded_by=attendance_officer,
    )
    client = login(class_teacher)
    assert (
        client.post(reverse("graduated_response:case_close", args=[case.pk]), {"reason": "x"}).status_code
        == 403
    )
    assert (
        client.get(reverse("graduated_response:communication_withdraw", args=[entry.pk])).status_code == 403
    )
    assert Case.objects.get(pk=case.pk).status == Case.Status.OPEN
    assert CommunicationLog.objects.current().filter(pk=entry.pk).exists()


@time_machine.travel(TODAY, tick=False)
def test_mark_done_on_my_work_takes_a_note(login, class_teacher, case):
    client = login(class_teacher)
    page = client.get(reverse("graduated_response:my_work")).content.decode()
    action = case.actions.get(responsible_role=Role.CLASS_TEACHER)
    assert f'id="note-{action.pk}"' in page and f'for="note-{action.pk}"' in page
    # The key adult's pupils link to their case.
    assert reverse("graduated_response:case_detail", args=[case.pk]) in page
    response = client.post(
        reverse("graduated_response:action_done", args=[action.pk]),
        {"back": "my_work", "note": "  Spoke to Mum at the gate; mornings are hard.  "},
    )
    assert response.status_code == 302 and response["Location"] == reverse("graduated_response:my_work")
    action.refresh_from_db()
    assert action.done_by == class_teacher
    assert action.done_note == "Spoke to Mum at the gate; mornings are hard."
    audit = AuditEntry.objects.get(action="graduated_response.action.done", object_id=str(action.pk))
    assert audit.after["note"] == "Spoke to Mum at the gate; mornings are hard."
    # The note shows on the case the key adult opens.
    shown = client.get(reverse("graduated_response:case_detail", args=[case.pk])).content.decode()
    assert "Spoke to Mum at the gate; mornings are hard." in shown


@time_machine.travel(TODAY, tick=False)
def test_from_the_case_page_the_key_adult_returns_to_the_case(login, class_teacher, case):
    action = case.actions.get(responsible_role=Role.CLASS_TEACHER)
    response = login(class_teacher).post(
        reverse("graduated_response:action_done", args=[action.pk]), {"note": ""}
    )
    assert response["Location"] == reverse("graduated_response:case_detail", args=[case.pk])


def test_the_policy_gives_key_adults_only_the_case_reading_and_logging(school, pupil, class_teacher):
    assert policy.KEY_ADULT_CAPABILITIES == {policy.VIEW_CASES, policy.LOG_CASE_CONTACT}
    assert not policy.can(class_teacher, school, policy.VIEW_CASES)
    assert not policy.pupils_with(class_teacher, school, policy.VIEW_CASES).exists()
    _case(pupil, key_adult=class_teacher)
    assert list(policy.pupils_with(class_teacher, school, policy.VIEW_CASES)) == [pupil]
    assert list(policy.pupils_with(class_teacher, school, policy.LOG_CASE_CONTACT)) == [pupil]
    assert not policy.pupils_with(class_teacher, school, policy.MANAGE_CASES).exists()


def test_a_second_case_of_the_same_pupil_does_not_list_them_twice(school, pupil, class_teacher):
    first = _case(pupil, key_adult=class_teacher)
    Case.objects.filter(pk=first.pk).update(status=Case.Status.CLOSED)
    _case(pupil, key_adult=class_teacher)
    assert policy.key_adult_pupils(class_teacher, school).count() == 1


def test_a_user_without_a_role_at_the_school_is_no_key_adult(school, pupil, other_school_teacher):
    _case(pupil, key_adult=other_school_teacher)
    assert not policy.key_adult_pupils(other_school_teacher, school).exists()


def test_a_panel_a_key_adult_sees_reaches_only_their_cases_pupils(
    school, pupil, other_class_pupil, class_teacher, teaching_assistant, attendance_officer
):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    _case(pupil, key_adult=class_teacher)
    assert policy.access_pupil_with(class_teacher, school, pupil.pk, policy.VIEW_CASES) == pupil
    with pytest.raises(PermissionDenied):
        policy.access_pupil_with(class_teacher, school, other_class_pupil.pk, policy.VIEW_CASES)
    with pytest.raises(PermissionDenied):
        policy.access_pupil_with(teaching_assistant, school, pupil.pk, policy.VIEW_CASES)
    with pytest.raises(PermissionDenied):  # being key adult gives no case management
        policy.access_pupil_with(class_teacher, school, pupil.pk, policy.MANAGE_CASES)
    assert policy.access_pupil_with(attendance_officer, school, other_class_pupil.pk, policy.MANAGE_CASES)
    with pytest.raises(Http404):
        policy.access_pupil_with(attendance_officer, school, 999999, policy.MANAGE_CASES)


@time_machine.travel(TODAY, tick=False)
def test_the_key_adult_reads_their_pupils_meetings_but_does_not_plan_them(
    client_for, class_teacher, teaching_assistant, attendance_officer, case
):
    from letters.models import Meeting

    sam = Meeting.objects.create(
        school=case.school,
        pupil=case.pupil,
        kind=Meeting.Kind.SAM,
        planned_on=date(2026, 11, 30),
        place="The library",
        created_by=attendance_officer,
    )
    teacher = client_for(class_teacher)
    panel = teacher.get(reverse("letters:panel_case_meetings", args=[case.pupil.pk]))
    assert panel.status_code == 200 and "School Attendance Meeting" in panel.content.decode()
    assert teacher.get(reverse("letters:meeting_detail", args=[sam.pk])).status_code == 200
    assert teacher.get(reverse("letters:meeting_plan", args=[case.pupil.pk])).status_code == 403
    assert teacher.get(reverse("letters:meeting_edit", args=[sam.pk])).status_code == 403
    ta = client_for(teaching_assistant)
    assert ta.get(reverse("letters:panel_case_meetings", args=[case.pupil.pk])).status_code == 403
    assert ta.get(reverse("letters:meeting_detail", args=[sam.pk])).status_code == 403


# --- the pupil page's "Attendance case" panel ----------------------------------------------------------
@time_machine.travel(TODAY, tick=False)
def test_the_key_adult_sees_the_attendance_case_panel_for_their_pupil_only(
    login, class_teacher, case, own_class
):
    from tests import factories as f

    client = login(class_teacher)
    panel = reverse("graduated_response:panel_pupil", args=[case.pupil.pk])
    page = client.get(reverse("school:pupil_detail", args=[case.pupil.pk])).content.decode()
    assert f'hx-get="{panel}"' in page
    response = client.get(panel)
    assert response.status_code == 200
    assert f'href="{reverse("graduated_response:case_detail", args=[case.pk])}"' in response.content.decode()

    # Another pupil of the same class, with a case whose key adult is someone else: no panel, refused.
    other = f.PupilFactory(school=case.school, registration_class=own_class)
    other_case = _case(other)
    other_panel = reverse("graduated_response:panel_pupil", args=[other.pk])
    page = client.get(reverse("school:pupil_detail", args=[other.pk])).content.decode()
    assert f'hx-get="{other_panel}"' not in page
    assert client.get(other_panel).status_code in {403, 404}
    assert (
        reverse("graduated_response:case_detail", args=[other_case.pk])
        not in client.get(panel).content.decode()
    )


@time_machine.travel(TODAY, tick=False)
def test_the_panel_lists_only_the_key_adults_own_cases_of_the_pupil(login, class_teacher, case):
    earlier = Case.objects.create(
        school=case.school,
        pupil=case.pupil,
        current_tier=1,
        opened_on=date(2026, 9, 7),
        status=Case.Status.CLOSED,
        closed_on=date(2026, 10, 1),
    )
    body = login(class_teacher).get(reverse("graduated_response:panel_pupil", args=[case.pupil.pk]))
    body = body.content.decode()
    assert reverse("graduated_response:case_detail", args=[case.pk]) in body
    assert reverse("graduated_response:case_detail", args=[earlier.pk]) not in body


@time_machine.travel(TODAY, tick=False)
def test_a_teaching_assistant_of_the_class_gets_no_attendance_case_panel(login, teaching_assistant, case):
    client = login(teaching_assistant)
    panel = reverse("graduated_response:panel_pupil", args=[case.pupil.pk])
    assert (
        f'hx-get="{panel}"'
        not in client.get(reverse("school:pupil_detail", args=[case.pupil.pk])).content.decode()
    )
    assert client.get(panel).status_code == 403
