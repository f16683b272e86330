"""Reviews of EHC plans: scheduling, invitations through the letters app, each step's record, the
SENDCo's list, the deadlines source and its query count. What the SENDCo sees, the rows and audit
entries written, and the text of the invitation PDF."""

import io
import re
from datetime import date, time, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from letters.models import Letter
from letters.services import letter_render
from school.models import AuditEntry
from school.private_files import read_private_file
from send import services
from send.deadlines_reviews import review_deadlines
from send.models import AnnualReview, ReviewInvitee, ReviewStatusChange, SendSettings
from send.services.reviews import outcome_lines
from tests import factories as f
from tests.send.ehcp_factories import LocalAuthorityFactory, ehc_plan

TODAY = date(2026, 12, 2)  # a Wednesday in the autumn term


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-12-02 09:00", tick=False):
        yield


def pdf_text(letter) -> str:
    letter_render(letter_id=letter.pk)
    letter.refresh_from_db()
    assert letter.status == Letter.Status.RENDERED, letter.error
    data = read_private_file(letter.private_file_name())
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


def token(response) -> str:
    return re.search(r'name="submission_token" value="([^"]+)"', response.content.decode()).group(1)


@pytest.fixture
def plan(pupil, sendco, headteacher):
    f.PupilContactFactory(
        pupil=pupil,
        contact__title="Ms",
        contact__first_name="Alice",
        contact__last_name="Examplesmith",
        contact__address="1 Fictional Row\nTestville",
        contact__postcode="ZZ1 1ZZ",
    )
    la = LocalAuthorityFactory(trust=pupil.school.trust, name="Northvale Council")
    return ehc_plan(
        pupil=pupil,
        created_by=sendco,
        issue_date=date(2026, 1, 20),
        local_authority=la,
        la_officer_name="Sam Caseworker",
        la_officer_email="sam.caseworker@northvale.example.org",
        outcomes="1. Reads simple books on his own\n- Asks an adult for help when stuck\n\n",
    )


def schedule(plan, user, meeting=date(2027, 1, 12), **extra):
    return services.review_schedule(
        actor=user,
        plan=plan,
        kind=extra.pop("kind", "annual"),
        meeting_date=meeting,
        meeting_time=time(15, 30),
        meeting_place="The SENDCo's room",
        **extra,
    )


def test_scheduling_lists_the_head_and_the_la_officer_and_records_history(plan, sendco, headteacher):
    review = schedule(plan, sendco)
    assert review.status == "planned"
    roles = sorted(review.invitees.values_list("role", flat=True))
    assert roles == ["head_teacher", "la_officer"]
    assert review.invitees.get(role="la_officer").email == "sam.caseworker@northvale.example.org"
    assert list(ReviewStatusChange.objects.filter(review=review).values_list("from_status", "to_status")) == [
        ("", "planned")
    ]
    assert AuditEntry.objects.filter(action="send.ehc_review.scheduled", object_id=str(review.pk)).exists()


def test_scheduling_refuses_a_past_date_and_a_second_open_review(plan, sendco):
    with pytest.raises(ValidationError) as error:
        schedule(plan, sendco, meeting=date(2026, 12, 1))
    assert "meeting_date" in error.value.message_dict
    schedule(plan, sendco)
    with pytest.raises(ValidationError, match="already has a review in progress"):
        schedule(plan, sendco, meeting=date(2027, 2, 1))


def test_the_meeting_must_be_on_a_day_the_school_is_open(plan, sendco):
    with pytest.raises(ValidationError) as error:
        schedule(plan, sendco, meeting=date(2026, 12, 30))
    assert "school holidays" in error.value.message_dict["meeting_date"][0]
    with pytest.raises(ValidationError) as error:
        schedule(plan, sendco, meeting=date(2027, 1, 9))
    assert "Saturday" in error.value.message_dict["meeting_date"][0]


def test_an_early_review_needs_a_reason(plan, sendco):
    with pytest.raises(ValidationError) as error:
        schedule(plan, sendco, kind="early", requested_by="The parents", reason="")
    assert "reason" in error.value.message_dict


def test_invitations_write_a_letter_for_the_parent_and_each_professional(plan, sendco):
    review = schedule(plan, sendco)
    services.review_invitee_add(
        actor=sendco,
        review=review,
        role="health",
        name="Dr Pat Example",
        organisation="Northvale Children's Therapy",
        postal_address="Unit 4, Fictional Park\nTestville ZZ3 3ZZ",
    )
    services.review_invitations_send(actor=sendco, review=review)
    review.refresh_from_db()
    assert review.status == "invited" and review.invitations_sent_on == TODAY
    letters = list(review.letters.order_by("id"))
    assert [letter.code for letter in letters] == ["ehcp_review_invite"] * 4
    assert sorted(letter.recipient_name for letter in letters) == sorted(
        [
            "Ms A Examplesmith",
            "Dr Pat Example",
            "Sam Caseworker",
            review.invitees.get(role="head_teacher").name,
        ]
    )
    parent = review.invitees.get(role="parent")
    assert parent.contact is not None and parent.letter is not None
    assert not ReviewInvitee.objects.filter(review=review, letter__isnull=True).exists()
    text = pdf_text(parent.letter)
    assert "Dear Ms A Examplesmith" in text and "12 January 2027" in text and "3:30pm" in text
    assert "The SENDCo's room" in text
    health = review.invitees.get(role="health").letter
    assert "Northvale Children's Therapy" in pdf_text(health)
    entry = AuditEntry.objects.get(action="send.ehc_review.invitations_prepared")
    assert entry.object_id == str(review.pk)


def test_invitations_with_less_than_two_weeks_notice_need_a_reason(plan, sendco):
    review = schedule(plan, sendco, meeting=date(2026, 12, 15))  # 13 days away
    with pytest.raises(ValidationError) as error:
        services.review_invitations_send(actor=sendco, review=review)
    assert "2 weeks' notice" in error.value.message_dict["override_reason"][0]
    review.refresh_from_db()
    assert review.invitations_sent_on is None and not review.letters.exists()
    assert not Letter.objects.exists()
    services.review_invitations_send(
        actor=sendco, review=review, override_reason="The parents asked for an early date"
    )
    review.refresh_from_db()
    assert review.notice_override_reason == "The parents asked for an early date"


def test_invitations_without_a_parent_contact_write_nothing(pupil, sendco):
    bare = ehc_plan(pupil=pupil, created_by=sendco)
    review = schedule(bare, sendco)
    with pytest.raises(ValidationError, match="parental responsibility"):
        services.review_invitations_send(actor=sendco, review=review)
    assert not Letter.objects.exists()
    review.refresh_from_db()
    assert review.status == "planned" and review.invitations_sent_on is None


def test_the_whole_review_through_to_the_amended_plan(plan, sendco):
    review = schedule(plan, sendco, meeting=date(2026, 12, 18))
    services.review_invitations_send(actor=sendco, review=review, override_reason="Short notice agreed")
    with pytest.raises(ValidationError, match="once it has taken place"):
        services.review_meeting_record(
            actor=sendco,
            review=review,
            pupil_views="x",
            parent_views="",
            professional_views="",
            outcome_progress=[],
            recommended_amendments="",
        )
    with time_machine.travel("2026-12-18 16:00", tick=False):
        outcomes = outcome_lines(plan)
        assert outcomes == ["Reads simple books on his own", "Asks an adult for help when stuck"]
        services.review_meeting_record(
            actor=sendco,
            review=review,
            pupil_views="Likes the reading group",
            parent_views="Pleased with progress",
            professional_views="",
            outcome_progress=[{"outcome": o, "progress": "Good progress"} for o in outcomes],
            recommended_amendments="Add a speech and language target",
            expected_status="invited",
        )
    with time_machine.travel("2026-12-30 10:00", tick=False):
        with pytest.raises(ValidationError) as error:
            services.review_report_record(actor=sendco, review=review, report_sent_on=date(2026, 12, 17))
        assert "report_sent_on" in error.value.message_dict  # before the meeting
        services.review_report_record(actor=sendco, review=review, report_sent_on=date(2026, 12, 30))
    with time_machine.travel("2027-01-12 10:00", tick=False):
        services.review_decision_record(
            actor=sendco, review=review, la_decision="amend", la_decision_on=date(2027, 1, 12)
        )
    with time_machine.travel("2027-03-01 10:00", tick=False):
        services.review_amended_plan_record(actor=sendco, review=review, amended_plan_on=date(2027, 3, 1))
    review.refresh_from_db()
    assert review.status == "amended"
    assert [h.to_status for h in review.history.all()] == [
        "planned",
        "invited",
        "held",
        "report_sent",
        "la_decided",
        "amended",
    ]
    assert review.outcome_progress[0] == {
        "outcome": "Reads simple books on his own",
        "progress": "Good progress",
    }


def test_a_step_from_a_stale_page_is_refused(plan, sendco):
    review = schedule(plan, sendco)
    services.review_invitations_send(actor=sendco, review=review)
    with pytest.raises(ValidationError, match="moved on"):
        services.review_invitations_send(actor=sendco, review=review, expected_status="planned")
    assert review.letters.count() == 3


def test_maintain_closes_the_review(plan, sendco):
    review = schedule(plan, sendco, meeting=date(2026, 12, 17))
    services.review_invitations_send(actor=sendco, review=review, override_reason="Agreed")
    with time_machine.travel("2026-12-20 10:00", tick=False):
        services.review_meeting_record(
            actor=sendco,
            review=review,
            pupil_views="ok",
            parent_views="",
            professional_views="",
            outcome_progress=[],
            recommended_amendments="",
        )
        services.review_report_record(actor=sendco, review=review, report_sent_on=date(2026, 12, 20))
        services.review_decision_record(
            actor=sendco, review=review, la_decision="maintain", la_decision_on=date(2026, 12, 20)
        )
    review.refresh_from_db()
    assert review.status == "closed"


# --- the list, the pages and the deadlines -----------------------------------------------------------
def test_the_review_list_puts_overdue_first_and_says_the_reading(login, sendco, school, plan):
    other = f.PupilFactory(school=school, registration_class=plan.pupil.registration_class)
    ehc_plan(pupil=other, created_by=sendco, issue_date=date(2025, 11, 1))  # due 31 Oct 2026: overdue
    client = login(sendco)
    html = client.get("/send/ehc-reviews/").content.decode()
    assert html.index(str(other)) < html.index(str(plan.pupil))
    assert "1 review overdue" in html
    assert "The day before the same date next year" in html
    SendSettings.objects.update_or_create(school=school, defaults={"review_year_reading": "same_date"})
    html = client.get("/send/ehc-reviews/").content.decode()
    assert "<strong>1 Nov 2026</strong>" in html and "the same calendar date" in html


def test_the_review_page_shows_each_date_and_its_rule(login, sendco, plan):
    review = schedule(plan, sendco)
    html = login(sendco).get(f"/send/ehc-reviews/{review.pk}/").content.decode()
    for text in ("1 Dec 2026", "29 Dec 2026", "26 Jan 2027", "9 Feb 2027", "6 Apr 2027"):
        assert text in html
    assert "At least 2 weeks&#x27; notice" in html and "6 weeks before the meeting" in html


def test_scheduling_through_the_page(login, sendco, plan):
    client = login(sendco)
    page = client.get(f"/send/ehc-plans/{plan.pk}/review/new/")
    assert "Next review due by 19 January 2027" in page.content.decode()
    data = {
        "kind": "annual",
        "meeting_date": "2027-01-12",
        "meeting_time": "15:30",
        "meeting_place": "The SENDCo's room",
        "submission_token": token(page),
    }
    client.post(f"/send/ehc-plans/{plan.pk}/review/new/", data)
    client.post(f"/send/ehc-plans/{plan.pk}/review/new/", data)  # a double submit: one review
    assert AnnualReview.objects.filter(plan=plan).count() == 1


def test_the_invitation_page_refuses_short_notice_beside_the_field(login, sendco, plan):
    review = schedule(plan, sendco, meeting=date(2026, 12, 10))
    response = login(sendco).post(f"/send/ehc-reviews/{review.pk}/invite/", {"expected_status": "planned"})
    assert response.status_code == 200
    assert "8 days away" in response.content.decode()
    assert not Letter.objects.exists()


def test_deadlines_give_the_due_date_then_the_next_step(plan, sendco, school):
    items = review_deadlines(school, today=TODAY, until=date(2027, 12, 31))
    assert [(d.kind, d.due) for d in items] == [("ehcp.review.due", date(2027, 1, 19))]
    assert items[0].url == f"/send/ehc-plans/{plan.pk}/review/new/" and "12 months" in items[0].rule
    review = schedule(plan, sendco)
    items = review_deadlines(school, today=TODAY, until=date(2027, 12, 31))
    assert [(d.kind, d.due, d.url) for d in items] == [
        ("ehcp.review.advice_requested", date(2026, 12, 1), f"/send/ehc-reviews/{review.pk}/advice/")
    ]
    services.review_advice_record(actor=sendco, review=review, advice_requested_on=TODAY)
    items = review_deadlines(school, today=TODAY, until=date(2027, 12, 31))
    assert [(d.kind, d.due) for d in items] == [("ehcp.review.invitations", date(2026, 12, 29))]
    assert review_deadlines(school, today=TODAY, until=date(2026, 12, 20)) == []


def _plans(school, user, n):
    la = LocalAuthorityFactory(trust=school.trust)
    cls = f.RegistrationClassFactory(school=school, name=f"C{n}", year_group=6)
    for i in range(n):
        p = ehc_plan(
            pupil=f.PupilFactory(school=school, registration_class=cls),
            created_by=user,
            local_authority=la,
            issue_date=date(2026, 1, 1) + timedelta(days=i),
        )
        if i % 2:
            schedule(p, user)


def test_the_deadlines_take_the_same_number_of_queries_for_2_and_10_plans(
    school, sendco, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _plans(school, sendco, 2)
    with CaptureQueriesContext(connection) as two:
        review_deadlines(school, today=TODAY, until=date(2027, 12, 31))
    _plans(school, sendco, 8)
    with CaptureQueriesContext(connection) as ten:
        items = review_deadlines(school, today=TODAY, until=date(2027, 12, 31))
    # Each plan's due date; the five with a meeting planned after it also show their next step.
    assert len(items) == 15
    assert len(two.captured_queries) == len(ten.captured_queries) <= 5


def test_the_reading_of_12_months_is_a_school_setting(login, sendco, school):
    client = login(sendco)
    page = client.get("/send/settings/").content.decode()
    assert "EHC plan reviews: how 12 months is counted" in page
    response = client.post(
        "/send/settings/",
        {
            "notional_threshold": "6000",
            "cycle_school_weeks": "12",
            "review_year_reading": "same_date",
            "part_time_max_school_weeks": "6",
            "part_time_review_days": "14",
        },
    )
    assert response.status_code == 302
    assert SendSettings.objects.get(school=school).review_year_reading == "same_date"
    assert AuditEntry.objects.filter(action="send.settings.changed").exists()


def test_a_stale_advice_save_is_refused(login, sendco, headteacher, plan):
    review = schedule(plan, sendco)
    client = login(sendco)
    page = client.get(f"/send/ehc-reviews/{review.pk}/advice/").content.decode()
    version = re.search(r'name="expected_version" value="(\d+)"', page).group(1)
    services.review_advice_record(actor=headteacher, review=review, advice_requested_on=date(2026, 11, 30))
    response = client.post(
        f"/send/ehc-reviews/{review.pk}/advice/",
        {"advice_requested_on": "2026-12-01", "advice_circulated_on": "", "expected_version": version},
    )
    assert response.status_code == 200 and "Someone else changed this" in response.content.decode()
    review.refresh_from_db()
    assert review.advice_requested_on == date(2026, 11, 30)


def test_professionals_with_an_e_mail_address_are_e_mailed_their_invitation(
    plan, sendco, mailoutbox, django_capture_on_commit_callbacks
):
    from letters.models import Email

    review = schedule(plan, sendco)
    services.review_invitee_add(
        actor=sendco, review=review, role="social_care", name="Jo Worker", email="jo.worker@example.invalid"
    )
    services.review_invitee_add(
        actor=sendco, review=review, role="health", name="Dr Post Only", postal_address="1 Fictional Clinic"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.review_invitations_send(actor=sendco, review=review)
    # The LA officer, the head teacher and the social worker have e-mail addresses; the parent's letter
    # and the clinic's are printed.
    to = sorted(Email.objects.values_list("to", flat=True))
    assert "jo.worker@example.invalid" in to and "sam.caseworker@northvale.example.org" in to
    assert Email.objects.filter(status="sent").count() == len(to) == len(mailoutbox)
    sent = next(m for m in mailoutbox if m.to == ["jo.worker@example.invalid"])
    assert sent.attachments and sent.attachments[0][2] == "application/pdf"
    assert not Email.objects.filter(letter=review.invitees.get(role="parent").letter).exists()


def test_an_early_review_asked_for_then_planned_and_withdrawn(login, sendco, plan):
    review = services.review_request(
        actor=sendco, plan=plan, kind="emergency", requested_by="The parents", reason="A placement breakdown"
    )
    assert review.status == "requested" and review.meeting_date is None
    services.review_meeting_set(
        actor=sendco,
        review=review,
        meeting_date=date(2026, 12, 9),
        meeting_time=time(9, 0),
        meeting_place="The hall",
        expected_status="requested",
    )
    review.refresh_from_db()
    assert review.status == "planned" and review.meeting_date == date(2026, 12, 9)
    client = login(sendco)
    client.post(f"/send/ehc-reviews/{review.pk}/withdraw/", {"reason": "Entered for the wrong pupil"})
    review.refresh_from_db()
    assert review.is_withdrawn and review.withdrawal_reason == "Entered for the wrong pupil"
    html = client.get("/send/ehc-reviews/").content.decode()
    assert "Emergency review" not in html  # no review in progress any more: a new one can be planned
    schedule(plan, sendco)


def test_the_review_list_takes_the_same_queries_for_2_and_10_plans(login, school, sendco):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(sendco)
    _plans(school, sendco, 2)
    client.get("/send/ehc-reviews/")
    with CaptureQueriesContext(connection) as two:
        client.get("/send/ehc-reviews/")
    _plans(school, sendco, 8)
    with CaptureQueriesContext(connection) as ten:
        html = client.get("/send/ehc-reviews/").content.decode()
    assert html.count('data-testid="plan-row-') == 10
    assert len(two.captured_queries) == len(ten.captured_queries)


def test_the_pupil_page_shows_the_review_card_to_the_sendco_only(login, sendco, class_teacher, plan):
    review = schedule(plan, sendco)
    html = login(sendco).get(f"/send/pupils/{plan.pupil_id}/").content.decode()
    assert 'data-testid="ehc-review-panel"' in html and "19 January 2027" in html
    assert f"/send/ehc-reviews/{review.pk}/" in html
    assert (
        'data-testid="ehc-review-panel"'
        not in login(class_teacher).get(f"/send/pupils/{plan.pupil_id}/").content.decode()
    )


def test_a_withdrawn_review_is_not_restored_over_a_newer_one(login, sendco, plan):
    first = schedule(plan, sendco)
    client = login(sendco)
    client.post(f"/send/ehc-reviews/{first.pk}/withdraw/", {"reason": "Wrong date"})
    second = schedule(plan, sendco, meeting=date(2027, 1, 19))
    client.post(f"/send/ehc-reviews/{first.pk}/restore/")
    first.refresh_from_db()
    assert first.is_withdrawn and AnnualReview.objects.current().get(plan=plan) == second
    client.post(f"/send/ehc-reviews/{second.pk}/withdraw/", {"reason": "Parents cannot come"})
    client.post(f"/send/ehc-reviews/{first.pk}/restore/")
    first.refresh_from_db()
    assert not first.is_withdrawn
