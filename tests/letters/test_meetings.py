"""Meeting records (seed 004 Appendix 5) and their SMART targets: states and history, the pages,
the printable record, and the letters a meeting writes (letters/meetings.py)."""

import io
from datetime import date, time

import pytest
import time_machine
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from graduated_response.models import Case
from letters import meetings
from letters.models import Meeting, MeetingStatusEvent, MeetingTarget
from letters.selectors_meetings import targets_due
from school.editing import StaleEdit, current_version
from school.models import AuditEntry
from school.transitions import IllegalMove


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel("2026-11-23 10:00Z", tick=False):
        yield


HOSTILE = "<script>alert(1)</script> {{ secret }}"


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def plan(actor, pupil, kind=Meeting.Kind.SAM, **kwargs):
    kwargs.setdefault("planned_on", date(2026, 11, 23))
    meeting, _ = meetings.meeting_plan(actor=actor, pupil=pupil, kind=kind, **kwargs)
    return meeting


def actions(meeting):
    return list(
        AuditEntry.objects.filter(object_type="letters.meeting", object_id=str(meeting.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


# --- states and history ------------------------------------------------------------------------------
def test_plan_then_hold_leaves_history_and_audit(pupil, attendance_officer):
    meeting = plan(attendance_officer, pupil, planned_time=time(9, 30), place="Main office")
    meeting = meetings.meeting_record_held(
        actor=attendance_officer,
        meeting=meeting,
        held_on=date(2026, 11, 23),
        present="Mum, class teacher, attendance officer",
        worried_education="Missing phonics on Mondays",
        parent_voice="Mornings are hard since the baby came",
    )
    meeting.refresh_from_db()
    assert meeting.status == "held" and meeting.held_on == date(2026, 11, 23)
    assert meeting.recorded_by == attendance_officer
    events = [(e.from_status, e.to_status) for e in MeetingStatusEvent.objects.filter(meeting=meeting)]
    assert events == [("", "planned"), ("planned", "held")]
    assert actions(meeting) == ["letters.meeting.planned", "letters.meeting.held"]


def test_a_held_meeting_cannot_be_marked_not_attended(pupil, attendance_officer):
    meeting = plan(attendance_officer, pupil)
    meetings.meeting_record_held(actor=attendance_officer, meeting=meeting, held_on=date(2026, 11, 23))
    with pytest.raises(StaleEdit, match="already marked held"):
        meetings.meeting_record_not_attended(actor=attendance_officer, meeting=meeting)
    assert Meeting.objects.get(pk=meeting.pk).status == "held"


def test_final_states_refuse_every_move():
    from letters.meeting_status import MEETING

    for final in ("held", "not_attended", "cancelled"):
        for to in ("planned", "held", "not_attended", "cancelled"):
            with pytest.raises(IllegalMove):
                MEETING.check(final, to)


def test_not_held_in_the_future(pupil, attendance_officer):
    meeting = plan(attendance_officer, pupil, planned_on=date(2026, 11, 30))
    with pytest.raises(ValidationError) as error:
        meetings.meeting_record_held(actor=attendance_officer, meeting=meeting, held_on=date(2026, 11, 30))
    assert "held_on" in error.value.message_dict
    assert Meeting.objects.get(pk=meeting.pk).status == "planned"


def test_joint_review_needs_an_outcome_and_attendance_meetings_have_none(pupil, sendco, attendance_officer):
    review = plan(sendco, pupil, kind=Meeting.Kind.SEND_REVIEW)
    with pytest.raises(ValidationError, match="outcome of the joint review"):
        meetings.meeting_record_held(actor=sendco, meeting=review, held_on=date(2026, 11, 23))
    sam = plan(attendance_officer, pupil)
    with pytest.raises(ValidationError, match="Only a joint review"):
        meetings.meeting_record_held(
            actor=attendance_officer, meeting=sam, held_on=date(2026, 11, 23), outcome="referral"
        )
    meetings.meeting_record_held(
        actor=sendco, meeting=review, held_on=date(2026, 11, 23), outcome="support_plan"
    )
    assert Meeting.objects.get(pk=review.pk).get_outcome_display() == "SEND support plan"


def test_cancel_keeps_the_reason(pupil, attendance_officer):
    meeting = plan(attendance_officer, pupil)
    meetings.meeting_cancel(actor=attendance_officer, meeting=meeting, reason="Mum is in hospital")
    meeting.refresh_from_db()
    assert meeting.status == "cancelled" and meeting.status_note == "Mum is in hospital"
    assert (
        MeetingStatusEvent.objects.get(meeting=meeting, to_status="cancelled").reason == "Mum is in hospital"
    )


def test_editing_a_held_record_against_an_old_version_is_refused(pupil, attendance_officer, headteacher):
    meeting = plan(attendance_officer, pupil)
    meetings.meeting_record_held(actor=attendance_officer, meeting=meeting, held_on=date(2026, 11, 23))
    opened_at = current_version(meeting)
    meetings.meeting_record_update(
        actor=headteacher,
        meeting=meeting,
        expected_version=opened_at,
        held_on=date(2026, 11, 23),
        present="Dad",
    )
    with pytest.raises(StaleEdit, match="Someone else changed this"):
        meetings.meeting_record_update(
            actor=attendance_officer,
            meeting=meeting,
            expected_version=opened_at,
            held_on=date(2026, 11, 23),
            present="Mum",
        )
    assert Meeting.objects.get(pk=meeting.pk).present == "Dad"


# --- targets -----------------------------------------------------------------------------------------
def test_targets_come_up_for_review_on_their_dates(pupil, attendance_officer):
    meeting = plan(attendance_officer, pupil)
    early = meetings.meeting_target_add(
        actor=attendance_officer,
        meeting=meeting,
        text="Arrive by 8.50am",
        owner="Mum",
        review_on=date(2026, 12, 4),
    )
    late = meetings.meeting_target_add(
        actor=attendance_officer,
        meeting=meeting,
        text="Breakfast club",
        owner="School",
        review_on=date(2026, 12, 11),
    )
    school = pupil.school
    assert list(targets_due(school=school, on=date(2026, 12, 3))) == []
    assert list(targets_due(school=school, on=date(2026, 12, 4))) == [early]
    assert list(targets_due(school=school, on=date(2026, 12, 11))) == [early, late]
    meetings.target_review(actor=attendance_officer, target=early, status="met", note="Every day on time")
    assert list(targets_due(school=school, on=date(2026, 12, 11))) == [late]
    with pytest.raises(StaleEdit, match="already reviewed"):
        meetings.target_review(actor=attendance_officer, target=early, status="not_met")
    early.refresh_from_db()
    assert (early.status, early.review_note) == ("met", "Every day on time")
    assert (
        AuditEntry.objects.filter(action="letters.meeting_target.reviewed", object_id=str(early.pk)).count()
        == 1
    )


def test_no_target_before_the_meeting_or_on_a_cancelled_one(pupil, attendance_officer):
    meeting = plan(attendance_officer, pupil)
    with pytest.raises(ValidationError):
        meetings.meeting_target_add(
            actor=attendance_officer, meeting=meeting, text="x", owner="Mum", review_on=date(2026, 11, 20)
        )
    meetings.meeting_cancel(actor=attendance_officer, meeting=meeting, reason="Not needed")
    with pytest.raises(ValidationError, match="cancelled"):
        meetings.meeting_target_add(
            actor=attendance_officer, meeting=meeting, text="x", owner="Mum", review_on=date(2026, 12, 20)
        )


# --- pages -------------------------------------------------------------------------------------------
def test_record_page_holds_the_meeting(login, pupil, attendance_officer):
    meeting = plan(attendance_officer, pupil)
    client = login(attendance_officer)
    page = client.get(f"/letters/meetings/{meeting.pk}/record/").content.decode()
    for heading in (
        "What we are worried about",
        "What is going well",
        "Next steps",
        "Parent voice",
        "Child voice",
    ):
        assert heading in page
    assert "Outcome of the joint review" not in page
    response = client.post(
        f"/letters/meetings/{meeting.pk}/record/",
        {"held_on": "2026-11-23", "present": "Mum and Dad", "child_voice": "I like art"},
    )
    assert response.status_code == 302
    detail = client.get(f"/letters/meetings/{meeting.pk}/").content.decode()
    assert "Mum and Dad" in detail and "I like art" in detail and "Held" in detail


def test_plan_page_and_case_panel(login, pupil, attendance_officer):
    client = login(attendance_officer)
    response = client.post(
        f"/letters/meetings/pupil/{pupil.pk}/plan/",
        {"kind": "sam", "planned_on": "2026-11-23", "planned_time": "09:15", "place": "Library"},
    )
    meeting = Meeting.objects.get(pupil=pupil)
    assert response.status_code == 302 and meeting.kind == "sam" and meeting.place == "Library"
    meetings.meeting_target_add(
        actor=attendance_officer,
        meeting=meeting,
        text="Arrive by 8.50am",
        owner="Mum",
        review_on=date(2026, 11, 23),
    )
    panel = client.get(f"/letters/meetings/panels/case/{pupil.pk}/").content.decode()
    assert "School Attendance Meeting (SAM)" in panel
    assert "Targets due for review" in panel and "Arrive by 8.50am" in panel


def test_case_page_loads_the_panel_and_links_the_joint_review(login, pupil, attendance_officer):
    from graduated_response.models import Alert

    case = Case.objects.create(school=pupil.school, pupil=pupil, current_tier=3, opened_on=date(2026, 11, 2))
    Alert.objects.create(
        school=pupil.school,
        pupil=pupil,
        case=case,
        kind="send_joint_review",
        period_key="c-tier3",
        message="Hold a joint review",
        for_roles=",sendco,attendance_officer,",
        created_on=date(2026, 11, 23),
    )
    page = login(attendance_officer).get(f"/cases/{case.pk}/").content.decode()
    assert f'hx-get="/letters/meetings/panels/case/{pupil.pk}/"' in page
    assert f'href="/letters/meetings/pupil/{pupil.pk}/plan/?kind=send_review"' in page
    assert "Record the joint review" in page


def test_sendco_records_the_joint_review_from_the_alert_link(login, pupil, sendco):
    client = login(sendco)
    page = client.get(f"/letters/meetings/pupil/{pupil.pk}/plan/?kind=send_review").content.decode()
    assert 'value="send_review"' in page and 'value="sap"' not in page
    response = client.post(
        f"/letters/meetings/pupil/{pupil.pk}/plan/", {"kind": "send_review", "planned_on": "2026-11-23"}
    )
    review = Meeting.objects.get(pupil=pupil)
    assert response["Location"] == f"/letters/meetings/{review.pk}/record/"
    response = client.post(
        f"/letters/meetings/{review.pk}/record/", {"held_on": "2026-11-23", "outcome": "adjustments"}
    )
    assert response.status_code == 302
    assert Meeting.objects.get(pk=review.pk).outcome == "adjustments"


def test_sendco_cannot_plan_a_sam(login, pupil, sendco):
    response = login(sendco).post(
        f"/letters/meetings/pupil/{pupil.pk}/plan/", {"kind": "sam", "planned_on": "2026-11-27"}
    )
    assert response.status_code == 400
    assert not Meeting.objects.exists()


def test_double_submit_of_a_target_adds_one(login, pupil, attendance_officer):
    meeting = plan(attendance_officer, pupil)
    client = login(attendance_officer)
    data = {
        "text": "Arrive by 8.50am",
        "owner": "Mum",
        "review_on": "2026-12-04",
        "submission_token": "6f1c7e8e-1d7e-4a53-9d43-5b1d3e0f0a11",
    }
    client.post(f"/letters/meetings/{meeting.pk}/targets/", data)
    client.post(f"/letters/meetings/{meeting.pk}/targets/", data)
    assert MeetingTarget.objects.filter(meeting=meeting).count() == 1


# --- the printed record -----------------------------------------------------------------------------
def test_record_pdf_prints_hostile_text_literally(login, pupil, attendance_officer):
    pupil.legal_first_name = HOSTILE
    pupil.save(update_fields=["legal_first_name"])
    meeting = plan(attendance_officer, pupil)
    meetings.meeting_record_held(
        actor=attendance_officer,
        meeting=meeting,
        held_on=date(2026, 11, 23),
        present=HOSTILE,
        parent_voice="We will use an alarm clock",
    )
    meetings.meeting_target_add(
        actor=attendance_officer, meeting=meeting, text=HOSTILE, owner="Mum", review_on=date(2026, 12, 4)
    )
    response = login(attendance_officer).get(f"/letters/meetings/{meeting.pk}/record.pdf")
    text = pdf_text(response)
    assert text.count("<script>alert(1)</script>") >= 3
    assert "{{ secret }}" in text
    assert "We will use an alarm clock" in text and "4 December 2026" in text
    assert "School Attendance Meeting (SAM)" in text


def test_record_pdf_headings_keep_whole_words(login, pupil, attendance_officer):
    # The row and column headings once printed "Educatio / n", "Additiona / l informati / on" and
    # "Statu / s": the table squeezed its heading cells as if any word could be split.
    meeting = plan(attendance_officer, pupil)
    meetings.meeting_record_held(
        actor=attendance_officer,
        meeting=meeting,
        held_on=date(2026, 11, 23),
        present="Parent, class teacher, attendance officer",
        worried_education="Missed most Monday mornings this half term, including phonics lessons.",
        going_well_education="Works hard when in school and has good friends in class.",
        next_steps_education="Morning check-in with the class teacher; catch-up phonics twice a week.",
    )
    meetings.meeting_target_add(
        actor=attendance_officer,
        meeting=meeting,
        text="Arrive by 8.50am every school day until the end of this half term.",
        owner="Attendance officer",
        review_on=date(2026, 12, 4),
    )
    response = login(attendance_officer).get(f"/letters/meetings/{meeting.pk}/record.pdf")
    words = set(pdf_text(response).split())
    assert {"Education", "Additional", "information", "Status", "Health", "Care"} <= words
    assert not words & {"Educatio", "Additiona", "informati", "Statu"}


# --- who may ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "read", "write"),
    [
        ("attendance_officer", 200, 200),
        ("headteacher", 200, 200),
        ("sendco", 200, 403),  # reads an attendance meeting; plans and records only the joint review
        ("dsl", 200, 403),
        ("class_teacher", 403, 403),
        ("office_staff", 403, 403),
        ("governor", 403, 403),
    ],
)
def test_who_may_read_and_record_a_sam(request, login, pupil, attendance_officer, who, read, write):
    meeting = plan(attendance_officer, pupil)
    client = login(request.getfixturevalue(who))
    assert client.get(f"/letters/meetings/{meeting.pk}/").status_code == read
    assert client.get(f"/letters/meetings/{meeting.pk}/record/").status_code == write


def test_another_schools_meeting_is_not_found(login, other_school_pupil, attendance_officer, other_school):
    from tests import factories as f

    officer = f.staff(other_school, "attendance_officer", username="elsewhere")
    meeting = plan(officer, other_school_pupil)
    client = login(attendance_officer)
    assert client.get(f"/letters/meetings/{meeting.pk}/").status_code == 404
    assert client.get(f"/letters/meetings/{meeting.pk}/record.pdf").status_code == 404


# --- letters -----------------------------------------------------------------------------------------
def letter_pdf_text(letter) -> str:
    from letters.services import letter_render
    from school.private_files import read_private_file

    assert letter_render(letter_id=letter.pk) == "rendered", letter.error
    letter.refresh_from_db()
    data = read_private_file(letter.private_file_name())
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def parents_apart(pupil):
    """Two parents with parental responsibility at two addresses: one letter each."""
    from tests import factories as f

    mum = f.PupilContactFactory(
        pupil=pupil,
        contact__first_name="Alice",
        contact__last_name="Examplesmith",
        contact__address="1 Fictional Row\nTestville",
        contact__postcode="ZZ1 1ZZ",
    ).contact
    dad = f.PupilContactFactory(
        pupil=pupil,
        priority=2,
        contact__first_name="Bob",
        contact__last_name="Examplejones",
        contact__address="9 Imaginary Lane\nMocktown",
        contact__postcode="ZZ9 9ZZ",
    ).contact
    return mum, dad


def test_not_attended_sam_writes_2a_for_every_address(pupil, attendance_officer, parents_apart):
    meeting = plan(attendance_officer, pupil, planned_time=time(9, 15), place="Meeting room 1")
    meeting, produced = meetings.meeting_record_not_attended(
        actor=attendance_officer, meeting=meeting, note="No answer on the phone"
    )
    assert meeting.status == "not_attended" and not produced.refused
    letters = sorted(produced.letters, key=lambda letter: letter.recipient_name)
    assert [letter.code for letter in letters] == ["letter_2a", "letter_2a"]
    assert ["Alice" in letters[0].recipient_name, "Bob" in letters[1].recipient_name] == [True, True]
    assert "Testville" in letters[0].recipient_address and "Mocktown" in letters[1].recipient_address
    text = letter_pdf_text(letters[0])
    assert "23 November 2026" in text
    # The time as every letter prints it (this letter once said "09:15", the case page's "9.15am").
    assert letters[0].merge_values["meeting_time"] == "9:15am"


def test_a_meeting_still_to_come_cannot_be_marked_not_attended(
    login, pupil, attendance_officer, parents_apart
):
    meeting = plan(attendance_officer, pupil, planned_on=date(2026, 11, 30))
    with pytest.raises(ValidationError, match="planned for 30 November 2026"):
        meetings.meeting_record_not_attended(actor=attendance_officer, meeting=meeting)
    response = login(attendance_officer).post(
        f"/letters/meetings/{meeting.pk}/not-attended/", {"note": "", "send_letter": "on"}
    )
    assert response.status_code == 400
    assert "not before" in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).status == "planned"
    assert not pupil.letters.exists()


def test_not_attended_with_the_background_service_down_says_the_letters_wait(
    login, pupil, attendance_officer, parents_apart, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from letters.tasks import render_letter

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")

    monkeypatch.setattr(render_letter, "apply_async", refuse)
    meeting = plan(attendance_officer, pupil)
    client = login(attendance_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/letters/meetings/{meeting.pk}/not-attended/", {"note": "", "send_letter": "on"}
        )
    page = client.get(response["Location"]).content.decode()
    assert "2 letters written (one for each address). The background service is down" in page
    assert "being prepared" not in page


def test_not_attended_without_the_letter(pupil, attendance_officer, parents_apart):
    meeting = plan(attendance_officer, pupil)
    _, produced = meetings.meeting_record_not_attended(
        actor=attendance_officer, meeting=meeting, send_letter=False
    )
    assert produced.count == 0 and not pupil.letters.exists()


def test_not_attended_page_says_how_many_letters(login, pupil, attendance_officer, parents_apart):
    meeting = plan(attendance_officer, pupil)
    response = login(attendance_officer).post(
        f"/letters/meetings/{meeting.pk}/not-attended/", {"note": "", "send_letter": "on"}, follow=True
    )
    page = response.content.decode()
    assert "2 letters written (one for each address)" in page
    assert "sent" not in page.split("2 letters written")[1][:80]
    assert pupil.letters.filter(code="letter_2a").count() == 2


def test_targets_confirmation_and_targets_met_letters_carry_the_targets(
    pupil, attendance_officer, parents_apart
):
    meeting = plan(attendance_officer, pupil, kind=Meeting.Kind.SAP)
    meetings.meeting_record_held(actor=attendance_officer, meeting=meeting, held_on=date(2026, 11, 23))
    with pytest.raises(ValidationError, match="Add the targets"):
        meetings.meeting_letters_produce(actor=attendance_officer, meeting=meeting, purpose=meetings.TARGETS)
    met = meetings.meeting_target_add(
        actor=attendance_officer,
        meeting=meeting,
        text="Arrive by 8.50am every day",
        owner="Mum",
        review_on=date(2026, 12, 11),
    )
    meetings.meeting_target_add(
        actor=attendance_officer, meeting=meeting, text=HOSTILE, owner="School", review_on=date(2026, 12, 18)
    )
    produced = meetings.meeting_letters_produce(
        actor=attendance_officer, meeting=meeting, purpose=meetings.TARGETS
    )
    assert [letter.code for letter in produced.letters] == ["letter_3b", "letter_3b"]
    text = letter_pdf_text(produced.letters[0])
    assert "Arrive by 8.50am every day" in text and "11 December 2026" in text
    assert "<script>alert(1)</script>" in text and "{{ secret }}" in text

    with pytest.raises(ValidationError, match="No target is recorded as met"):
        meetings.meeting_letters_produce(
            actor=attendance_officer, meeting=meeting, purpose=meetings.TARGETS_MET
        )
    meetings.target_review(actor=attendance_officer, target=met, status="met")
    produced = meetings.meeting_letters_produce(
        actor=attendance_officer, meeting=meeting, purpose=meetings.TARGETS_MET
    )
    assert {letter.code for letter in produced.letters} == {"letter_3c"}
    # Only the met target is merged (the default 3c text names the meeting's date, not the list).
    merged = str(produced.letters[0].merge_values["meeting_targets"])
    assert "Arrive by 8.50am every day" in merged and "alert(1)" not in merged
    assert "23 November 2026" in letter_pdf_text(produced.letters[0])


def test_invitation_when_planned_carries_date_time_and_place(pupil, attendance_officer, parents_apart):
    _, produced = meetings.meeting_plan(
        actor=attendance_officer,
        pupil=pupil,
        kind=Meeting.Kind.SAM,
        planned_on=date(2026, 12, 8),
        planned_time=time(9, 15),
        place="the library",
        invite=True,
    )
    assert [letter.code for letter in produced.letters] == ["letter_2", "letter_2"]
    text = " ".join(
        letter_pdf_text(produced.letters[0]).split()
    )  # lines wrap where a name's length puts them
    assert "8 December 2026" in text and "in the library" in text


def test_missed_sap_3a_waits_for_the_joint_review_for_a_pupil_with_sen(
    pupil, attendance_officer, sendco, parents_apart
):
    from tests import factories as f

    f.SendRecordFactory(pupil=pupil, status="ehc_plan")
    Case.objects.create(school=pupil.school, pupil=pupil, current_tier=3, opened_on=date(2026, 11, 2))
    sap = plan(attendance_officer, pupil, kind=Meeting.Kind.SAP)
    _, produced = meetings.meeting_record_not_attended(actor=attendance_officer, meeting=sap)
    assert produced.count == 0 and "joint review with the SENDCo" in produced.refused
    assert Meeting.objects.get(pk=sap.pk).status == "not_attended"  # the meeting is still recorded

    review = plan(sendco, pupil, kind=Meeting.Kind.SEND_REVIEW)
    meetings.meeting_record_held(actor=sendco, meeting=review, held_on=date(2026, 11, 23), outcome="referral")
    produced = meetings.meeting_letters_produce(
        actor=attendance_officer, meeting=Meeting.objects.get(pk=sap.pk), purpose=meetings.NOT_ATTENDED
    )
    assert [letter.code for letter in produced.letters] == ["letter_3a", "letter_3a"]


def test_a_meetings_letters_go_in_the_case_log(pupil, attendance_officer, parents_apart):
    from graduated_response.models import CommunicationLog

    case = Case.objects.create(school=pupil.school, pupil=pupil, current_tier=2, opened_on=date(2026, 11, 2))
    meeting = plan(attendance_officer, pupil)
    _, produced = meetings.meeting_record_not_attended(actor=attendance_officer, meeting=meeting)
    entries = CommunicationLog.objects.filter(case=case, kind="letter").order_by("id")
    assert [entry.letter for entry in entries] == produced.letters
    assert all("not attended" in entry.summary and "did not attend" in entry.summary for entry in entries)


def test_the_key_adult_reads_their_pupils_meetings_but_does_not_record_them(
    login, pupil, other_class_pupil, attendance_officer, class_teacher
):
    Case.objects.create(
        school=pupil.school, pupil=pupil, current_tier=2, opened_on=date(2026, 11, 2), key_adult=class_teacher
    )
    meeting = plan(attendance_officer, pupil)
    client = login(class_teacher)
    assert client.get(f"/letters/meetings/{meeting.pk}/").status_code == 200
    assert client.get(f"/letters/meetings/panels/case/{pupil.pk}/").status_code == 200
    assert client.get(f"/letters/meetings/{meeting.pk}/record.pdf").status_code == 200
    assert client.get(f"/letters/meetings/{meeting.pk}/record/").status_code == 403
    other = plan(attendance_officer, other_class_pupil)
    assert client.get(f"/letters/meetings/{other.pk}/").status_code == 404


# --- the meeting page lists the letters it wrote ------------------------------------------------------
def test_the_meeting_page_lists_its_letters_with_links_to_their_pdfs(
    login, client_for, pupil, attendance_officer, class_teacher, parents_apart
):
    from django.urls import reverse

    meeting = plan(attendance_officer, pupil, planned_time=time(9, 15), place="Meeting room 1")
    other = plan(attendance_officer, pupil, kind=Meeting.Kind.SAP, planned_on=date(2026, 11, 30))
    produced = meetings.meeting_letters_produce(actor=attendance_officer, meeting=meeting, purpose="invite")
    assert produced.count == 2 and all(letter.meeting == meeting for letter in produced.letters)
    page = login(attendance_officer).get(f"/letters/meetings/{meeting.pk}/").content.decode()
    listed = page.split('data-testid="meeting-letters"')[1].split("</ul>")[0]
    for letter in produced.letters:
        assert f'href="{reverse("letters:letter_download", args=[letter.pk])}"' in listed
        assert letter.recipient_name in listed
    # The other meeting wrote none, and says so.
    page = client_for(attendance_officer).get(f"/letters/meetings/{other.pk}/").content.decode()
    assert 'data-testid="meeting-letters"' not in page and "No letters from this meeting yet." in page

    # A key adult reads the meeting and its letters; a teacher who is not does not reach the page.
    case = Case.objects.create(
        school=pupil.school, pupil=pupil, current_tier=2, opened_on=date(2026, 11, 2), key_adult=class_teacher
    )
    teacher = client_for(class_teacher)
    page = teacher.get(f"/letters/meetings/{meeting.pk}/").content.decode()
    assert page.split('data-testid="meeting-letters"')[1].count("/letter.pdf") == 2
    assert teacher.get(reverse("letters:letter_download", args=[produced.letters[0].pk])).status_code == 200
    case.key_adult = None
    case.save(update_fields=["key_adult"])
    assert teacher.get(f"/letters/meetings/{meeting.pk}/").status_code in {403, 404}


def test_a_meetings_letter_written_from_the_case_page_is_listed_on_the_meeting(
    login, pupil, attendance_officer, parents_apart
):
    from graduated_response import case_letters

    case = Case.objects.create(school=pupil.school, pupil=pupil, current_tier=2, opened_on=date(2026, 11, 2))
    meeting = plan(attendance_officer, pupil, planned_time=time(14, 0), place="The library")
    entries = case_letters.case_letters_produce(
        actor=attendance_officer, case=case, code="letter_2", trigger="invitation to the SAM"
    )
    assert {entry.letter.meeting_id for entry in entries} == {meeting.pk}
    page = login(attendance_officer).get(f"/letters/meetings/{meeting.pk}/").content.decode()
    assert page.split('data-testid="meeting-letters"')[1].count("/letter.pdf") == 2


# --- the meetings list (where Letters 2 and 3 are written) -----------------------------------------
def test_the_meetings_list_shows_planned_then_earlier_meetings_of_readable_pupils(
    login, pupil, attendance_officer, django_assert_max_num_queries
):
    from django.urls import reverse

    from tests import factories as f

    soon = plan(attendance_officer, pupil, planned_on=date(2026, 11, 26))
    for _ in range(3):
        plan(attendance_officer, f.PupilFactory(school=pupil.school), planned_on=date(2026, 11, 27))
    held = plan(attendance_officer, pupil, kind=Meeting.Kind.SAP, planned_on=date(2026, 11, 16))
    Meeting.objects.filter(pk=held.pk).update(status="not_attended")
    review = plan(attendance_officer, pupil, kind=Meeting.Kind.SEND_REVIEW)  # not an attendance meeting
    client = login(attendance_officer)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("letters:meeting_list")).content.decode()
    planned = page.split('data-testid="meetings-planned"')[1].split("</table>")[0]
    earlier = page.split('data-testid="meetings-other"')[1].split("</table>")[0]
    assert f"/letters/meetings/{soon.pk}/" in planned and planned.count("<tr>") == 5  # heading + 4
    assert f"/letters/meetings/{held.pk}/" in earlier and "Not attended" in earlier
    assert f"/letters/meetings/{review.pk}/" not in page
    assert client.get(reverse("letters:meeting_list")).status_code == 200
