from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import Client

from accounts.models import LoginEvent
from tests.accounts.helpers import password_login


def _fail(user, times):
    client = Client()
    for _ in range(times):
        client.post("/login/", {"username": user.username, "password": "not-the-password"})


def test_nine_failures_do_not_lock(class_teacher):
    _fail(class_teacher, 9)
    _, response = password_login(class_teacher)
    assert response.status_code == 302
    assert LoginEvent.objects.filter(username="teacher", outcome="failed").count() == 9


def test_ten_failures_lock_and_the_right_password_is_refused(class_teacher):
    _fail(class_teacher, 10)
    client, response = password_login(class_teacher)
    assert response.status_code == 429
    assert "This account is locked" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/")["Location"].startswith("/login/")
    events = list(LoginEvent.objects.filter(username="teacher").values_list("outcome", flat=True))
    assert events.count("failed") == 9
    assert events.count("locked") == 2  # the tenth failure locks; the right password is then refused


def test_the_lock_follows_the_username_from_another_address(class_teacher):
    _fail(class_teacher, 10)
    _, response = password_login(class_teacher, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 429


def test_other_staff_at_the_same_address_can_still_sign_in(class_teacher, headteacher):
    _fail(class_teacher, 10)
    _, response = password_login(headteacher)
    assert response.status_code == 302


def test_an_administrator_unlocks_the_account(class_teacher):
    _fail(class_teacher, 10)
    call_command("axes_reset_username", "teacher")
    _, response = password_login(class_teacher)
    assert response.status_code == 302


def test_authenticate_without_a_request_is_refused(class_teacher):
    """The axes backend needs the request; code that forgot it must not sign anyone in quietly."""
    import pytest
    from axes.exceptions import AxesBackendRequestParameterRequired

    with pytest.raises(AxesBackendRequestParameterRequired):
        authenticate(username="teacher", password="correct-horse-battery-staple")
