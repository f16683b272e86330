"""Shared fixtures for browser tests: Debian's Chromium through pytest-playwright, and signing in
through the real sign-in form (password, then the authenticator code).

Browser tests use Django's ``live_server``, so they need ``@pytest.mark.django_db(transaction=True)``.
Without /usr/bin/chromium they are skipped, except under CI=true, where they fail.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread
# with a running loop unless told it is safe (the test, not a real async context, owns the loop).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(autouse=True)
def _chromium_present():
    if CHROMIUM.exists():
        return
    if IN_CI:
        pytest.fail("Browser tests need /usr/bin/chromium under CI=true")
    pytest.skip("/usr/bin/chromium is missing (apt-get install chromium)")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def sign_in_browser(live_server):
    """sign_in_browser(page, user) signs in through /login/ and the authenticator-code page."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.factories import DEFAULT_PASSWORD

    def _sign_in(page, user, password=DEFAULT_PASSWORD):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        with page.expect_navigation():
            page.get_by_label("Password").press("Enter")
        if "/two-factor/" in page.url:
            code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
            with page.expect_navigation():
                page.locator("input[name=code]").fill(code)
                page.locator("input[name=code]").press("Enter")
        assert "/login/" not in page.url and "/two-factor/" not in page.url, (
            f"not signed in: {page.url}: {page.locator('main').inner_text()[:500]}"
        )
        return page

    return _sign_in
