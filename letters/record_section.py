"""The letters app's part of a records export: every letter about the pupil, with its PDF once it has
been produced (the text is in the PDF; the export lists the letters and holds their files)."""

from __future__ import annotations

from django.urls import reverse

from school.record_sections import FILE_HELD, HeldFile, Item, describe, key_of, section

from .models import Letter


def _file(letter: Letter) -> HeldFile | None:
    if letter.status != Letter.Status.RENDERED:  # not produced yet, or failed: no file is held
        return None
    return HeldFile(
        name=letter.filename,
        storage_name=letter.private_file_name(),
        content_type="application/pdf",
        open_url=reverse("letters:letter_download", args=[letter.pk]),
    )


@section("letters", "Letters", order=50)
def letters(pupil) -> list[Item]:
    fields = ["kind", "letter_date", "recipient_name", "subject", "status"]
    items = []
    for letter in Letter.objects.filter(pupil=pupil).order_by("letter_date", "pk"):
        held = _file(letter)
        items.append(
            Item(
                key=key_of(letter),
                title=letter.subject or letter.get_kind_display(),
                data=describe(letter, fields),
                # A letter's PDF may name the other parent or their address: checked like any file.
                flag=FILE_HELD if held else "",
                file=held,
            )
        )
    return items
