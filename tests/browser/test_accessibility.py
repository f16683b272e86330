"""axe-core on every page (WCAG 2.2 AA, target-size on), each as a role that may see it: zero violations.

The pages come from the permission matrix, so a new page is checked as soon as it has an expectation.
"""

from collections import defaultdict

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from tests.security.test_permission_matrix import EXPECTATIONS, build_world

pytestmark = pytest.mark.browser

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "rules": {"target-size": {"enabled": True}},
    "resultTypes": ["violations"],
}
ROLE_PREFERENCE = [
    "headteacher",
    "sendco",
    "attendance_officer",
    "dsl",
    "office_staff",
    "class_teacher",
    "teaching_assistant",
    "trust_lead",
    "governor",
]
# Pages that are not HTML pages of their own: htmx partials are checked inside the page that loads them.
NOT_PAGES = ("panel",)


def pages_by_role() -> dict[str, list[str]]:
    pages = defaultdict(list)
    for name, expect in sorted(EXPECTATIONS.items()):
        if not expect.get or any(part in name for part in NOT_PAGES) or name == "logout":
            continue
        role = next((r for r in ROLE_PREFERENCE if r in expect.get), None)
        if role is not None:
            pages[role].append(name)
    return pages


PAGES = pages_by_role()


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # axe-core is injected by evaluating a script; the page's own CSP (rightly) forbids that.
    return {**browser_context_args, "bypass_csp": True}


def check(page, axe, where, problems):
    page.wait_for_load_state("networkidle")
    results = axe.run(page, options=AXE_OPTIONS)
    if results.violations_count:
        problems.append(f"{where}\n{results.generate_report()}")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", sorted(PAGES))
def test_pages_have_no_accessibility_violations(role, page, live_server, sign_in_browser):
    world = build_world()
    sign_in_browser(page, world.users[role])
    axe, problems = Axe(), []
    for name in PAGES[role]:
        expect = EXPECTATIONS[name]
        url = reverse(name, kwargs=expect.kwargs(world) if expect.kwargs else None)
        head = page.request.get(f"{live_server.url}{url}", max_redirects=0)
        if "text/html" not in head.headers.get("content-type", "") or "attachment" in head.headers.get(
            "content-disposition", ""
        ):
            continue  # a download (CSV, PDF, the website copy of a report): no page to check
        page.goto(f"{live_server.url}{url}")
        check(page, axe, f"{name} ({url}) as {role}", problems)
    assert not problems, "\n\n".join(problems)


@pytest.mark.django_db(transaction=True)
def test_sign_in_pages_have_no_accessibility_violations(page, live_server, headteacher):
    axe, problems = Axe(), []
    page.goto(f"{live_server.url}/login/")
    check(page, axe, "sign in", problems)
    page.get_by_label("Username").fill(headteacher.username)
    page.get_by_label("Password").fill("wrong-password-for-this")
    page.get_by_label("Password").press("Enter")
    check(page, axe, "sign in with an error", problems)
    from tests.factories import DEFAULT_PASSWORD

    page.get_by_label("Username").fill(headteacher.username)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    with page.expect_navigation():
        page.get_by_label("Password").press("Enter")
    assert "/two-factor/set-up/" in page.url
    check(page, axe, "two-factor set-up", problems)
    assert not problems, "\n\n".join(problems)
