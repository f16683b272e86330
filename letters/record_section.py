"""The letters app's part of a records export: every letter about the pupil (the text is in each
letter's own PDF; the export lists them)."""

from __future__ import annotations

from school.record_sections import Item, describe, key_of, section

from .models import Letter


@section("letters", "Letters", order=50)
def letters(pupil) -> list[Item]:
    fields = ["kind", "letter_date", "recipient_name", "subject", "status"]
    return [
        Item(
            key=key_of(letter),
            title=letter.subject or letter.get_kind_display(),
            data=describe(letter, fields),
        )
        for letter in Letter.objects.filter(pupil=pupil).order_by("letter_date", "pk")
    ]
