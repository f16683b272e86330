"""Telling parents: the letter that SEN provision is being made (SEND Code of Practice 6.75), a record
that they were told another way, and the invitation to a SEN support review. What a SENDCo sees on the
pages, the rows and audit entries written, and the text of the printed PDFs."""

import io
import re
from datetime import UTC, date, time

import pytest
import time_machine
from pypdf import PdfReader

from letters.models import Letter
from letters.services import letter_render
from school.calendar import SchoolCalendar
from school.models import AuditEntry, ClosureDay
from school.private_files import read_private_file
from send import register_status, review_meeting, selectors, services
from send.models import ProvisionNotification, ReviewInvitation
from tests import factories as f

TODAY = "2026-12-02 09:00"  # a Wednesday in the autumn term


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def pdf_text(letter) -> str:
    letter_render(letter_id=letter.pk)
    letter.refresh_from_db()
    assert letter.status == Letter.Status.RENDERED, letter.error
    data = read_private_file(letter.private_file_name())
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)  # lines wrap wherever the page ends them


def token(response) -> str:
    match = re.search(r'name="submission_token" value="([^"]+)"', response.content.decode())
    assert match, "the form has no one-time token"
    return match.group(1)


def section(response, testid: str) -> str:
    html = response.content.decode()
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</section>", start)]


def place_on_sen_support(pupil, user, agreed_on=date(2026, 12, 1)):
    return services.send_status_change(
        actor=user,
        pupil=pupil,
        to_status=register_status.SEN_SUPPORT,
        reason="Reading well below age-related expectations",
        parents_agreed_by="Ms Examplesmith",
        parents_agreed_on=agreed_on,
    )


def parent(pupil, title, first, last, address, postcode, pr=True, priority=1):
    return f.PupilContactFactory(
        pupil=pupil,
        parental_responsibility=pr,
        priority=priority,
        contact__title=title,
        contact__first_name=first,
        contact__last_name=last,
        contact__address=address,
        contact__postcode=postcode,
    ).contact


@pytest.fixture
def parents_apart(pupil):
    """Two parents with parental responsibility at different addresses, and a grandparent without it."""
    return [
        parent(pupil, "Ms", "Alice", "Examplesmith", "1 Fictional Row\nTestville", "ZZ1 1ZZ"),
        parent(pupil, "Mr", "Bob", "Sampleton", "22 Made-Up Lane\nOthertown", "ZZ9 9ZZ", priority=2),
        parent(pupil, "Mrs", "Gran", "Oldfield", "5 Elsewhere Close", "ZZ5 5ZZ", pr=False, priority=3),
    ]


def prepare(client, pupil, summary="Small-group reading three times a week", **extra):
    page = client.get(f"/send/pupils/{pupil.pk}/provision-letters/")
    assert page.status_code == 200
    data = {"provision_summary": summary, "submission_token": token(page), **extra}
    return client.post(f"/send/pupils/{pupil.pk}/provision-letters/", data, follow=True), data


# --- the letter telling parents that SEN provision is being made -------------------------------------
def test_a_placement_on_sen_support_says_parents_not_yet_told_and_lists_the_pupil(
    login, sendco, pupil, parents_apart
):
    client = login(sendco)
    assert "Parents not yet told" not in client.get(f"/send/pupils/{pupil.pk}/").content.decode()
    place_on_sen_support(pupil, sendco)
    page = client.get(f"/send/pupils/{pupil.pk}/")
    notice = section(page, "provision-notice")
    assert "Parents not yet told" in notice and "Prepare the letter telling parents" in notice
    dashboard = client.get("/send/")
    assert (
        str(pupil) in section(dashboard, "not-told-row")
        if "not-told-row" in dashboard.content.decode()
        else False
    )
    assert [r.pupil for r in selectors.parents_not_told(school=pupil.school)] == [pupil]


def test_preparing_the_letter_writes_one_per_address_audited_and_printed(login, sendco, pupil, parents_apart):
    placement = place_on_sen_support(pupil, sendco)
    client = login(sendco)
    form = client.get(f"/send/pupils/{pupil.pk}/provision-letters/")
    addressed = form.content.decode()
    assert "Ms A Examplesmith" in addressed and "Mr B Sampleton" in addressed and "Oldfield" not in addressed

    response, _ = prepare(client, pupil)
    text = response.content.decode()
    assert "2 letters were written (one for each address)" in text
    notification = ProvisionNotification.objects.get(pupil=pupil)
    assert notification.placement == placement and notification.method == "letter"
    assert notification.told_on == date(2026, 12, 2)
    letters = list(notification.letters.order_by("id"))
    assert [(x.code, x.kind, x.recipient_name) for x in letters] == [
        ("send_provision", "send", "Ms A Examplesmith"),
        ("send_provision", "send", "Mr B Sampleton"),
    ]
    assert AuditEntry.objects.filter(
        action="send.provision_notice.letters_written", object_id=str(notification.pk), pupil=pupil
    ).exists()
    assert AuditEntry.objects.filter(action="letters.letter.created", pupil=pupil).count() == 2

    notice = section(response, "provision-notice")
    assert "Parents told by letter" in notice and "Being prepared" in notice
    assert "sent" not in notice.lower()

    printed = pdf_text(letters[0])
    first = pupil.preferred_first_name or pupil.legal_first_name
    assert f"Special educational provision for {first}" in printed
    assert "Small-group reading three times a week" in printed
    assert "Ms A Examplesmith" in printed and "ZZ1 1ZZ" in printed
    assert "ZZ9 9ZZ" in pdf_text(letters[1])
    assert sendco.get_full_name() in printed  # "Please contact ..., our SENDCo"

    notice = section(client.get(f"/send/pupils/{pupil.pk}/"), "provision-notice")
    assert notice.count("Ready") == 2 and f"/letters/{letters[0].pk}/letter.pdf" in notice
    assert "sent" not in notice.lower()
    assert not selectors.parents_not_told(school=pupil.school).exists()
    assert "not-told-row" not in client.get("/send/").content.decode()


def test_a_double_submit_writes_one_set_and_a_second_form_is_refused(login, sendco, pupil, parents_apart):
    place_on_sen_support(pupil, sendco)
    client = login(sendco)
    _, data = prepare(client, pupil)
    client.post(f"/send/pupils/{pupil.pk}/provision-letters/", data)  # the same form sent again
    assert ProvisionNotification.objects.filter(pupil=pupil).count() == 1
    assert Letter.objects.filter(pupil=pupil, code="send_provision").count() == 2

    again = client.post(
        f"/send/pupils/{pupil.pk}/provision-letters/",
        {"provision_summary": "Other words", "submission_token": "7f1c0c0e-7a55-4b8e-9d0f-2d1e3c4b5a69"},
    )
    assert "The parents were already told" in again.content.decode()
    assert Letter.objects.filter(pupil=pupil, code="send_provision").count() == 2
    # The page no longer offers it, and its address says so.
    follow = client.get(f"/send/pupils/{pupil.pk}/provision-letters/", follow=True)
    assert "The parents have already been told." in follow.content.decode()


def test_hostile_names_and_summary_print_literally(login, sendco, pupil):
    pupil.preferred_first_name = "<script>alert(1)</script>"
    pupil.preferred_last_name = "{{ secret }}"
    pupil.save()
    parent(pupil, "Ms", "Alice", "{school_name}", "1 Fictional Row", "ZZ1 1ZZ")
    place_on_sen_support(pupil, sendco)
    client = login(sendco)
    response, _ = prepare(client, pupil, summary="<b>{pupil_first_name}</b> & {{ x }}")
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    [letter] = ProvisionNotification.objects.get(pupil=pupil).letters.all()
    printed = pdf_text(letter)
    assert "<script>alert(1)</script>" in printed
    assert "<b>{pupil_first_name}</b> & {{ x }}" in printed
    assert "Ms A {school_name}" in printed


def test_the_form_suggests_the_pupils_current_interventions(login, sendco, pupil, parents_apart):
    place_on_sen_support(pupil, sendco)
    f.ProvisionEnrolmentFactory(
        pupil=pupil, intervention__name="Phonics boost", intervention__sessions_per_week=3
    )
    f.ProvisionEnrolmentFactory(pupil=pupil, intervention__name="Ended group", end_date=date(2026, 11, 1))
    page = login(sendco).get(f"/send/pupils/{pupil.pk}/provision-letters/").content.decode()
    assert "Phonics boost (3 sessions a week)" in page and "Ended group" not in page


def test_an_empty_summary_and_no_parental_responsibility_are_refused(login, sendco, pupil):
    place_on_sen_support(pupil, sendco)
    client = login(sendco)
    parent(pupil, "Mrs", "Gran", "Oldfield", "5 Elsewhere Close", "ZZ5 5ZZ", pr=False)
    page = client.get(f"/send/pupils/{pupil.pk}/provision-letters/")
    assert 'data-testid="no-addressees"' in page.content.decode()
    response = client.post(
        f"/send/pupils/{pupil.pk}/provision-letters/",
        {"provision_summary": "Reading group", "submission_token": token(page)},
    )
    assert "No contact with parental responsibility is recorded" in response.content.decode()
    assert not Letter.objects.filter(pupil=pupil).exists()
    assert not ProvisionNotification.objects.exists()


def test_a_pupil_not_on_sen_support_has_no_letter_to_write(login, sendco, pupil, parents_apart):
    client = login(sendco)
    follow = client.get(f"/send/pupils/{pupil.pk}/provision-letters/", follow=True)
    assert "is not on SEN support, so there is no letter to write" in follow.content.decode()
    response = client.post(f"/send/pupils/{pupil.pk}/provision-letters/", {"provision_summary": "x"})
    assert "is not on SEN support, so there is nothing to tell" in response.content.decode()
    assert not Letter.objects.exists()


def test_a_new_placement_after_removal_needs_telling_again(sendco, pupil, parents_apart):
    place_on_sen_support(pupil, sendco)
    services.provision_letters_write(actor=sendco, pupil=pupil, provision_summary="Reading group")
    services.send_status_change(
        actor=sendco, pupil=pupil, to_status=register_status.REMOVED, reason="Needs met"
    )
    assert not selectors.parents_not_told(school=pupil.school).exists()
    with time_machine.travel("2026-12-03 09:00", tick=False):
        place_on_sen_support(pupil, sendco)
        assert [r.pupil for r in selectors.parents_not_told(school=pupil.school)] == [pupil]


def test_the_dashboard_list_is_one_query(django_assert_num_queries, school, sendco):
    for _ in range(3):
        place_on_sen_support(f.PupilFactory(school=school), sendco)
    with django_assert_num_queries(1):
        rows = list(selectors.parents_not_told(school=school))
    assert len(rows) == 3 and all(r.placed_at for r in rows)


# --- told another way --------------------------------------------------------------------------------
def test_told_another_way_is_recorded_with_a_date_and_a_note(login, sendco, pupil, parents_apart):
    place_on_sen_support(pupil, sendco)
    client = login(sendco)
    url = f"/send/pupils/{pupil.pk}/parents-told/"
    page = client.get(url)
    future = client.post(
        url, {"told_on": "2026-12-03", "note": "At a meeting", "submission_token": token(page)}
    )
    assert "cannot be in the future" in future.content.decode()
    before = client.post(
        url, {"told_on": "2026-11-30", "note": "At a meeting", "submission_token": token(page)}
    )
    assert "was placed on SEN support on 2 December 2026" in before.content.decode()
    no_note = client.post(url, {"told_on": "2026-12-02", "note": " ", "submission_token": token(page)})
    assert "This field is required" in no_note.content.decode() or "Say how" in no_note.content.decode()
    assert not ProvisionNotification.objects.exists()

    done = client.post(
        url,
        {
            "told_on": "2026-12-02",
            "note": "Told Ms Examplesmith at a meeting with the SENDCo.",
            "submission_token": token(page),
        },
        follow=True,
    )
    notice = section(done, "provision-notice")
    assert "Parents told another way" in notice and "Told Ms Examplesmith at a meeting" in notice
    notification = ProvisionNotification.objects.get(pupil=pupil)
    assert notification.method == "other" and not notification.letters.exists()
    assert AuditEntry.objects.filter(
        action="send.provision_notice.recorded", object_id=str(notification.pk)
    ).exists()
    assert not selectors.parents_not_told(school=pupil.school).exists()


# --- the invitation to a SEN support review --------------------------------------------------------------
@pytest.fixture
def cycle(pupil, sendco):
    place_on_sen_support(pupil, sendco)
    cycle = services.cycle_start(actor=sendco, pupil=pupil, start_date=date(2026, 11, 2), plan_type="PLP")
    services.target_save(
        actor=sendco,
        cycle=cycle,
        area_of_need="cognition",
        target="Reads a page aloud",
        success_criteria="4 of 5",
        strategies="Pre-teach words",
        provision="Reading group",
        responsible="TA",
        review_date=date(2026, 12, 11),
    )
    for stage in ("plan", "do"):
        services.cycle_stage_move(actor=sendco, cycle=cycle, to_stage=stage)
    return cycle


def invite(client, cycle, **data):
    url = f"/send/cycles/{cycle.pk}/invite/"
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, {"submission_token": token(page), **data}, follow=True)


@pytest.mark.parametrize(
    "day, at, field, message",
    [
        ("2026-12-01", "09:15", "meeting_date", "cannot be in the past"),
        ("2026-12-05", "09:15", "meeting_date", "5 December 2026 is a Saturday"),
        ("2026-12-22", "09:15", "meeting_date", "is in the school holidays"),
        ("2026-12-07", "09:15", "meeting_date", "The school is closed on 7 December 2026"),
        ("2026-12-02", "08:30", "meeting_time", "That time today has already passed"),
    ],
)
def test_review_dates_that_cannot_be_true_are_refused_beside_the_field(
    login, sendco, cycle, parents_apart, day, at, field, message
):
    ClosureDay.objects.create(
        school=cycle.school, date=date(2026, 12, 7), kind=ClosureDay.Kind.INSET, reason="INSET"
    )
    response = invite(login(sendco), cycle, meeting_date=day, meeting_time=at, meeting_place="The library")
    html = response.content.decode()
    # In the error summary, linked to its field, and beside the field.
    assert re.search(rf'href="#id_{field}">[^<]*{re.escape(message)}', html)
    assert re.search(
        rf'<input[^>]*is-invalid[^>]*id="id_{field}"|<input[^>]*id="id_{field}"[^>]*is-invalid', html
    )
    assert not ReviewInvitation.objects.exists() and not Letter.objects.exists()


def test_the_invitation_is_written_for_every_address_and_prints_the_meeting(
    login, sendco, cycle, pupil, parents_apart
):
    client = login(sendco)
    response = invite(
        client, cycle, meeting_date="2026-12-08", meeting_time="09:15", meeting_place="The SENDCo's room"
    )
    assert "2 letters were written (one for each address)" in response.content.decode()
    invitation = ReviewInvitation.objects.get(cycle=cycle)
    assert (invitation.meeting_date, invitation.meeting_time) == (date(2026, 12, 8), time(9, 15))
    letters = list(invitation.letters.order_by("id"))
    assert [x.code for x in letters] == ["send_review_invite", "send_review_invite"]
    assert letters[0].merge_values["meeting_date"] == "Tuesday 8 December 2026"
    assert letters[0].merge_values["meeting_time"] == "9:15am"
    assert AuditEntry.objects.filter(
        action="send.review_invitation.created", object_id=str(invitation.pk)
    ).exists()

    section_html = section(response, "review-invitations")
    assert "Tuesday 8 December 2026, 9:15am" in section_html and "Being prepared" in section_html
    assert "sent" not in section_html.lower()
    printed = pdf_text(letters[1])
    first = pupil.preferred_first_name or pupil.legal_first_name
    assert first in printed and "8 December 2026 at 9:15am" in printed
    assert "The SENDCo's room" in printed and "Mr B Sampleton" in printed
    page = client.get(f"/send/cycles/{cycle.pk}/")
    assert "Ready" in section(page, "review-invitations")

    # The same meeting again (another tab): refused; one set.
    again = invite(client, cycle, meeting_date="2026-12-08", meeting_time="09:15", meeting_place="Library")
    assert "already invited to a meeting at this date and time" in again.content.decode()
    assert Letter.objects.filter(code="send_review_invite").count() == 2


def test_a_double_submit_of_the_invitation_writes_one_set(login, sendco, cycle, parents_apart):
    client = login(sendco)
    url = f"/send/cycles/{cycle.pk}/invite/"
    data = {
        "submission_token": token(client.get(url)),
        "meeting_date": "2026-12-09",
        "meeting_time": "15:30",
        "meeting_place": "Room 4",
    }
    client.post(url, data)
    client.post(url, data)
    assert ReviewInvitation.objects.count() == 1 and Letter.objects.count() == 2


def test_a_cycle_still_being_planned_cannot_invite_yet(login, sendco, pupil, parents_apart):
    place_on_sen_support(pupil, sendco)
    cycle = services.cycle_start(actor=sendco, pupil=pupil, start_date=date(2026, 11, 2), plan_type="PLP")
    client = login(sendco)
    assert "Invite parents to the review" not in client.get(f"/send/cycles/{cycle.pk}/").content.decode()
    follow = client.get(f"/send/cycles/{cycle.pk}/invite/", follow=True)
    assert "once the plan is being done: this cycle is at Assess" in follow.content.decode()
    response = client.post(
        f"/send/cycles/{cycle.pk}/invite/",
        {"meeting_date": "2026-12-08", "meeting_time": "09:15", "meeting_place": "Room 4"},
    )
    assert "this cycle is at Assess" in response.content.decode()
    assert not Letter.objects.exists()


# --- who -------------------------------------------------------------------------------------------------
def test_staff_who_see_the_pupil_see_the_letters_but_only_the_sendco_and_head_write_them(
    client_for, sendco, headteacher, class_teacher, teaching_assistant, governor, pupil, parents_apart
):
    place_on_sen_support(pupil, sendco)
    teacher = client_for(class_teacher)
    assert (
        "Prepare the letter telling parents" not in teacher.get(f"/send/pupils/{pupil.pk}/").content.decode()
    )
    refused = teacher.post(f"/send/pupils/{pupil.pk}/provision-letters/", {"provision_summary": "Reading"})
    assert refused.status_code == 403 and not Letter.objects.exists()

    head = client_for(headteacher)
    prepare(head, pupil)
    letter = ProvisionNotification.objects.get(pupil=pupil).letters.first()
    pdf_text(letter)
    for user in (class_teacher, teaching_assistant, sendco):
        page = client_for(user).get(f"/send/pupils/{pupil.pk}/")
        assert "Parents told by letter" in section(page, "provision-notice")
        assert client_for(user).get(f"/letters/{letter.pk}/letter.pdf").status_code == 200
    gov = client_for(governor)
    assert gov.get(f"/send/pupils/{pupil.pk}/").status_code in (403, 404)
    assert gov.get(f"/letters/{letter.pk}/letter.pdf").status_code in (403, 404)


def test_a_teacher_of_another_class_cannot_open_the_letters(
    client_for, sendco, school, other_class, pupil, parents_apart
):
    from school.models import Role

    other_teacher = f.staff(school, Role.CLASS_TEACHER, username="ashteacher")
    other_class.staff.add(other_teacher)
    place_on_sen_support(pupil, sendco)
    notification = services.provision_letters_write(actor=sendco, pupil=pupil, provision_summary="Reading")
    letter = notification.letters.first()
    pdf_text(letter)
    assert client_for(other_teacher).get(f"/letters/{letter.pk}/letter.pdf").status_code == 404


# --- the rule, without the database ----------------------------------------------------------------------
CAL = SchoolCalendar.build(
    [(date(2026, 11, 2), date(2026, 12, 18)), (date(2027, 1, 5), date(2027, 2, 12))],
    {date(2026, 12, 7): ("AM", "PM"), date(2026, 12, 10): ("PM",)},
)
NOW = (date(2026, 12, 2), time(9, 0))


@pytest.mark.parametrize(
    "day, refused",
    [
        (date(2026, 12, 1), "in the past"),
        (date(2026, 12, 2), None),  # today, later on
        (date(2026, 12, 4), None),  # Friday
        (date(2026, 12, 6), "is a Sunday"),
        (date(2026, 12, 7), "The school is closed"),  # INSET day
        (date(2026, 12, 10), None),  # open in the morning
        (date(2026, 12, 18), None),  # last day of term
        (date(2026, 12, 21), "school holidays"),
        (date(2026, 12, 25), "bank holiday"),
        (date(2027, 1, 5), None),
        (date(2027, 2, 15), "after the last term"),
    ],
)
def test_meeting_date_boundaries(day, refused):
    result = review_meeting.meeting_date_refusal(CAL, day, now=NOW)
    assert (result is None) if refused is None else (refused in result)


@pytest.mark.parametrize(
    "at, text, refused_today",
    [
        (time(8, 59), "8:59am", True),
        (time(9, 0), "9am", True),
        (time(9, 1), "9:01am", False),
        (time(12, 0), "midday", False),
        (time(12, 30), "12:30pm", False),
        (time(0, 30), "12:30am", True),
    ],
)
def test_meeting_time_boundaries(at, text, refused_today):
    assert review_meeting.meeting_time_text(at) == text
    assert (review_meeting.meeting_time_refusal(NOW[0], at, now=NOW) is not None) == refused_today
    assert review_meeting.meeting_time_refusal(date(2026, 12, 3), at, now=NOW) is None


@time_machine.travel("2026-11-23 09:00", tick=False)
def test_the_demo_has_parents_told_and_two_not_yet_told(db):
    from django.core.management import call_command

    call_command("seed_demo", "--seed", "5", stdout=io.StringIO())
    for school in {n.school for n in ProvisionNotification.objects.select_related("school")}:
        assert selectors.parents_not_told(school=school).count() == 2
    assert ProvisionNotification.objects.filter(method="other").exists()


def test_a_mistaken_record_is_withdrawn_not_deleted_and_the_parents_count_as_not_told(
    login, sendco, pupil, parents_apart
):
    place_on_sen_support(pupil, sendco)
    mistaken = services.provision_told_otherwise_record(
        actor=sendco, pupil=pupil, told_on=date(2026, 12, 2), note="Wrong pupil"
    )
    client = login(sendco)
    page = client.get(f"/send/pupils/{pupil.pk}/")
    assert f"/send/parents-told/{mistaken.pk}/withdraw/" in section(page, "provision-notice")
    done = client.post(
        f"/send/parents-told/{mistaken.pk}/withdraw/", {"reason": "Recorded for the wrong pupil"}, follow=True
    )
    notice = section(done, "provision-notice")
    assert "Parents not yet told" in notice and "Withdrawn records that the parents were told (1)" in notice
    assert ProvisionNotification.objects.filter(pk=mistaken.pk, withdrawal_reason__contains="wrong").exists()
    assert AuditEntry.objects.filter(
        action="send.provisionnotification.withdrawn", object_id=str(mistaken.pk)
    ).exists()
    assert [r.pupil for r in selectors.parents_not_told(school=pupil.school)] == [pupil]

    # Told properly now; the withdrawn record cannot come back beside it.
    prepare(client, pupil)
    refused = client.post(f"/send/parents-told/{mistaken.pk}/restore/", follow=True)
    assert "cannot be restored" in refused.content.decode()
    assert ProvisionNotification.objects.current().filter(pupil=pupil).count() == 1


def test_a_withdrawn_record_is_restored_when_nothing_replaced_it(login, sendco, pupil, parents_apart):
    place_on_sen_support(pupil, sendco)
    notice = services.provision_told_otherwise_record(
        actor=sendco, pupil=pupil, told_on=date(2026, 12, 2), note="At a meeting"
    )
    client = login(sendco)
    client.post(f"/send/parents-told/{notice.pk}/withdraw/", {"reason": "Pressed by mistake"})
    assert selectors.parents_not_told(school=pupil.school).exists()
    client.post(f"/send/parents-told/{notice.pk}/restore/")
    assert not selectors.parents_not_told(school=pupil.school).exists()


def test_the_records_export_holds_what_the_parents_were_told(sendco, pupil, parents_apart):
    from send.record_section import send_records

    place_on_sen_support(pupil, sendco)
    services.provision_letters_write(actor=sendco, pupil=pupil, provision_summary="Reading group")
    items = {item.title: item for item in send_records(pupil)}
    told = items["Parents told that SEN provision is being made"]
    assert told.data["Method"] == "By letter" and told.data["The support planned"] == "Reading group"


def test_a_leavers_letters_to_parents_go_at_the_end_of_retention(school, sendco, headteacher):
    from datetime import datetime

    from accounts.services import pupil_delete_for_retention

    with time_machine.travel("2014-06-02 10:00", tick=False):
        pupil = f.PupilFactory(
            school=school,
            date_of_birth=date(2003, 1, 5),
            admission_date=date(2007, 9, 1),
            leaving_date=date(2014, 7, 18),
        )
        parent(pupil, "Ms", "Alice", "Examplesmith", "1 Fictional Row", "ZZ1 1ZZ")
        place_on_sen_support(pupil, sendco, agreed_on=date(2014, 6, 2))
        notice = services.provision_letters_write(
            actor=sendco, pupil=pupil, provision_summary="Reading group"
        )
        cycle = services.cycle_start(
            actor=sendco,
            pupil=pupil,
            start_date=date(2014, 6, 2),
            plan_type="PLP",
            review_due=date(2014, 7, 1),
        )
        ReviewInvitation.objects.create(
            school=school,
            cycle=cycle,
            meeting_date=date(2014, 7, 1),
            meeting_time=time(9, 0),
            meeting_place="Room 1",
            invited_by=sendco,
            invited_at=datetime(2014, 6, 2, 10, tzinfo=UTC),
        ).letters.set(notice.letters.all())
    with time_machine.travel("2034-02-01 10:00"):
        pupil_delete_for_retention(actor=headteacher, school=school, pupil=pupil)
    assert not ProvisionNotification.objects.exists() and not ReviewInvitation.objects.exists()
    assert not Letter.objects.filter(pupil_id=pupil.pk).exists()
