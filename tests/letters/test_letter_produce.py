"""letters.services.letter_produce: the school's template (or its translation) filled with the pupil's
details and live figures, snapshotted, and rendered to a PDF whose text we read back."""

import io
from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from pypdf import PdfReader

from letters import template_services
from letters.models import Letter, LetterTemplateVersion
from letters.recipients import addressees
from letters.services import letter_html, letter_produce, letter_render
from school.models import AuditEntry
from school.private_files import read_private_file
from tests import factories as f


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-11-23 09:00", tick=False):
        yield


# Template, version, letterhead, the unique name check, the insert, and the audit row (with the
# actor's role, the pupil's audit subject and the chain), inside savepoints; on PostgreSQL one more,
# the audit chain's advisory lock (school/audit_chain.py).
QUERIES_PER_LETTER = 17 if connection.vendor == "postgresql" else 16


def pdf_text(letter) -> str:
    letter.refresh_from_db()
    assert letter.status == Letter.Status.RENDERED, letter.error
    data = read_private_file(letter.private_file_name())
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def marks(pupil, present: int, absent: dict[str, int]):
    """Register marks on school days from 2 November 2026 (Monday), AM and PM."""
    codes = ["/"] * present + [code for code, n in absent.items() for _ in range(n)]
    day, i = date(2026, 11, 2), 0
    from datetime import timedelta

    while i < len(codes):
        if day.weekday() < 5:
            for session in ("AM", "PM"):
                if i < len(codes):
                    f.RegisterMarkFactory(pupil=pupil, date=day, session=session, code=codes[i])
                    i += 1
        day += timedelta(days=1)


@pytest.fixture
def parent(pupil):
    return f.PupilContactFactory(
        pupil=pupil,
        contact__title="Ms",
        contact__first_name="Alice",
        contact__last_name="Examplesmith",
        contact__address="1 Fictional Row\nTestville",
        contact__postcode="ZZ1 1ZZ",
    ).contact


def test_letter_1_is_filled_snapshotted_audited_and_printed(attendance_officer, pupil, parent):
    pupil.preferred_first_name = "Rosie"
    pupil.save()
    marks(pupil, 18, {"I": 1, "O": 1})
    [addressee] = addressees(pupil)
    letter = letter_produce(
        actor=attendance_officer,
        pupil=pupil,
        code="letter_1",
        addressee=addressee,
        trigger="Tier 2",
        queue=False,
    )
    assert letter.code == "letter_1" and letter.kind == Letter.Kind.ATTENDANCE
    assert letter.template_version.number == 1 and letter.language == "English"
    assert letter.recipient_contact_ids == [parent.pk]
    assert letter.merge_values["attendance_pct"] == "90.0%"
    assert letter.merge_values["sessions_missed"] == "2"
    assert "Rosie" in letter.subject
    assert AuditEntry.objects.filter(action="letters.letter.created", object_id=str(letter.pk)).exists()
    letter_render(letter_id=letter.pk)
    text = pdf_text(letter)
    assert "Ms A Examplesmith" in text and "ZZ1 1ZZ" in text
    assert "90.0%" in text and "23 November 2026" in text
    assert "Page 1 of" in text


def test_unknown_code_and_extra_are_refused(attendance_officer, pupil, parent):
    with pytest.raises(ValidationError):
        letter_produce(actor=attendance_officer, pupil=pupil, code="letter_9", addressee=None, queue=False)
    with pytest.raises(ValidationError):
        letter_produce(
            actor=attendance_officer,
            pupil=pupil,
            code="letter_1",
            addressee=None,
            extra={"x": 1},
            queue=False,
        )


def test_hostile_names_print_literally(attendance_officer, pupil, parent):
    pupil.preferred_first_name = "<script>alert(1)</script>"
    pupil.preferred_last_name = "{{ secret }}"
    pupil.save()
    parent.last_name = "{school_name}"
    parent.save()
    letter = letter_produce(
        actor=attendance_officer, pupil=pupil, code="letter_1", addressee=addressees(pupil)[0], queue=False
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in letter.body_html
    assert "<script>" not in letter.body_html
    assert "<script>" not in letter_html(letter).replace(letter.subject, "")
    letter_render(letter_id=letter.pk)
    text = pdf_text(letter)
    assert "<script>alert(1)</script>" in text
    assert "Ms A {school_name}" in text


def test_a_letter_keeps_its_version_after_an_edit(headteacher, attendance_officer, pupil, parent):
    first = letter_produce(
        actor=attendance_officer, pupil=pupil, code="letter_1", addressee=None, queue=False
    )
    template = template_services.template_for(pupil.school, "letter_1")
    template_services.template_version_save(
        actor=headteacher,
        template=template,
        language="English",
        subject="New words for {pupil_first_name}",
        body_html="<p>Changed text.</p>",
        expected_number=1,
    )
    second = letter_produce(
        actor=attendance_officer, pupil=pupil, code="letter_1", addressee=None, queue=False
    )
    first.refresh_from_db()
    assert first.template_version.number == 1 and "Changed text" not in first.body_html
    assert second.template_version.number == 2 and "Changed text" in second.body_html
    assert LetterTemplateVersion.objects.filter(template=template).count() == 2


def test_translation_is_picked_by_the_contacts_preferred_language(
    headteacher, attendance_officer, pupil, parent
):
    parent.preferred_language = "Polish"
    parent.save()
    template = template_services.template_for(pupil.school, "letter_1")
    template_services.template_version_save(
        actor=headteacher,
        template=template,
        language="Polish",
        subject="Frekwencja: {pupil_first_name}",
        body_html="<p>Szanowni Państwo, frekwencja wynosi {attendance_pct}.</p>",
        expected_number=0,
    )
    letter = letter_produce(
        actor=attendance_officer, pupil=pupil, code="letter_1", addressee=addressees(pupil)[0], queue=False
    )
    assert letter.language == "Polish" and "Szanowni" in letter.body_html
    # The page's own words (sign-off, footer) are in the letter's language too, not only the text.
    letter_render(letter_id=letter.pk)
    text = pdf_text(letter)
    assert "Z poważaniem," in text and "Strona 1 z 1" in text and "Poufne: dotyczy dziecka" in text
    assert "Page 1" not in text and "Yours sincerely" not in text
    parent.preferred_language = "Somali"  # no translation: English
    parent.save()
    letter = letter_produce(
        actor=attendance_officer, pupil=pupil, code="letter_1", addressee=addressees(pupil)[0], queue=False
    )
    assert letter.language == "English" and "Dear" in letter.body_html


@pytest.mark.parametrize(("recorded", "translated"), [("polish ", "Polish"), ("Punjabi", "Panjabi")])
def test_translation_is_picked_whatever_the_spelling_of_the_contacts_language(
    headteacher, attendance_officer, pupil, parent, recorded, translated
):
    # Pupil records say "Punjabi" (the demo, most MIS exports); the translation list says "Panjabi".
    parent.preferred_language = recorded
    parent.save()
    template = template_services.template_for(pupil.school, "letter_1")
    template_services.template_version_save(
        actor=headteacher,
        template=template,
        language=translated,
        subject="Translated: {pupil_first_name}",
        body_html="<p>Translated text {attendance_pct}.</p>",
        expected_number=0,
    )
    letter = letter_produce(
        actor=attendance_officer, pupil=pupil, code="letter_1", addressee=addressees(pupil)[0], queue=False
    )
    assert letter.language == translated and "Translated text" in letter.body_html


def test_termly_report_has_a_chart(attendance_officer, pupil, parent):
    marks(pupil, 9, {"I": 1})
    letter = letter_produce(
        actor=attendance_officer,
        pupil=pupil,
        code="termly_report",
        addressee=addressees(pupil)[0],
        queue=False,
    )
    assert 'src="data:image/png;base64,' in letter_html(letter)
    letter_render(letter_id=letter.pk)
    assert "90.0%" in pdf_text(letter)


def test_targets_letter_and_a_two_page_letter_number_their_pages(
    headteacher, attendance_officer, pupil, parent
):
    extra = {
        "meeting_date": date(2026, 11, 20),
        "meeting_targets": [
            {"text": "Arrive by 8.50am every day", "owner": "Parent", "review_on": date(2026, 12, 11)},
            {"text": "Breakfast club on Mondays", "owner": "School", "review_on": "2026-12-18"},
        ],
    }
    letter = letter_produce(
        actor=attendance_officer,
        pupil=pupil,
        code="letter_2b",
        addressee=addressees(pupil)[0],
        extra=extra,
        queue=False,
    )
    letter_render(letter_id=letter.pk)
    text = pdf_text(letter)
    assert "Friday 20 November 2026" in text
    assert "Arrive by 8.50am every day (Parent, review 11 December 2026)" in text
    assert "Breakfast club on Mondays (School, review 18 December 2026)" in text
    assert "Page 1 of 1" in text
    template = template_services.template_for(pupil.school, "letter_1")
    template_services.template_version_save(
        actor=headteacher,
        template=template,
        language="English",
        subject="Long letter",
        body_html="".join(f"<p>Paragraph {n} about {{pupil_first_name}}.</p>" for n in range(45)),
        expected_number=1,
    )
    long = letter_produce(actor=attendance_officer, pupil=pupil, code="letter_1", addressee=None, queue=False)
    letter_render(letter_id=long.pk)
    text = pdf_text(long)
    assert "Page 1 of 2" in text and "Page 2 of 2" in text


def test_a_batch_passing_figures_and_period_costs_a_few_queries_per_letter(
    attendance_officer, pupil, parent, django_assert_max_num_queries
):
    from attendance.figures import Figures

    [addressee] = addressees(pupil)
    letter_produce(actor=attendance_officer, pupil=pupil, code="letter_1", addressee=addressee, queue=False)
    figures = Figures.from_code_counts({"/": 9, "O": 1})
    with django_assert_max_num_queries(QUERIES_PER_LETTER):
        letter = letter_produce(
            actor=attendance_officer,
            pupil=pupil,
            code="letter_1",
            addressee=addressee,
            figures=figures,
            period=(date(2026, 9, 2), date(2026, 11, 23)),
            queue=False,
        )
    assert letter.merge_values["attendance_pct"] == "90.0%"
    assert letter.merge_values["figures_from"] == "2 September 2026"


def test_fonts_are_embedded_and_a4(attendance_officer, pupil, parent):
    letter = letter_produce(
        actor=attendance_officer,
        pupil=pupil,
        code="termly_report",
        addressee=addressees(pupil)[0],
        queue=False,
    )
    letter_render(letter_id=letter.pk)
    letter.refresh_from_db()
    reader = PdfReader(io.BytesIO(read_private_file(letter.private_file_name())))
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)  # A4
    fonts = page["/Resources"]["/Font"]
    assert fonts
    for ref in fonts.values():
        font = ref.get_object()
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = descendant["/FontDescriptor"].get_object()
        assert "DejaVu" in str(font["/BaseFont"])
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
