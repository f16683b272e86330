"""Background work tells the truth: with the broker or the mail server down, the action is saved, the
page says what happened, and the outbox sweep or "Try again" finishes the work later."""

from datetime import timedelta
from smtplib import SMTPException

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.utils import timezone
from kombu.exceptions import OperationalError

from letters import outbox
from letters.models import Email, Letter
from letters.tasks import render_letter, send_email, sweep_outbox_on_worker_start
from school.models import AuditEntry
from send.models import ViewsRequest
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel("2026-11-23 09:00", tick=False):
        yield


@pytest.fixture
def cycle(pupil):
    f.PupilContactFactory(pupil=pupil, priority=1, contact__email="parent@example.invalid")
    return f.SupportCycleFactory(pupil=pupil)


@pytest.fixture
def broker_down(monkeypatch):
    """The broker refuses connections (the boundary: Celery's apply_async, which .delay calls)."""

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    for task in (render_letter, send_email):
        monkeypatch.setattr(task, "apply_async", refuse)
    return monkeypatch


@pytest.fixture
def mail_down(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise SMTPException("421 Service not available, closing transmission channel")

    # The boundary: whatever backend the settings name, handing the message over fails.
    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    monkeypatch.setattr(EmailMessage, "send", refuse)
    return monkeypatch


def ask(client, cycle, method, callbacks):
    with callbacks(execute=True):
        return client.post(
            f"/send/cycles/{cycle.pk}/views/new/", {"respondent": "parent", "method": method}, follow=True
        )


def test_broker_down_saves_the_printed_request_says_so_and_the_sweep_renders_it_later(
    login, sendco, cycle, broker_down, django_capture_on_commit_callbacks
):
    client = login(sendco)
    response = ask(client, cycle, "printed", django_capture_on_commit_callbacks)
    assert response.redirect_chain[0][1] == 302
    assert "Saved. The letter will be ready when the background service is back." in response.content.decode()
    letter = ViewsRequest.objects.get(cycle=cycle).letter
    assert (letter.status, letter.enqueued_at) == ("pending", None)
    page = client.get(f"/letters/{letter.pk}/letter.pdf").content.decode()
    assert "will be ready when the background service is back" in page

    assert outbox.outbox_sweep()["down"] == 1  # still down: nothing lost, nothing pretended
    broker_down.undo()  # the broker is back
    assert outbox.outbox_sweep()["letters"] == 1
    letter.refresh_from_db()
    assert letter.status == "rendered" and letter.attempts == 1
    assert client.get(f"/letters/{letter.pk}/letter.pdf")["Content-Type"] == "application/pdf"


def test_broker_down_saves_the_emailed_request_and_nothing_says_e_mailed_until_it_is(
    login, sendco, cycle, broker_down, django_capture_on_commit_callbacks
):
    client = login(sendco)
    response = ask(client, cycle, "email", django_capture_on_commit_callbacks)
    text = response.content.decode()
    assert "Saved. The e-mail will be sent when the background service is back." in text
    assert "e-mailed to" not in text.lower() and not mail.outbox
    assert "Waiting to be e-mailed" in text
    email = ViewsRequest.objects.get(cycle=cycle).email
    assert email.status == "pending"

    broker_down.undo()
    call_command("outbox_sweep")  # as beat or a starting worker would
    email.refresh_from_db()
    assert email.status == "sent" and email.sent_at is not None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["parent@example.invalid"]
    page = client.get(f"/send/cycles/{cycle.pk}/").content.decode()
    assert "E-mailed on 23 Nov 2026, 09:00" in page


# A real commit (not the test's enclosing transaction), so the on_commit send runs inside the request,
# before the page's message is chosen, as in production.
@pytest.mark.django_db(transaction=True)
def test_mail_server_refusing_is_not_e_mailed_and_try_again_sends_it(
    login, sendco, cycle, mail_down, django_capture_on_commit_callbacks
):
    client = login(sendco)
    response = ask(client, cycle, "email", django_capture_on_commit_callbacks)
    assert response.redirect_chain[0][1] == 302
    text = response.content.decode()
    assert "Request e-mailed" not in text and "could not be e-mailed" in text
    email = ViewsRequest.objects.get(cycle=cycle).email
    assert email.status == "failed" and "421 Service not available" in email.error
    assert not mail.outbox
    assert AuditEntry.objects.get(action="letters.email.failed", object_id=str(email.pk))
    page = client.get(f"/send/cycles/{cycle.pk}/").content.decode()
    assert "Could not be e-mailed: SMTPException: 421 Service not available" in page
    assert f'action="/letters/emails/{email.pk}/retry/"' in page

    mail_down.undo()  # the mail server is back
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(
            f"/letters/emails/{email.pk}/retry/", {"next": f"/send/cycles/{cycle.pk}/"}, follow=True
        )
    assert again.redirect_chain[0][0] == f"/send/cycles/{cycle.pk}/"
    assert "E-mailed to parent@example.invalid." in again.content.decode()
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.status == "sent" and email.attempts == 2
    # Once sent, "Try again" sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/letters/emails/{email.pk}/retry/", {"next": "https://evil.invalid/"})
    assert len(mail.outbox) == 1
    assert AuditEntry.objects.filter(action="letters.email.retried").count() == 1


def test_try_again_on_a_pending_letter_works_and_a_double_press_renders_once(
    login, sendco, cycle, broker_down, django_capture_on_commit_callbacks
):
    client = login(sendco)
    ask(client, cycle, "printed", django_capture_on_commit_callbacks)
    letter = ViewsRequest.objects.get(cycle=cycle).letter
    page = client.get(f"/letters/{letter.pk}/letter.pdf").content.decode()
    assert f'action="/letters/{letter.pk}/retry/"' in page  # pending, yet it can be tried again
    broker_down.undo()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(f"/letters/{letter.pk}/retry/").status_code == 302
    letter.refresh_from_db()
    assert letter.status == "rendered"
    assert AuditEntry.objects.filter(action="letters.letter.rendered", object_id=str(letter.pk)).count() == 1
    assert AuditEntry.objects.filter(action="letters.letter.retried").count() == 1


def test_a_double_press_while_the_worker_is_busy_queues_once(
    login, sendco, pupil, monkeypatch, django_capture_on_commit_callbacks
):
    from tests.letters.test_letters import make_letter

    queued = []
    # The broker accepts the task but no worker has run it yet.
    monkeypatch.setattr(render_letter, "apply_async", lambda args, **kw: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        letter = make_letter(sendco, pupil)
    Letter.objects.filter(pk=letter.pk).update(enqueued_at=timezone.now() - timedelta(minutes=2))
    client = login(sendco)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/letters/{letter.pk}/retry/")
    assert queued == [[letter.pk], [letter.pk]]  # the first queueing, then one "Try again"
    assert AuditEntry.objects.filter(action="letters.letter.retried").count() == 1


def test_an_email_whose_worker_died_mid_send_is_marked_failed_not_sent(sendco, pupil):
    email = Email.objects.create(
        school=pupil.school,
        pupil=pupil,
        kind=Email.Kind.VIEWS_REQUEST,
        to="parent@example.invalid",
        subject="Your views",
        body="Dear parent",
        status=Email.Status.SENDING,
        sending_since=timezone.now() - timedelta(hours=1),
        created_by=sendco,
        created_at=timezone.now() - timedelta(hours=1),
    )
    assert outbox.outbox_sweep()["lost"] == 1
    email.refresh_from_db()
    assert email.status == "failed" and "may not have been sent" in email.error
    assert not mail.outbox


def test_a_starting_worker_sweeps_the_outbox(sendco, pupil, broker_down, django_capture_on_commit_callbacks):
    from tests.letters.test_letters import make_letter

    with django_capture_on_commit_callbacks(execute=True):
        letter = make_letter(sendco, pupil)
    broker_down.undo()
    sweep_outbox_on_worker_start()  # the worker_ready signal's receiver (eager in tests)
    letter.refresh_from_db()
    assert letter.status == "rendered"
