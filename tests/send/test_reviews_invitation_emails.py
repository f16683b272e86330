"""A professional's invitation e-mail is never lost when the broker or the mail server is down: it is
written pending with the letters, the outbox sweep sends it when the broker is back and tries a failed
one again after a growing wait (up to a maximum), and the review page says for each person whether it
was e-mailed, is waiting or failed, with "Try again". Only the external boundaries are mocked."""

from datetime import timedelta
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone
from kombu.exceptions import OperationalError

from letters import outbox
from letters.models import Email
from letters.tasks import render_letter, send_email
from school.models import AuditEntry
from send import services
from tests.send.test_ehc_reviews import _today, plan, schedule  # noqa: F401  (fixtures and helper)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mail_down(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise SMTPException("421 Service not available, closing transmission channel")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    monkeypatch.setattr(EmailMessage, "send", refuse)
    return monkeypatch


@pytest.fixture
def broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    for task in (render_letter, send_email):
        monkeypatch.setattr(task, "apply_async", refuse)
    return monkeypatch


def invite(plan, sendco, callbacks):  # noqa: F811
    review = schedule(plan, sendco)
    services.review_invitee_add(
        actor=sendco, review=review, role="social_care", name="Jo Worker", email="jo.worker@example.invalid"
    )
    with callbacks(execute=True):
        services.review_invitations_send(actor=sendco, review=review)
    return review


def page(client, review) -> str:
    return client.get(f"/send/ehc-reviews/{review.pk}/").content.decode()


def test_mail_server_down_fails_honestly_and_the_sweep_sends_them_later(
    login,
    plan,  # noqa: F811
    sendco,
    mail_down,
    django_capture_on_commit_callbacks,  # noqa: F811
):
    review = invite(plan, sendco, django_capture_on_commit_callbacks)
    emails = Email.objects.filter(letter__in=review.invitees.values("letter"))
    # The head teacher, the LA officer and the social worker have addresses; the parent's is printed.
    assert emails.count() == 3 and set(emails.values_list("status", flat=True)) == {"failed"}
    assert not mail.outbox
    client = login(sendco)
    text = page(client, review)
    assert "E-mails to the people invited: 0 e-mailed, 0 waiting to send, 3 could not be sent." in text
    assert "E-mail to jo.worker@example.invalid: could not be e-mailed (SMTPException: 421" in text
    assert "it will be tried again automatically" in text
    assert text.count('data-testid="invitation-retry"') == 3

    mail_down.undo()  # the mail server is back
    with django_capture_on_commit_callbacks(execute=True):
        # Not yet: the first wait after a failure is 5 minutes.
        assert outbox.outbox_sweep(now=timezone.now() + timedelta(minutes=4))["retried"] == 0
        assert outbox.outbox_sweep(now=timezone.now() + timedelta(minutes=6))["retried"] == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(emails.values_list("to", flat=True))
    assert all(m.attachments[0][2] == "application/pdf" for m in mail.outbox)
    assert all(m.reply_to == [sendco.email] for m in mail.outbox)  # the SENDCo, never no-reply
    assert set(emails.values_list("status", "attempts")) == {("sent", 2)}
    assert AuditEntry.objects.filter(action="letters.email.retried", actor=None).count() == 3
    text = page(client, review)
    assert "E-mails to the people invited: 3 e-mailed, 0 waiting to send, 0 could not be sent." in text
    assert "E-mail to jo.worker@example.invalid: e-mailed on 2 Dec 2026, 09:00" in text
    assert 'data-testid="invitation-retry"' not in text


def test_the_sweep_gives_up_after_the_maximum_and_try_again_on_the_page_sends_it(
    login,
    plan,  # noqa: F811
    sendco,
    mail_down,
    django_capture_on_commit_callbacks,  # noqa: F811
):
    review = invite(plan, sendco, django_capture_on_commit_callbacks)
    jo = review.invitees.get(name="Jo Worker")
    email = Email.objects.get(letter=jo.letter)
    start = timezone.now()
    for wait in (
        timedelta(minutes=6),
        timedelta(minutes=31),
        timedelta(hours=2, minutes=1),
        timedelta(days=1),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            outbox.outbox_sweep(now=start + wait)
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("failed", outbox.MAX_EMAIL_ATTEMPTS)
    client = login(sendco)
    assert "print and post it, or try again" in page(client, review)

    mail_down.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/send/ehc-reviews/{review.pk}/invitees/{jo.pk}/email/retry/")
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["jo.worker@example.invalid"]]
    assert "E-mail to jo.worker@example.invalid: e-mailed on" in page(client, review)
    email.refresh_from_db()
    assert email.status == "sent"
    # Pressed again once sent: nothing more goes.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(f"/send/ehc-reviews/{review.pk}/invitees/{jo.pk}/email/retry/", follow=True)
    assert "Nothing to do" in again.content.decode() and len(mail.outbox) == 1


def test_broker_down_leaves_them_waiting_and_the_sweep_sends_them(
    login,
    plan,  # noqa: F811
    sendco,
    broker_down,
    django_capture_on_commit_callbacks,  # noqa: F811
):
    review = invite(plan, sendco, django_capture_on_commit_callbacks)
    emails = Email.objects.filter(letter__in=review.invitees.values("letter"))
    assert set(emails.values_list("status", "enqueued_at")) == {("pending", None)}
    text = page(login(sendco), review)
    assert "3 waiting to send" in text and "waiting to send: the background service is down" in text
    assert "e-mailed on" not in text

    broker_down.undo()
    with django_capture_on_commit_callbacks(execute=True):
        counts = outbox.outbox_sweep()
    assert counts["emails"] == 3
    assert set(emails.values_list("status", flat=True)) == {"sent"} and len(mail.outbox) == 3


def test_a_failed_e_mail_lost_mid_send_is_never_tried_again_by_itself(plan, sendco, mail_down):  # noqa: F811
    review = schedule(plan, sendco)
    services.review_invitations_send(actor=sendco, review=review)
    email = Email.objects.filter(letter__in=review.invitees.values("letter")).first()
    Email.objects.filter(pk=email.pk).update(
        status="failed", attempts=1, error=outbox.SENDING_LOST_ERROR, sending_since=timezone.now()
    )
    assert outbox.outbox_sweep(now=timezone.now() + timedelta(days=1))["retried"] == 0
