"""A 5,000-character word on a PDF wraps inside the A4 page instead of running off its edge."""

import io

import pytest
from pypdf import PdfReader

from send.services import passport_save

WORD = "Unbroken" * 625  # 5,000 characters, no spaces
A4_WIDTH_POINTS = 595.28


@pytest.mark.django_db
def test_long_word_wraps_on_a_fixed_width_page(login, sendco, pupil):
    passport_save(
        actor=sendco, pupil=pupil, liked_and_admired="Kind.", important_to_me=WORD, how_to_support_me="Calm."
    )
    response = login(sendco).get(f"/send/pupils/{pupil.pk}/passport.pdf")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    assert all(abs(float(page.mediabox.width) - A4_WIDTH_POINTS) < 1 for page in reader.pages)
    lines = [line for page in reader.pages for line in page.extract_text().splitlines()]
    word_lines = [line.strip() for line in lines if "Unbroken" in line]
    assert "".join(word_lines).count("Unbroken") == 625  # every character is printed
    # Wrapped: about a hundred characters fit across A4 at 10pt, so the word takes dozens of lines.
    assert len(word_lines) > 30 and max(len(line) for line in word_lines) < 150


@pytest.mark.django_db
def test_direction_overrides_saved_before_the_rule_never_reach_a_pdf(login, sendco, pupil):
    """Text saved without a form (or before forms stripped them) is cleaned when printed."""
    passport_save(
        actor=sendco,
        pupil=pupil,
        liked_and_admired="Kind \u202eenola",
        important_to_me="x",
        how_to_support_me="\u2066Calm\u2069",
    )
    response = login(sendco).get(f"/send/pupils/{pupil.pk}/passport.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Kind enola" in text and "Calm" in text
    assert not set(text) & {"\u202e", "\u2066", "\u2069"}
