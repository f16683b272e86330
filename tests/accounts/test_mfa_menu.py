"""Before the second step of signing in is done, pages show no menu: only a way to sign out."""

from django.urls import reverse

from tests.accounts.helpers import password_login


def test_set_up_page_shows_no_menu_until_the_second_step_is_done(headteacher, login):
    client, _ = password_login(headteacher)
    page = client.get(reverse("accounts:mfa_enrol")).content.decode()
    assert "Set up two-step sign-in" in page
    assert 'data-testid="main-nav"' not in page and 'data-testid="signed-in-as"' not in page
    assert "Sign out" in page

    verified = login(headteacher).get(reverse("home")).content.decode()
    assert 'data-testid="main-nav"' in verified


def test_someone_not_asked_for_a_second_step_has_the_menu(governor):
    client, _ = password_login(governor)
    assert 'data-testid="main-nav"' in client.get(reverse("home")).content.decode()
