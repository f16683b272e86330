"""Every e-mail carries a Reply-To of the person who sent it, or of the school office when they have no
e-mail address; never a no-reply address (issue 15). Letter batches, EHC review invitations and "the
meeting has moved" are asserted in their own tests (tests/letters/test_batches.py,
tests/send/test_reviews_invitation_emails.py, tests/send/test_reviews_move_and_signatory.py); here the
concern outcome, the office fallback and the rule's boundaries."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail

from letters.models import Email
from letters.reply_to import reply_to_address
from send.models import SendSettings
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def concern(pupil, class_teacher):
    class_teacher.email = "teacher@school.invalid"
    class_teacher.save()
    return f.ConcernFactory(
        pupil=pupil, raised_by=class_teacher, raised_at=datetime(2026, 11, 23, 10, tzinfo=UTC)
    )


def _triage(client, concern, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/send/concerns/{concern.pk}/triage/", {"outcome": "no_further_action"})
    assert response.status_code == 302


@time_machine.travel("2026-11-30 10:00", tick=False)
def test_the_concern_outcome_e_mail_replies_to_the_sendco(
    login, sendco, concern, django_capture_on_commit_callbacks
):
    _triage(login(sendco), concern, django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.to == ["teacher@school.invalid"]
    assert message.reply_to == [sendco.email]
    assert Email.objects.get(kind="concern_outcome").reply_to == sendco.email


@time_machine.travel("2026-11-30 10:00", tick=False)
def test_a_sendco_without_an_e_mail_address_sends_replies_to_the_office(
    login, sendco, school, concern, django_capture_on_commit_callbacks
):
    sendco.email = ""
    sendco.save()
    SendSettings.objects.create(school=school, office_email="office@school.example")
    _triage(login(sendco), concern, django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.reply_to == ["office@school.example"]


@pytest.mark.parametrize(
    ("sender", "office", "expected"),
    [
        ("sendco@school.example", "office@school.example", "sendco@school.example"),
        ("", "office@school.example", "office@school.example"),
        ("  ", "office@school.example", "office@school.example"),
        (None, None, ""),
        ("", "", ""),
    ],
)
def test_the_rule_prefers_the_sender_then_the_office(sender, office, expected):
    assert reply_to_address(sender_email=sender, office_email=office) == expected


def test_the_rule_modules_worked_example_holds():
    import doctest

    from letters import reply_to

    result = doctest.testmod(reply_to)
    assert result.attempted == 3 and result.failed == 0
