from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from tests.conftest import sign_in

START = datetime(2026, 11, 23, 8, 0, tzinfo=ZoneInfo("Europe/London"))


def test_thirty_minutes_idle_signs_out(headteacher):
    with time_machine.travel(START, tick=False) as clock:
        client = sign_in(Client(), headteacher)
        assert client.get("/").status_code == 200
        clock.shift(timedelta(minutes=29))
        assert client.get("/").status_code == 200
        clock.shift(timedelta(minutes=31))
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith("/login/")
        follow = client.get(response["Location"])
        assert "signed out to keep pupils" in follow.content.decode()


def test_twelve_hours_in_all_even_when_busy(headteacher):
    with time_machine.travel(START, tick=False) as clock:
        client = sign_in(Client(), headteacher)
        assert client.get("/").status_code == 200
        for _ in range(35):  # a request every 20 minutes for 11h40
            clock.shift(timedelta(minutes=20))
            assert client.get("/").status_code == 200
        clock.shift(timedelta(minutes=21))
        assert client.get("/").status_code == 302


def test_signing_out_ends_the_session_for_a_copied_cookie(headteacher):
    client = sign_in(Client(), headteacher)
    cookie = client.cookies["sessionid"].value
    client.post("/logout/")
    thief = Client()
    thief.cookies["sessionid"] = cookie
    assert thief.get("/")["Location"].startswith("/login/")


def test_a_deactivated_account_is_signed_out_at_the_next_request(headteacher):
    client = sign_in(Client(), headteacher)
    assert client.get("/").status_code == 200
    headteacher.is_active = False
    headteacher.save()
    assert client.get("/")["Location"].startswith("/login/")


def test_session_cookie_ends_with_the_browser(headteacher):
    client = sign_in(Client(), headteacher)
    response = client.get("/")
    assert response.status_code == 200
    from django.conf import settings

    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE and settings.SESSION_COOKIE_HTTPONLY


@pytest.mark.parametrize(
    "password, ok",
    [
        ("Short1!pass", False),  # 11 characters
        ("password1234", False),  # common
        ("123456789012", False),  # numeric and common
        ("administrator", False),  # common
        ("tulip-lantern-47", True),
        ("Kestrel Orbit 9", True),
    ],
)
def test_password_rules(password, ok, db):
    if ok:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)
