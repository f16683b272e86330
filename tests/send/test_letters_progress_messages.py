"""The SEND pages that write letters say where the letters' PDFs really are (letters.outbox.
letters_progress): ready, being prepared, waiting for the background service, or failed. The parents'
provision letters (send/views/parent_letters.py), an annual review's invitations (send/views/reviews.py)
and a printed request for views (send/views/cycles.py).

These tests commit for real (transaction=True), as a request does in production: the service's
transaction commits, its on-commit queueing runs (the task in-process, or the broker refuses), and only
then does the view write its message."""

import re

import pytest
import time_machine
from django.contrib.messages import get_messages

from letters import outbox
from letters.models import Letter
from tests import factories as f
from tests.letters.letter_states import STATES, put_letters_in
from tests.send.test_ehc_reviews import plan, schedule  # noqa: F401 (plan is a fixture)
from tests.send.test_parent_letters import parent, place_on_sen_support, token

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-12-02 09:00", tick=False):
        yield


THEY = {
    "ready": "They are ready to print.",
    "pending": "They are being prepared: they are usually ready in a few seconds.",
    "queued": "The background service is down, so they will be prepared when the service is back.",
    "failed": "None could be prepared: open each one to try again.",
}


DB_STATUS = {"ready": "rendered", "pending": "pending", "queued": "pending", "failed": "failed"}


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _states_of(letters) -> set[str]:
    return {letter.status for letter in letters}


@pytest.mark.parametrize("state", STATES)
def test_provision_letters_say_where_the_letters_are(state, login, sendco, pupil, monkeypatch):
    parent(pupil, "Ms", "Alice", "Examplesmith", "1 Fictional Row\nTestville", "ZZ1 1ZZ")
    parent(pupil, "Mr", "Bob", "Sampleton", "22 Made-Up Lane\nOthertown", "ZZ9 9ZZ", priority=2)
    place_on_sen_support(pupil, sendco)
    put_letters_in(monkeypatch, state)
    client = login(sendco)
    page = client.get(f"/send/pupils/{pupil.pk}/provision-letters/")
    response = client.post(
        f"/send/pupils/{pupil.pk}/provision-letters/",
        {"provision_summary": "Small-group reading three times a week", "submission_token": token(page)},
    )
    assert response.status_code == 302
    tail = " Open each one below." if state == "ready" else ""
    assert _messages(response) == [f"2 letters were written (one for each address). {THEY[state]}{tail}"]
    assert _states_of(Letter.objects.filter(pupil=pupil)) == {DB_STATUS[state]}


@pytest.mark.parametrize("state", STATES)
def test_review_invitations_say_where_the_letters_are(state, login, sendco, plan, monkeypatch):  # noqa: F811
    review = schedule(plan, sendco)
    put_letters_in(monkeypatch, state)
    response = login(sendco).post(f"/send/ehc-reviews/{review.pk}/invite/", {"expected_status": "planned"})
    assert response.status_code == 302
    [message] = _messages(response)
    count = review.letters.count()
    assert count >= 2
    # The letters e-mailed to professionals are made at once (their PDF goes with the e-mail), so
    # with the background service slow or down only the posted ones wait: the message says so.
    progress = outbox.letters_progress(review.letters.all())
    tail = " Print and post them, or hand them over: open each one below." if progress.ready else ""
    assert message == f"{count} invitation letters were written. {progress.sentence()}{tail}"
    assert {
        "ready": "They are ready to print.",
        "pending": "1 is being prepared.",
        "queued": "1 is waiting for the background service, which is down.",
        "failed": "None could be prepared: open each one to try again.",
    }[state] in message
    assert not re.search(r"\bsent\b", message)


VIEWS_MESSAGES = {
    "ready": "Request recorded: print the form (under \u201cViews before the review\u201d) and send it "
    "home or use it with the pupil.",
    "pending": "Request recorded. Its form is being prepared: it is usually ready in a few seconds, "
    "under \u201cViews before the review\u201d, to print.",
    "queued": "Saved. The letter will be ready when the background service is back.",
    "failed": "Request recorded, but its form could not be prepared: open it under "
    "\u201cViews before the review\u201d to try again.",
}


@pytest.mark.parametrize("state", STATES)
def test_printed_views_request_says_where_the_form_is(state, login, sendco, pupil, monkeypatch):
    f.PupilContactFactory(pupil=pupil, priority=1)
    cycle = f.SupportCycleFactory(pupil=pupil)
    put_letters_in(monkeypatch, state)
    response = login(sendco).post(
        f"/send/cycles/{cycle.pk}/views/new/", {"respondent": "parent", "method": "printed"}
    )
    assert response.status_code == 302
    assert _messages(response) == [VIEWS_MESSAGES[state]]
