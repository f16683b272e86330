from django.test import Client
from django.urls import reverse

from accounts.models import LoginEvent
from tests import factories as f
from tests.accounts.helpers import password_login


def test_sign_ins_and_failures_are_recorded_with_address(class_teacher):
    Client().post(
        "/login/", {"username": "teacher", "password": "wrong-password-here"}, REMOTE_ADDR="198.51.100.7"
    )
    password_login(class_teacher, REMOTE_ADDR="198.51.100.8")
    events = list(LoginEvent.objects.order_by("id"))
    assert [(e.outcome, e.ip_address, e.user) for e in events] == [
        ("failed", "198.51.100.7", class_teacher),
        ("success", "198.51.100.8", class_teacher),
    ]
    assert "wrong-password-here" not in str(LoginEvent.objects.values())


def test_headteacher_sees_own_school_staff_only(login, headteacher, class_teacher, other_school_teacher):
    password_login(class_teacher)
    password_login(other_school_teacher)
    Client().post("/login/", {"username": "otherteacher", "password": "nope-nope-nope"})
    response = login(headteacher).get(reverse("accounts:login_history"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "teacher" in html and str(class_teacher) in html
    assert "otherteacher" not in html


def test_login_history_is_paginated_with_few_queries(
    login, headteacher, school, django_assert_max_num_queries
):
    staff = f.staff(school, "class_teacher", username="busy")
    LoginEvent.objects.bulk_create(
        [LoginEvent(user=staff, username="busy", outcome="success") for _ in range(120)]
    )
    client = login(headteacher)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("accounts:login_history"))
    assert len(response.context["page"].object_list) == 50
    assert (
        client.get(reverse("accounts:login_history") + "?page=3").context["page"].object_list.__len__() == 21
    )


def test_only_the_headteacher_sees_login_history(login, sendco):
    assert login(sendco).get(reverse("accounts:login_history")).status_code == 403


def test_a_wrong_second_step_code_is_recorded(headteacher):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=headteacher, name="Authenticator app", confirmed=True)
    client, _ = password_login(headteacher, REMOTE_ADDR="198.51.100.9")
    client.post(reverse("accounts:mfa_verify"), {"code": "000000"}, REMOTE_ADDR="198.51.100.9")
    client.post(reverse("accounts:mfa_verify"), {"code": "not-a-recovery-code"}, REMOTE_ADDR="198.51.100.9")
    events = list(LoginEvent.objects.order_by("id").values_list("outcome", "ip_address", "user"))
    assert events == [
        ("success", "198.51.100.9", headteacher.pk),
        ("mfa_failed", "198.51.100.9", headteacher.pk),
        ("mfa_failed", "198.51.100.9", headteacher.pk),
    ]


def test_the_second_step_failure_shows_on_the_login_history(login, headteacher, class_teacher):
    LoginEvent.objects.create(
        user=class_teacher, username="teacher", outcome=LoginEvent.Outcome.SECOND_STEP_FAILED
    )
    page = login(headteacher).get(reverse("accounts:login_history")).content.decode()
    assert "Right password, wrong code at the second step" in page
