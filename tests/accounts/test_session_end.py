"""Session end (issue 15): every page tells the browser how long the session has left, so
static/js/session.js warns two minutes before; "Stay signed in" (accounts:session_keepalive) starts
the idle time again but never passes the 12-hour limit; a keepalive after the end does not revive it."""

import doctest
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from accounts import session_time_left
from tests.conftest import sign_in

START = datetime(2026, 11, 23, 8, 0, tzinfo=ZoneInfo("Europe/London"))
KEEPALIVE = "/accounts/session/keepalive/"


def test_every_page_says_how_long_is_left(headteacher):
    with time_machine.travel(START, tick=False) as clock:
        client = sign_in(Client(), headteacher)
        response = client.get("/")
        assert response["X-Session-Seconds-Left"] == "1800"
        page = response.content.decode()
        assert 'data-session-seconds-left="1800"' in page
        assert 'data-session-warning-seconds="120"' in page
        assert f'data-keepalive-url="{KEEPALIVE}"' in page
        assert "Stay signed in" in page
        clock.shift(timedelta(seconds=50))  # within the minute activity is not recorded again
        assert client.get("/")["X-Session-Seconds-Left"] == "1750"
        clock.shift(timedelta(minutes=10))
        assert client.get("/")["X-Session-Seconds-Left"] == "1800"


def test_stay_signed_in_starts_the_idle_time_again(headteacher):
    with time_machine.travel(START, tick=False) as clock:
        client = sign_in(Client(), headteacher)
        client.get("/")
        clock.shift(timedelta(minutes=28, seconds=30))
        response = client.post(KEEPALIVE)
        assert response.status_code == 200
        assert response.json() == {"seconds_left": 1800}
        assert response["X-Session-Seconds-Left"] == "1800"
        clock.shift(timedelta(minutes=29))  # 57.5 minutes after the last page: still signed in
        assert client.get("/").status_code == 200


def test_stay_signed_in_cannot_pass_the_twelve_hour_limit(headteacher):
    with time_machine.travel(START, tick=False) as clock:
        client = sign_in(Client(), headteacher)
        client.get("/")
        for _ in range(35):
            clock.shift(timedelta(minutes=20))
            client.post(KEEPALIVE)
        clock.shift(timedelta(minutes=19))  # 11 h 59 min since signing in
        assert client.post(KEEPALIVE).json() == {"seconds_left": 60}


def test_a_keepalive_after_the_end_signs_out_and_says_nothing_was_kept_alive(headteacher):
    with time_machine.travel(START, tick=False) as clock:
        client = sign_in(Client(), headteacher)
        client.get("/")
        clock.shift(timedelta(minutes=31))
        response = client.post(KEEPALIVE)
        assert response.status_code == 302 and response["Location"].startswith("/login/")
        assert "X-Session-Seconds-Left" not in response
        assert client.get("/")["Location"].startswith("/login/")


def test_the_keepalive_is_a_post_with_the_csrf_token(headteacher):
    client = sign_in(Client(enforce_csrf_checks=True), headteacher)
    assert client.post(KEEPALIVE).status_code == 403
    assert client.get(KEEPALIVE).status_code == 405


def test_signed_out_pages_carry_no_timer(db):
    response = Client().get("/login/")
    assert "X-Session-Seconds-Left" not in response
    assert "data-session-seconds-left" not in response.content.decode()


def test_worked_examples_in_the_docstrings_hold():
    result = doctest.testmod(session_time_left)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize(
    ("now", "left", "ended"),
    [
        (1799, 1, False),
        (1800, 0, False),  # exactly at the limit the session still holds, with nothing left to count
        (1801, 0, True),  # never negative
    ],
)
def test_the_idle_boundary(now, left, ended):
    times = {"started": 0, "last_seen": 0, "now": now, "idle": 1800, "absolute": 43200}
    assert session_time_left.seconds_left(**times) == left
    assert session_time_left.has_ended(**times) is ended


def test_the_absolute_limit_wins_when_it_comes_first():
    times = {"started": 0, "last_seen": 43100, "now": 43150, "idle": 1800, "absolute": 43200}
    assert session_time_left.seconds_left(**times) == 50
    assert not session_time_left.has_ended(**times)
    assert session_time_left.has_ended(**{**times, "now": 43201})
