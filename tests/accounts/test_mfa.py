from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa import MFA_ALWAYS_ROLES, mfa_required
from school.models import Role
from tests import factories as f
from tests.accounts.helpers import code_for, password_login

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=LONDON)
PUPIL_DATA_ROLES = [r for r in Role if r != Role.GOVERNOR]


@pytest.mark.parametrize("role", PUPIL_DATA_ROLES)
def test_every_role_that_sees_pupils_is_sent_to_set_up_two_step_sign_in(school, role):
    user = f.staff(school, role)
    client, response = password_login(user)
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("accounts:mfa_enrol"))


def test_governor_sees_only_aggregates_and_is_not_forced(governor):
    client, _ = password_login(governor)
    assert client.get("/").status_code == 200
    assert not mfa_required(governor)


def test_mandatory_roles_cannot_be_exempted():
    assert {Role.HEADTEACHER, Role.SENDCO, Role.DSL, Role.ATTENDANCE_OFFICER} <= MFA_ALWAYS_ROLES


def test_a_governor_who_is_also_a_teacher_needs_it(school, governor):
    f.MembershipFactory(user=governor, school=school, role=Role.CLASS_TEACHER)
    assert mfa_required(governor)


def test_enrolment_shows_qr_code_and_key_then_gives_ten_recovery_codes(headteacher):
    with time_machine.travel(NOW, tick=False) as clock:
        client, _ = password_login(headteacher)
        page = client.get(reverse("accounts:mfa_enrol") + "?next=/school/")
        content = page.content.decode()
        assert 'src="data:image/svg+xml;base64,' in content
        device = TOTPDevice.objects.get(user=headteacher, confirmed=False)
        assert page.context["secret"].replace(" ", "") in content.replace(" ", "")

        wrong = client.post(reverse("accounts:mfa_enrol"), {"code": "000000", "next": "/school/"})
        assert "did not match" in wrong.content.decode()
        assert not TOTPDevice.objects.filter(user=headteacher, confirmed=True).exists()
        clock.shift(5)  # a failed code makes the device wait a moment before the next try (throttling)
        done = client.post(reverse("accounts:mfa_enrol"), {"code": code_for(device), "next": "/school/"})
        assert done.status_code == 200
        codes = done.context["codes"]
        assert len(codes) == 10 and len(set(codes)) == 10
        for code in codes:
            assert code in done.content.decode()
        assert StaticToken.objects.filter(device__user=headteacher).count() == 10
        assert TOTPDevice.objects.get(user=headteacher).confirmed
        assert client.get("/").status_code == 200  # verified for the rest of the session


def _enrolled(user):
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return device


def test_next_sign_in_asks_for_the_code_and_keeps_the_destination(sendco):
    device = _enrolled(sendco)
    with time_machine.travel(NOW, tick=False) as clock:
        client, _ = password_login(sendco)
        response = client.get("/accounts/security/")
        verify_url = response["Location"]
        assert verify_url.startswith(reverse("accounts:mfa_verify"))
        assert "next=%2Faccounts%2Fsecurity%2F" in verify_url
        wrong = client.post(verify_url, {"code": "123456", "next": "/accounts/security/"})
        assert "not right" in wrong.content.decode()
        clock.shift(5)
        ok = client.post(verify_url, {"code": code_for(device), "next": "/accounts/security/"})
        assert ok.status_code == 302 and ok["Location"] == "/accounts/security/"
        assert client.get("/accounts/security/").status_code == 200


def test_verify_refuses_to_redirect_off_site(dsl):
    device = _enrolled(dsl)
    with time_machine.travel(NOW, tick=False):
        client, _ = password_login(dsl)
        ok = client.post(
            reverse("accounts:mfa_verify"), {"code": code_for(device), "next": "https://evil.example/"}
        )
        assert ok["Location"] == "/"


def test_a_recovery_code_works_once(attendance_officer):
    _enrolled(attendance_officer)
    from accounts.mfa import new_recovery_codes

    codes = new_recovery_codes(attendance_officer)
    client, _ = password_login(attendance_officer)
    ok = client.post(reverse("accounts:mfa_verify"), {"code": codes[0]})
    assert ok.status_code == 302 and client.get("/").status_code == 200
    assert StaticToken.objects.filter(device__user=attendance_officer).count() == 9

    client2, _ = password_login(attendance_officer)
    again = client2.post(reverse("accounts:mfa_verify"), {"code": codes[0]})
    assert again.status_code == 200
    assert client2.get("/").status_code == 302


def test_new_recovery_codes_replace_the_old_ones(login, class_teacher):
    from accounts.mfa import new_recovery_codes

    old = new_recovery_codes(class_teacher)
    client = login(class_teacher)
    response = client.post(reverse("accounts:recovery_codes_new"))
    new = response.context["codes"]
    assert set(new).isdisjoint(old)
    tokens = set(StaticToken.objects.filter(device__user=class_teacher).values_list("token", flat=True))
    assert tokens == set(new)


def test_security_page_says_it_cannot_be_turned_off(login, headteacher):
    response = login(headteacher).get(reverse("accounts:security"))
    assert "cannot be turned off" in response.content.decode()


def test_htmx_requests_are_told_to_redirect(headteacher):
    _enrolled(headteacher)
    client, _ = password_login(headteacher)
    response = client.get("/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith(reverse("accounts:mfa_verify"))


def test_every_page_needs_the_second_step(headteacher):
    """Walks every URL in the permission matrix: nothing but sign-in pages is reachable before the code."""
    from tests.security.test_permission_matrix import EXPECTATIONS, build_world

    world = build_world()
    user = world.users["headteacher"]
    _enrolled(user)
    client, _ = password_login(user)
    exempt = {"login", "logout", "accounts:mfa_enrol", "accounts:mfa_verify"}
    for name, expect in EXPECTATIONS.items():
        if name in exempt:
            continue
        url = reverse(name, kwargs=expect.kwargs(world) if expect.kwargs else None)
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 302, f"{name}: {response.status_code}"
            assert response["Location"].startswith(reverse("accounts:mfa_verify")), name


def test_admin_needs_the_second_step(school):
    admin = f.staff(school, Role.HEADTEACHER, username="root", is_staff=True, is_superuser=True)
    client, _ = password_login(admin)
    assert client.get("/admin/")["Location"].startswith(reverse("accounts:mfa_enrol"))
    from django.test import Client

    from tests.conftest import sign_in

    assert sign_in(Client(), admin).get("/admin/").status_code == 200


def test_admin_sign_in_page_asks_for_a_code(db):
    from django.test import Client

    response = Client().get("/admin/login/")
    assert 'name="otp_token"' in response.content.decode()


def test_a_code_cannot_be_replayed(headteacher):
    device = _enrolled(headteacher)
    with time_machine.travel(NOW, tick=False):
        code = code_for(device)
        first, _ = password_login(headteacher)
        assert first.post(reverse("accounts:mfa_verify"), {"code": code}).status_code == 302
        second, _ = password_login(headteacher)
        assert second.post(reverse("accounts:mfa_verify"), {"code": code}).status_code == 200
    with time_machine.travel(NOW + timedelta(seconds=60), tick=False):
        assert second.post(reverse("accounts:mfa_verify"), {"code": code_for(device)}).status_code == 302


def test_demo_code_prints_the_code_the_verify_page_accepts(db, settings, headteacher):
    from io import StringIO

    from django.core.management import CommandError, call_command
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=headteacher, name="Authenticator app", confirmed=True)
    settings.DEBUG = True
    out = StringIO()
    call_command("demo_code", headteacher.username, stdout=out)
    assert device.verify_token(out.getvalue().strip())
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo_code", headteacher.username)
