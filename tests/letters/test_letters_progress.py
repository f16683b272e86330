"""letters.outbox.letters_progress: where a set of letters' PDFs are now (ready, being prepared,
queued while the background service is down, failed), in one query, and the page messages built on
it say what is true in each state (letters/views_meetings.py, letters/views.py)."""

from datetime import date

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.utils import timezone

from letters import outbox
from letters.models import Letter, LetterBatch
from letters.outbox import LettersProgress, letters_progress
from tests.letters.letter_states import STATES, put_letters_in
from tests.letters.test_meetings import parents_apart, plan  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel("2026-11-23 10:00Z", tick=False):
        yield


def _letter(pupil, user, **fields) -> Letter:
    if fields.get("status") == "rendered":
        fields["rendered_at"] = timezone.now()
    return Letter.objects.create(
        stored_name=f"progress-{Letter.objects.count() + 1}-{user.pk}.pdf",
        school=pupil.school,
        pupil=pupil,
        kind=Letter.Kind.ATTENDANCE,
        school_name="Test school",
        letter_date=date(2026, 11, 23),
        recipient_name="Ms A Examplesmith",
        subject="A letter",
        body_html="<p>Hello</p>",
        created_by=user,
        created_at=timezone.now(),
        **fields,
    )


def test_counts_each_state_as_the_database_has_it_now(pupil, attendance_officer, django_assert_num_queries):
    now = timezone.now()
    letters = [
        _letter(pupil, attendance_officer, status="rendered", enqueued_at=now),
        _letter(pupil, attendance_officer, status="pending", enqueued_at=now),
        _letter(pupil, attendance_officer, status="pending", enqueued_at=None),
        _letter(pupil, attendance_officer, status="pending", enqueued_at=None),
        _letter(pupil, attendance_officer, status="failed", enqueued_at=now),
    ]
    stale = Letter.objects.get(pk=letters[1].pk)  # the caller's copy says pending...
    Letter.objects.filter(pk=stale.pk).update(
        status="rendered", rendered_at=now
    )  # ...the worker has since made it
    with django_assert_num_queries(1):
        progress = letters_progress(letters[:4] + [stale] + letters[4:])
    assert progress == LettersProgress(ready=2, pending=0, queued=2, failed=1)


def test_one_query_however_many_letters(pupil, attendance_officer, django_assert_num_queries):
    few = [_letter(pupil, attendance_officer) for _ in range(2)]
    many = few + [_letter(pupil, attendance_officer) for _ in range(8)]
    with django_assert_num_queries(1):
        letters_progress(few)
    with django_assert_num_queries(1):
        assert letters_progress(many).queued == 10
    with django_assert_num_queries(0):
        assert letters_progress([]).total == 0


def test_a_batch_letter_waits_for_its_batch_not_the_broker(pupil, attendance_officer):
    batch = LetterBatch.objects.create(
        school=pupil.school,
        code="letter_1",
        description="Year 3",
        created_by=attendance_officer,
        created_at=timezone.now(),
        stored_name="batch-progress-test",
    )
    letter = _letter(pupil, attendance_officer, batch=batch)
    assert letters_progress([letter]) == LettersProgress(ready=0, pending=1, queued=0, failed=0)


@pytest.mark.parametrize(
    ("progress", "sentence"),
    [
        (LettersProgress(1, 0, 0, 0), "It is ready to print."),
        (LettersProgress(3, 0, 0, 0), "They are ready to print."),
        (LettersProgress(0, 1, 0, 0), "It is being prepared: it is usually ready in a few seconds."),
        (LettersProgress(0, 2, 0, 0), "They are being prepared: they are usually ready in a few seconds."),
        (
            LettersProgress(0, 0, 2, 0),
            "The background service is down, so they will be prepared when the service is back.",
        ),
        (LettersProgress(0, 0, 0, 1), "It could not be prepared: open it to try again."),
        (LettersProgress(0, 0, 0, 2), "None could be prepared: open each one to try again."),
        (
            LettersProgress(2, 1, 0, 2),
            "2 are ready to print; 1 is being prepared; 2 could not be prepared (open each one to try again).",
        ),
        (LettersProgress(0, 0, 0, 0), ""),
    ],
)
def test_the_sentence_for_each_state(progress, sentence):
    assert progress.sentence() == sentence
    assert progress.level == (30 if (progress.queued or progress.failed) else 25)


MEETING_MESSAGES = {
    "ready": "2 letters written (one for each address). They are ready to print.",
    "pending": "2 letters written (one for each address). They are being prepared: they are usually ready",
    "queued": "2 letters written (one for each address). The background service is down, so they will be "
    "prepared when the service is back.",
    "failed": "2 letters written (one for each address). None could be prepared: open each one to try again.",
}


# These tests commit for real (transaction=True), as a request does in production: the service's
# transaction commits, its on-commit queueing runs (the task in-process, or the broker refuses), and
# only then does the view write its message.
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("parents_apart")
@pytest.mark.parametrize("state", STATES)
def test_not_attended_meeting_says_where_the_letters_are(
    state, login, pupil, attendance_officer, monkeypatch
):
    put_letters_in(monkeypatch, state)
    meeting = plan(attendance_officer, pupil)
    client = login(attendance_officer)
    response = client.post(f"/letters/meetings/{meeting.pk}/not-attended/", {"note": "", "send_letter": "on"})
    page = client.get(response["Location"]).content.decode().replace("&#x27;", "'")
    assert MEETING_MESSAGES[state] in page
    for other, message in MEETING_MESSAGES.items():
        if other != state:
            assert message not in page
    assert getattr(outbox.letters_progress(pupil.letters.all()), state) == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("ready", "The letter was prepared again: it is ready to print."),
        ("pending", "The letter is being prepared again."),
        ("queued", "The background service is still down: the letter will be ready when it is back."),
        ("failed", "The letter could not be prepared again."),
    ],
)
def test_try_again_says_what_happened(state, message, login, pupil, attendance_officer, monkeypatch):
    letter = _letter(pupil, attendance_officer, status="failed", enqueued_at=timezone.now())
    put_letters_in(monkeypatch, state)
    client = login(attendance_officer)
    response = client.post(f"/letters/{letter.pk}/retry/")
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [message]
