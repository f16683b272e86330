"""Sign-in lockout: a growing cool-off per username and address, a per-address throttle against
password spraying, and the headteacher's Unlock button."""

import doctest
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts import client_address, sign_in_lockout
from accounts.models import LoginEvent
from school.models import AuditEntry, Role
from tests import factories as f
from tests.accounts.helpers import password_login

MONDAY = datetime(2026, 11, 30, 8, 30, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def _fail(user_or_name, times, **extra):
    client = Client()
    username = getattr(user_or_name, "username", user_or_name)
    for _ in range(times):
        client.post("/login/", {"username": username, "password": "not-the-password"}, **extra)


def test_worked_examples():
    for module in (sign_in_lockout, client_address):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize(
    ("failures", "minutes"),
    [(0, 0), (9, 0), (10, 1), (11, 2), (12, 4), (19, 512), (20, 1024), (21, 24 * 60), (10_000, 24 * 60)],
)
def test_the_cool_off_grows_from_a_minute_to_a_day(failures, minutes):
    assert sign_in_lockout.cool_off(failures) == timedelta(minutes=minutes)


def test_nine_failures_do_not_lock(clock, class_teacher):
    _fail(class_teacher, 9)
    _, response = password_login(class_teacher)
    assert response.status_code == 302
    assert LoginEvent.objects.filter(username="teacher", outcome="failed").count() == 9


def test_ten_failures_lock_and_the_right_password_is_refused(clock, class_teacher):
    _fail(class_teacher, 10)
    client, response = password_login(class_teacher)
    assert response.status_code == 429
    page = response.content.decode()
    assert "This account is locked" in page and "Try again in about <strong>1 minute</strong>" in page
    assert "_auth_user_id" not in client.session
    assert client.get("/")["Location"].startswith("/login/")
    events = list(LoginEvent.objects.filter(username="teacher").values_list("outcome", flat=True))
    assert events.count("failed") == 9
    assert events.count("locked") == 2  # the tenth failure locks; the right password is then refused


def test_the_lock_ends_after_the_cool_off(clock, class_teacher):
    _fail(class_teacher, 10)
    clock.shift(59)
    assert password_login(class_teacher)[1].status_code == 429
    clock.shift(2)
    assert password_login(class_teacher)[1].status_code == 302


def test_each_further_failure_after_a_wait_doubles_it(clock, class_teacher):
    _fail(class_teacher, 10)
    clock.shift(61)
    _fail(class_teacher, 1)  # the 11th: two minutes
    clock.shift(119)
    assert password_login(class_teacher)[1].status_code == 429
    clock.shift(2)
    _fail(class_teacher, 1)  # the 12th: four minutes
    clock.shift(239)
    response = password_login(class_teacher)[1]
    assert response.status_code == 429 and "1 minute" in response.content.decode()
    clock.shift(2)
    assert password_login(class_teacher)[1].status_code == 302


def test_retrying_the_right_password_during_the_wait_does_not_extend_it(clock, class_teacher):
    _fail(class_teacher, 10)
    for _ in range(5):
        clock.shift(10)
        assert password_login(class_teacher)[1].status_code == 429
    clock.shift(11)
    assert password_login(class_teacher)[1].status_code == 302


def test_guessing_from_elsewhere_does_not_lock_the_account_at_school(clock, attendance_officer):
    """Anyone could lock the attendance officer out on a Monday by typing wrong passwords from home."""
    _fail(attendance_officer, 25, REMOTE_ADDR="203.0.113.66")
    assert password_login(attendance_officer, REMOTE_ADDR="203.0.113.66")[1].status_code == 429
    assert password_login(attendance_officer, REMOTE_ADDR="198.51.100.10")[1].status_code == 302


def test_other_staff_at_the_same_address_can_still_sign_in(clock, class_teacher, headteacher):
    _fail(class_teacher, 10)
    _, response = password_login(headteacher)
    assert response.status_code == 302


def test_password_spraying_from_one_address_is_slowed(clock, headteacher):
    for number in range(30):
        _fail(f"guess{number}", 1, REMOTE_ADDR="203.0.113.99")
    assert password_login(headteacher, REMOTE_ADDR="203.0.113.99")[1].status_code == 429
    # The school's own address is not affected...
    assert password_login(headteacher, REMOTE_ADDR="198.51.100.10")[1].status_code == 302
    # ...and the spraying address may try again once its failures are an hour old.
    clock.shift(3601)
    assert password_login(headteacher, REMOTE_ADDR="203.0.113.99")[1].status_code == 302


def test_a_schools_everyday_typos_do_not_lock_out_the_school(clock, school, headteacher):
    """Forty staff each mistype once, then sign in: a correct sign-in forgets that person's failure."""
    for number in range(40):
        colleague = f.staff(school, Role.CLASS_TEACHER, username=f"colleague{number}")
        _fail(colleague, 1)
        assert password_login(colleague)[1].status_code == 302
    assert password_login(headteacher)[1].status_code == 302


def test_an_administrator_can_still_unlock_from_the_command_line(clock, class_teacher):
    _fail(class_teacher, 10)
    call_command("axes_reset_username", "teacher")
    assert password_login(class_teacher)[1].status_code == 302


def test_authenticate_without_a_request_is_refused(class_teacher):
    """The axes backend needs the request; code that forgot it must not sign anyone in quietly."""
    from axes.exceptions import AxesBackendRequestParameterRequired

    with pytest.raises(AxesBackendRequestParameterRequired):
        authenticate(username="teacher", password="correct-horse-battery-staple")


# --- the headteacher unlocks in the browser -----------------------------------------------------------
def test_the_headteacher_sees_the_locked_account_and_unlocks_it(clock, login, headteacher, class_teacher):
    _fail(class_teacher, 12)
    client = login(headteacher)
    page = client.get(reverse("accounts:login_history"))
    assert [(row["user"], row["failures"], bool(row["wait"])) for row in page.context["failed"]] == [
        (class_teacher, 10, True)  # the two refused while locked are not further failures
    ]
    assert "Unlock" in page.content.decode()
    response = client.post(reverse("accounts:lockout_reset", args=[class_teacher.pk]))
    assert response.status_code == 302
    assert password_login(class_teacher)[1].status_code == 302
    entry = AuditEntry.objects.get(action="accounts.lockout.reset")
    assert (entry.actor, entry.object_id, entry.before, entry.after) == (
        headteacher,
        str(class_teacher.pk),
        {"failed_sign_ins": 10},
        {"failed_sign_ins": 0},
    )
    assert entry.actor_role == "Headteacher"


def test_unlock_is_post_only(clock, login, headteacher, class_teacher):
    _fail(class_teacher, 10)
    assert (
        login(headteacher).get(reverse("accounts:lockout_reset", args=[class_teacher.pk])).status_code == 405
    )
    assert password_login(class_teacher)[1].status_code == 429


def test_another_schools_staff_cannot_be_unlocked(clock, login, headteacher, other_school_teacher):
    _fail(other_school_teacher, 10)
    response = login(headteacher).post(reverse("accounts:lockout_reset", args=[other_school_teacher.pk]))
    assert response.status_code == 404
    assert password_login(other_school_teacher)[1].status_code == 429
    assert not AuditEntry.objects.filter(action="accounts.lockout.reset").exists()


def test_only_the_headteacher_unlocks(clock, login, sendco, class_teacher):
    _fail(class_teacher, 10)
    assert login(sendco).post(reverse("accounts:lockout_reset", args=[class_teacher.pk])).status_code == 403
    assert password_login(class_teacher)[1].status_code == 429


# --- the real client address ----------------------------------------------------------------------
def test_a_forged_forwarded_for_header_does_not_dodge_the_lock_without_proxies(clock, class_teacher):
    for number in range(10):
        _fail(class_teacher, 1, HTTP_X_FORWARDED_FOR=f"10.9.9.{number}")
    _, response = password_login(class_teacher, HTTP_X_FORWARDED_FOR="10.9.9.200")
    assert response.status_code == 429
    assert set(LoginEvent.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_behind_one_proxy_the_right_most_entry_is_the_client(clock, settings, class_teacher):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for number in range(10):  # the client forges the left part; the proxy appends the real address
        _fail(class_teacher, 1, HTTP_X_FORWARDED_FOR=f"6.6.6.{number}, 203.0.113.5", **proxy)
    assert (
        password_login(class_teacher, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5", **proxy)[1].status_code
        == 429
    )
    # Another member of staff behind the same proxy, at another client address, is not affected.
    assert password_login(class_teacher, HTTP_X_FORWARDED_FOR="198.51.100.4", **proxy)[1].status_code == 302
    addresses = set(LoginEvent.objects.values_list("ip_address", flat=True))
    assert addresses == {"203.0.113.5", "198.51.100.4"}
