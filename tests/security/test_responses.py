"""Headers on every response, error pages without detail, production settings pass check --deploy."""

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import path

from accounts.log_filters import ScrubSensitiveData, scrub

ROOT = Path(__file__).resolve().parents[2]


def _boom(request):
    raise RuntimeError("SELECT * FROM school_pupil WHERE upn='A938200119001' password=hunter2")


urlpatterns = [path("boom/", _boom)]


def test_headers_on_a_signed_in_page(login, headteacher):
    response = login(headteacher).get("/")
    csp = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_headers_on_the_sign_in_page_too(db):
    response = Client().get("/login/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]


# Whole HTML files downloaded as attachments for a school to put on its own website: they carry their own
# small stylesheet because they are opened outside this product, never shown under its CSP.
STANDALONE_DOWNLOADS = {"reports/sen_information/website.html"}


def test_templates_have_no_inline_script_or_style():
    """The CSP forbids inline script and style, so a template that uses them would silently break."""
    problems = []
    for template in (ROOT / "templates").rglob("*.html"):
        name = template.relative_to(ROOT / "templates").as_posix()
        if "pdf" in name:
            continue  # rendered by WeasyPrint into a PDF, never served to a browser
        if name in STANDALONE_DOWNLOADS:
            continue
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            problems.append(f"{template}: inline <script>")
        if re.search(r"<style\b", text):
            problems.append(f"{template}: <style> element")
        if re.search(r"\sstyle=[\"']", text):
            problems.append(f"{template}: style= attribute")
        if re.search(r"\son[a-z]+=[\"']", text):
            problems.append(f"{template}: inline event handler")
    assert not problems, "\n".join(problems)


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_a_crash_shows_no_detail_and_logs_no_secrets(client, caplog):
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, something went wrong" in html
    for leak in ("Traceback", "SELECT", "school_pupil", "A938200119001", "RuntimeError"):
        assert leak not in html
    record = caplog.records[-1]
    ScrubSensitiveData().filter(record)
    assert "hunter2" not in record.getMessage() + (record.exc_text or "")
    assert "A938200119001" not in (record.exc_text or "")
    assert "RuntimeError" in record.exc_text  # the error itself is still logged


def test_not_found_and_forbidden_pages_show_no_detail(login, sendco):
    client = login(sendco)
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and "Page not found" in missing.content.decode()
    assert "urlpatterns" not in missing.content.decode()
    forbidden = client.get("/accounts/login-history/")
    assert forbidden.status_code == 403 and "do not have access" in forbidden.content.decode()


@pytest.mark.parametrize(
    "text, hidden",
    [
        ("password=hunter2 next", "hunter2"),
        ('{"password": "s3cret!", "x": 1}', "s3cret!"),
        ("csrfmiddlewaretoken=abcDEF123&username=x", "abcDEF123"),
        ("Cookie: sessionid=q1w2e3r4t5", "q1w2e3r4t5"),
        ("Authorization: Bearer eyJhbGciOi.x.y", "eyJhbGciOi"),
        ("DETAIL: Key (school_id, upn)=(3, A938200119001) already exists.", "A938200119001"),
        ("otp_token=123456", "123456"),
    ],
)
def test_log_scrubber(text, hidden):
    assert hidden not in scrub(text)


def test_log_scrubber_keeps_ordinary_text():
    assert (
        scrub("Register for Oak AM saved by office (12 marks)")
        == "Register for Oak AM saved by office (12 marks)"
    )


def _production_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="school.example.org",
        DATABASE_URL="sqlite:////tmp/sendcase-deploy-check.sqlite3",
        **extra,
    )
    return env


def test_check_deploy_reports_nothing_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_sends_hsts_and_redirects_to_https():
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client(HTTP_HOST='school.example.org')\n"
        "r = c.get('/login/')\n"
        "print(r.status_code, r.get('Location'))\n"
        "r = c.get('/logout/', secure=True)\n"  # 405: no template, so no collected static files needed
        "print(r.get('Strict-Transport-Security'))\n"
        "from django.conf import settings as s\n"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.DEBUG)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=_production_env(DJANGO_SETTINGS_MODULE="config.settings"),
    )
    lines = result.stdout.splitlines()
    assert lines[0] == "301 https://school.example.org/login/", result.stderr
    assert lines[1] == "max-age=31536000; includeSubDomains; preload"
    assert lines[2] == "True True False"
