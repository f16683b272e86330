"""Hostile text that reaches a PDF is printed as text: no markup, no fetch of files or local URLs."""

import io

import pytest
from pypdf import PdfReader

from letters import rendering
from send.services import passport_save

PAYLOADS = [
    '<img src="file:///etc/passwd">',
    '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">',
    "<b>not bold</b> {{ secret }} {% now 'Y' %}",
    '=HYPERLINK("http://127.0.0.1/")',
    "../../etc/passwd \u202eright-to-left",
]


@pytest.mark.django_db
def test_hostile_passport_text_prints_literally_and_fetches_nothing(monkeypatch, login, sendco, pupil):
    fetched = []
    original = rendering._refuse

    def spy(url):
        fetched.append(url)
        return original(url)

    monkeypatch.setattr(rendering, "_refuse", spy)
    passport_save(
        actor=sendco,
        pupil=pupil,
        liked_and_admired=PAYLOADS[0] + " " + PAYLOADS[1],
        important_to_me=PAYLOADS[2],
        how_to_support_me=PAYLOADS[3] + " " + PAYLOADS[4],
    )
    response = login(sendco).get(f"/send/pupils/{pupil.pk}/passport.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    flat = " ".join(text.split())
    assert "<img src=" in flat and "file:///etc/passwd" in flat  # shown as text, not loaded
    assert "<b>not bold</b>" in flat
    assert "{{ secret }}" in flat  # template syntax in data is never evaluated
    assert not [url for url in fetched if not url.startswith("data:")]
