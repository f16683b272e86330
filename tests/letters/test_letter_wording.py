"""How a letter's figures read to a parent, in every language the letters print (English, Polish,
Welsh): counted words that agree with the number ("1 session missed"), each language's decimal sign
("92,5%" in Polish), and no letter that confirms targets without any (letters/counted_words.py)."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from letters import counted_words as cw
from letters import template_services
from letters.demo_templates import POLISH_LETTER_1, POLISH_LETTER_1_SUBJECT
from letters.recipients import addressees
from letters.services import NO_TARGETS, letter_produce, letter_render
from school.private_files import read_private_file
from tests import factories as f


# --- the pure rules (no database) ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("n", "language", "category"),
    [
        (0, "English", "other"),
        (1, "English", "one"),
        (2, "English", "other"),
        (Decimal("1.5"), "English", "other"),
        (1, "Polish", "one"),
        (2, "Polish", "few"),
        (4, "Polish", "few"),
        (5, "Polish", "many"),
        (12, "Polish", "many"),
        (14, "Polish", "many"),
        (21, "Polish", "many"),
        (22, "Polish", "few"),
        (112, "Polish", "many"),
        (0, "Polish", "many"),
        (Decimal("0.5"), "Polish", "other"),
        (0, "Welsh", "zero"),
        (1, "Welsh", "one"),
        (2, "Welsh", "two"),
        (3, "Welsh", "few"),
        (6, "Welsh", "many"),
        (11, "Welsh", "other"),
    ],
)
def test_plural_categories(n, language, category):
    assert cw.plural_category(n, language) == category


@pytest.mark.parametrize(
    ("n", "language", "text"),
    [
        (1, "English", "1 session missed"),
        (12, "English", "12 sessions missed"),
        (1, "Polish", "1 opuszczoną sesję"),
        (3, "Polish", "3 opuszczone sesje"),
        (13, "Polish", "13 opuszczonych sesji"),
        (24, "Polish", "24 opuszczone sesje"),
        (1, "Welsh", "1 sesiwn a gollwyd"),
        (12, "Welsh", "12 sesiwn a gollwyd"),
        (1500, "English", "1,500 sessions missed"),
        (1500, "Polish", "1\xa0500 opuszczonych sesji"),
    ],
)
def test_sessions_missed_in_words(n, language, text):
    assert cw.counted(n, "sessions_missed", language) == text


@pytest.mark.parametrize(
    ("value", "language", "text"),
    [
        (Decimal("92.5"), "Polish", "92,5"),
        (Decimal("92.5"), "Welsh", "92.5"),
        (Decimal("92.5"), "English", "92.5"),
        (Decimal("6.25"), "Polish", "6,2"),  # one decimal place, as every figure
        (Decimal("2340"), "English", "2,340"),
        (Decimal("2340"), "Welsh", "2,340"),
        (Decimal("7"), "Polish", "7"),
    ],
)
def test_decimal_sign_by_language(value, language, text):
    assert cw.number_text(value, language) == text


def test_the_default_figures_paragraph_uses_the_counted_fields():
    from letters.defaults import DEFAULTS

    body = DEFAULTS["letter_1"].body_html
    assert "{sessions_missed_words}" in body and "{sessions_missed} sessions" not in body
    assert "{days_lost} school days" not in body and "{hours_lost} hours" not in body
    assert "{unauthorised_last_10_weeks_words}" in DEFAULTS["penalty_warning"].body_html


# --- letters as printed -------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-11-23 09:00", tick=False):
        yield


def pdf_text(letter) -> str:
    assert letter_render(letter_id=letter.pk) == "rendered"
    letter.refresh_from_db()
    data = read_private_file(letter.private_file_name())
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def marks(pupil, present: int, absent: dict[str, int]):
    """Register marks on school days from 2 November 2026 (Monday), AM and PM."""
    codes = ["/"] * present + [code for code, n in absent.items() for _ in range(n)]
    day, i = date(2026, 11, 2), 0
    while i < len(codes):
        if day.weekday() < 5:
            for session in ("AM", "PM"):
                if i < len(codes):
                    f.RegisterMarkFactory(pupil=pupil, date=day, session=session, code=codes[i])
                    i += 1
        day += timedelta(days=1)


def _parent(pupil, language="English"):
    return f.PupilContactFactory(
        pupil=pupil,
        contact__first_name="Alice",
        contact__last_name="Examplesmith",
        contact__address="1 Fictional Row\nTestville",
        contact__postcode="ZZ1 1ZZ",
        contact__preferred_language=language,
    ).contact


def _letter(actor, pupil, code="letter_1", **kwargs):
    return letter_produce(
        actor=actor, pupil=pupil, code=code, addressee=addressees(pupil)[0], queue=False, **kwargs
    )


def test_one_session_missed_is_singular_in_an_english_letter(attendance_officer, pupil):
    _parent(pupil)
    marks(pupil, 19, {"I": 1})
    text = pdf_text(_letter(attendance_officer, pupil))
    assert "95.0%" in text
    assert "That is 1 session missed (1 authorised, 0 unauthorised)" in text
    assert "1 sessions" not in text and "about 0.5 school days" in text


def test_a_polish_letter_prints_decimal_commas_and_polish_plurals(attendance_officer, headteacher, pupil):
    _parent(pupil, "Polish")
    template = template_services.template_for(pupil.school, "letter_1")
    template_services.template_version_save(
        actor=headteacher,
        template=template,
        language="Polish",
        subject=POLISH_LETTER_1_SUBJECT,
        body_html=POLISH_LETTER_1,
        expected_number=0,
    )
    marks(pupil, 25, {"O": 3})  # 25 of 28: 89.3%
    letter = _letter(attendance_officer, pupil)
    assert letter.language == "Polish"
    text = pdf_text(letter)
    assert "89,3%" in text and "89.3%" not in text
    assert "Oznacza to 3 opuszczone sesje" in text
    assert "około 1,5 dnia szkolnego" in text
    assert "Strona 1 z" in text  # the page's own words in Polish (letters.services.PAGE_WORDS)


def test_a_welsh_letter_prints_a_decimal_point_and_welsh_counted_words(
    attendance_officer, headteacher, pupil
):
    _parent(pupil, "Welsh")
    template = template_services.template_for(pupil.school, "letter_1")
    template_services.template_version_save(
        actor=headteacher,
        template=template,
        language="Welsh",
        subject="Presenoldeb {pupil_first_name}",
        body_html="<p>Presenoldeb: <strong>{attendance_pct}</strong>, sef {sessions_missed_words}.</p>",
        expected_number=0,
    )
    marks(pupil, 25, {"O": 3})
    text = pdf_text(_letter(attendance_officer, pupil))
    assert "89.3%" in text and "sef 3 sesiwn a gollwyd" in text
    assert "Tudalen 1 o" in text


def test_a_counted_field_is_refused_in_a_language_without_its_words(headteacher, pupil):
    template = template_services.template_for(pupil.school, "letter_1")
    with pytest.raises(ValidationError) as refused:
        template_services.template_version_save(
            actor=headteacher,
            template=template,
            language="French",
            subject="Assiduité",
            body_html="<p>Cela fait {sessions_missed_words}.</p>",
            expected_number=0,
        )
    assert "use {sessions_missed} (the number only)" in refused.value.message_dict["body_html"][0]
    assert not template.versions.filter(language="French").exists()


# --- Letter 2b needs its targets ------------------------------------------------------------------------
def test_letter_2b_without_targets_is_refused_not_printed_with_an_empty_list(attendance_officer, pupil):
    _parent(pupil)
    with pytest.raises(ValidationError) as refused:
        _letter(attendance_officer, pupil, code="letter_2b", extra={"meeting_date": date(2026, 11, 20)})
    assert refused.value.message_dict["code"] == [NO_TARGETS]
    assert not pupil.letters.exists()
    # With the targets, the list is printed.
    letter = _letter(
        attendance_officer,
        pupil,
        code="letter_2b",
        extra={
            "meeting_date": date(2026, 11, 20),
            "meeting_targets": [{"text": "Arrive by 8:50", "owner": "Parent", "review_on": "2026-12-04"}],
        },
    )
    assert "Arrive by 8:50 (Parent, review 4 December 2026)" in pdf_text(letter)


def test_letter_2b_from_the_case_page_without_targets_says_why_beside_the_letter(
    login, attendance_officer, pupil
):
    from django.urls import reverse

    from graduated_response.models import Case
    from letters import meetings

    _parent(pupil)
    case = Case.objects.create(school=pupil.school, pupil=pupil, current_tier=2, opened_on=date(2026, 11, 2))
    meeting, _ = meetings.meeting_plan(
        actor=attendance_officer, pupil=pupil, kind="sam", planned_on=date(2026, 11, 20)
    )
    meetings.meeting_record_held(actor=attendance_officer, meeting=meeting, held_on=date(2026, 11, 20))
    client = login(attendance_officer)
    panel = client.get(reverse("graduated_response:panel_case_letters", args=[case.pk]))
    response = client.post(
        reverse("graduated_response:case_letters_produce", args=[case.pk]),
        {
            "code": "letter_2b",
            "trigger": "SAM held on 20 Nov",
            "submission_token": panel.context["form"]["submission_token"].value(),
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["code"] == [NO_TARGETS]
    assert not pupil.letters.exists()


def test_untouched_old_defaults_get_the_counted_figures_and_edited_texts_are_kept(headteacher, school):
    import importlib

    from django.apps import apps

    from letters.models import LetterTemplateVersion

    migration = importlib.import_module("letters.migrations.0006_h12_letter_meeting")
    templates = template_services.school_templates(school)
    old = "<p>That is x. " + migration.OLD_FIGURES + "</p>"
    # Letter 1 as a school got it before (the default, nobody edited it); Letter 2 edited by the head.
    LetterTemplateVersion.objects.filter(template=templates["letter_1"]).update(body_html=old)
    LetterTemplateVersion.objects.filter(template=templates["letter_2"]).update(
        body_html=old, created_by=headteacher
    )
    migration.counted_words_in_untouched_defaults(apps, None)
    newest = template_services.current_version(templates["letter_1"])
    assert newest.number == 2 and migration.NEW_FIGURES in newest.body_html and newest.created_by is None
    assert template_services.current_version(templates["letter_2"]).number == 1
