"""The letter template editor in Chromium: Trix runs under the site's Content Security Policy, a
merge field button inserts its field, an unknown field is refused beside the box, and a good save
makes version 2."""

import os

import pytest
from playwright.sync_api import expect

from letters import template_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SHOTS")
# Put Trix's cursor at the end of the text (the last character is Trix's own closing newline).
END = """() => { const e = document.querySelector("trix-editor").editor;
  const n = e.getDocument().toString().length - 1; e.setSelectedRange([n, n]); }"""


def test_edit_a_letter_with_the_rich_text_editor(browser, live_server, sign_in_browser, headteacher, pupil):
    template = template_services.school_templates(pupil.school)["letter_1"]
    page = browser.new_context().new_page()
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    sign_in_browser(page, headteacher)
    page.goto(f"{live_server.url}/letters/templates/{template.pk}/")
    editor = page.locator("trix-editor")
    expect(editor).to_be_visible()
    expect(editor).to_contain_text("We are writing because")
    editor.click()
    page.evaluate(END)
    page.keyboard.type(" Typo: {pupil_frist_name}")
    # Named beside the box as it is typed, before saving.
    expect(page.get_by_test_id("body-live-check")).to_have_text(
        "Unknown merge field: {pupil_frist_name}. It will not be saved like this."
    )
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_test_id("body-error")).to_contain_text("Unknown merge field: {pupil_frist_name}")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/template-editor-error.png", full_page=True)
    page.locator("trix-editor").click()
    page.evaluate(END)
    for _ in range(len("{pupil_frist_name}")):
        page.keyboard.press("Backspace")
    page.get_by_role("button", name="Pupil's first name").click()
    expect(page.get_by_test_id("body-live-check")).to_have_text("")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/template-editor-before.png", full_page=True)
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.locator(".alert-success, .alert")).to_contain_text("Saved version 2")
    assert "Typo: {pupil_first_name}" in template.versions.get(number=2).body_html
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/template-editor.png", full_page=True)
    assert not [v for v in violations if "script" in v.lower()], violations
