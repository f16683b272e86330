"""Changing an EHC plan review's meeting date after the invitations went (the timeline follows, every
person invited is written to, professionals are e-mailed, audited), and the per-letter signatory: the
head teacher's own invitation is signed by the SENDCo, everyone else's by the school's signatory."""

import re
from datetime import date, time

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from letters.models import Letter, Letterhead
from school.models import AuditEntry
from send import services
from tests.send.test_ehc_reviews import _today, pdf_text, plan, schedule, token  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_by_head(school, headteacher):
    return Letterhead.objects.create(
        school=school, signatory_name=headteacher.get_full_name(), signatory_role="Headteacher"
    )


@pytest.fixture
def invited(plan, sendco, signed_by_head, django_capture_on_commit_callbacks):  # noqa: F811
    review = schedule(plan, sendco)
    services.review_invitee_add(
        actor=sendco, review=review, role="social_care", name="Jo Worker", email="jo.worker@example.invalid"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.review_invitations_send(actor=sendco, review=review)
    mail.outbox.clear()
    return review


def signature(text: str) -> str:
    """The name and role printed under "Yours sincerely," (the PDF's text goes on with the footer)."""
    return " ".join(text.split("Yours sincerely,", 1)[1].split()[:3])


def test_the_heads_invitation_is_signed_by_the_sendco_and_the_parents_by_the_head(
    invited, headteacher, sendco
):
    head = invited.invitees.get(role="head_teacher")
    text = pdf_text(head.letter)
    assert f"Dear {headteacher.get_full_name()}" in text
    assert signature(text) == f"{sendco.get_full_name()} SENDCo"
    # The snapshot records who signs, whatever the letterhead says later.
    assert head.letter.letterhead["signatory_name"] == sendco.get_full_name()
    parent = invited.invitees.get(role="parent")
    text = pdf_text(parent.letter)
    assert signature(text) == f"{headteacher.get_full_name()} Headteacher"


def test_changing_the_meeting_date_writes_to_everyone_and_the_timeline_follows(
    login, invited, sendco, headteacher, django_capture_on_commit_callbacks
):
    client = login(sendco)
    page = client.get(f"/send/ehc-reviews/{invited.pk}/").content.decode()
    assert 'data-testid="move-meeting"' in page
    form = client.get(f"/send/ehc-reviews/{invited.pk}/move/").content.decode()
    assert 'value="2027-01-12"' in form and "Why the meeting moved" in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/send/ehc-reviews/{invited.pk}/move/",
            {
                "meeting_date": "2027-01-19",
                "meeting_time": "10:00",
                "meeting_place": "The library",
                "reason": "The LA officer cannot come on the 12th",
                "expected_status": "invited",
            },
            follow=True,
        )
    text = response.content.decode()
    assert "The meeting has moved." in text
    assert "Tuesday 19 January 2027 at 10am, The library." in text
    assert "Moved from 12 January 2027: The LA officer cannot come on the 12th." in text
    # Invitations 2 weeks before, the report 2 weeks after: counted from the new date.
    assert re.search(r'data-testid="step-report">.*?<td>2 Feb 2027</td>', text, re.S)
    invited.refresh_from_db()
    assert (invited.meeting_date, invited.meeting_time, invited.status) == (
        date(2027, 1, 19),
        time(10),
        "invited",
    )
    invitees = list(invited.invitees.select_related("move_letter"))
    assert len(invitees) == 4 and all(
        i.move_letter and i.move_letter.code == "ehcp_review_moved" for i in invitees
    )
    parent = next(i for i in invitees if i.role == "parent")
    letter_text = pdf_text(parent.move_letter)
    assert (
        "The meeting has moved. It will now be on Tuesday 19 January 2027 at 10am in The library."
        in letter_text
    )
    assert "Dear Ms A Examplesmith" in letter_text
    head = next(i for i in invitees if i.role == "head_teacher")
    assert signature(pdf_text(head.move_letter)) == f"{sendco.get_full_name()} SENDCo"
    # The three professionals with an address are e-mailed the new letter.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(i.email for i in invitees if i.role != "parent")
    assert all("has moved" in m.subject for m in mail.outbox)
    assert all(m.reply_to == [sendco.email] for m in mail.outbox)  # the SENDCo, never no-reply
    entry = AuditEntry.objects.get(action="send.ehc_review.meeting_moved", object_id=str(invited.pk))
    assert entry.reason == "The LA officer cannot come on the 12th"
    assert sorted(entry.after["letter_ids"]) == sorted(i.move_letter_id for i in invitees)
    assert Letter.objects.filter(code="ehcp_review_moved").count() == 4


def test_moving_is_refused_without_a_reason_for_the_same_date_a_closed_day_or_a_stale_page(sendco, invited):
    def move(review, **changes):
        values = {
            "meeting_date": date(2027, 1, 19),
            "meeting_time": time(15, 30),
            "meeting_place": "The SENDCo's room",
            "reason": "Clash",
            **changes,
        }
        return services.review_meeting_move(actor=sendco, review=review, **values)

    with pytest.raises(ValidationError) as error:
        move(invited, reason=" ")
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        move(invited, meeting_date=date(2027, 1, 12))
    assert "already the meeting's date" in error.value.message_dict["meeting_date"][0]
    with pytest.raises(ValidationError) as error:
        move(invited, meeting_date=date(2026, 12, 30))
    assert "school holidays" in error.value.message_dict["meeting_date"][0]
    assert not Letter.objects.filter(code="ehcp_review_moved").exists()
    # A stale page (the review moved on since) is refused.
    with pytest.raises(ValidationError):
        move(invited, expected_status="planned")
