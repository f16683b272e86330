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


def test_streaming_merge_keeps_every_page_in_order_with_its_text(tmp_path):
    """letters.pdf_merge writes each PDF's pages straight to the output (never all in memory)."""
    from pypdf import PdfReader

    from letters.pdf_merge import merge_pdfs

    one = rendering.html_to_pdf("<p>First letter</p>")
    two = rendering.html_to_pdf("<p>Second letter</p><p style='page-break-before: always'>Its page 2</p>")
    out = tmp_path / "merged.pdf"
    with out.open("wb") as handle:
        pages = merge_pdfs([io.BytesIO(one), io.BytesIO(two), io.BytesIO(one)], handle)
    reader = PdfReader(out, strict=True)
    texts = [page.extract_text() for page in reader.pages]
    assert pages == len(reader.pages) == 4
    assert ["First letter" in texts[0], "Second letter" in texts[1], "Its page 2" in texts[2]] == [True] * 3
    assert "First letter" in texts[3]
    assert all(page.mediabox.width > 500 for page in reader.pages)  # A4 kept from each source
