"""The shared PDF renderer: A4 PDFs from autoescaped templates, with no network or file access."""

import io

import pytest
from pypdf import PdfReader

from letters import rendering


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_render_pdf_is_a4_and_escapes_user_text(school):
    pdf = rendering.render_pdf(
        "send/pdf/passport.html",
        {
            "school": school,
            "pupil": {"display_name": "Ada <b>Lovelace</b>"},
            "passport": {
                "liked_and_admired": "<img src='http://example.invalid/x.png'>Kind",
                "important_to_me": "Cats",
                "how_to_support_me": "Time to think",
                "in_pupils_words": True,
            },
        },
    )
    assert pdf.startswith(b"%PDF-")
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert (
        round(float(page.mediabox.width)) == 595 and round(float(page.mediabox.height)) == 842
    )  # A4 in points
    text = text_of(pdf)
    assert "Ada <b>Lovelace</b>" in text and "<img src='http://example.invalid/x.png'>Kind" in text


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:6379/",
        "https://example.invalid/a.css",
        "ftp://example.invalid/x",
    ],
)
def test_the_fetcher_refuses_every_url(url):
    with pytest.raises(rendering.RefusedURL):
        rendering.make_url_fetcher().fetch(url)


def test_markup_that_asks_for_files_renders_without_them(monkeypatch):
    asked = []
    real = rendering._refuse

    def spy(url):
        asked.append(url)
        return real(url)

    monkeypatch.setattr(rendering, "_refuse", spy)
    pdf = rendering.html_to_pdf(
        '<p>Hello</p><img src="file:///etc/passwd"><link rel="stylesheet" href="http://x.invalid/s.css">'
    )
    assert "Hello" in text_of(pdf) and "root:" not in text_of(pdf)
    assert "file:///etc/passwd" in asked


def test_pdf_response_headers():
    response = rendering.pdf_response(b"%PDF-1.7", 'plan "quoted"/../x.pdf')
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="planquoted..x.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
