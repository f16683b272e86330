"""Letter templates and letterheads: reads and writes.

A school's templates are created lazily: the first time its template list is opened or a letter is
produced, every code of letters/defaults.py that the school lacks gets a LetterTemplate and an English
version 1 holding the default text (created_by empty: "the default"). From then on the school's text
is in the database, and every save adds a version (old ones kept; letters point at theirs).

Action codes: letters.template.version_saved, letters.letterhead.saved.
"""

from __future__ import annotations

import base64
import io
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from school import audit

from . import defaults
from .counted_words import fields_without_words
from .merge_fields import fields_used, unknown_fields
from .models import Letterhead, LetterTemplate, LetterTemplateVersion
from .sanitise import clean_body

ENGLISH = "English"
LANGUAGES = (
    "English",
    "Arabic",
    "Bengali",
    "French",
    "Gujarati",
    "Lithuanian",
    "Panjabi",
    "Polish",
    "Portuguese",
    "Romanian",
    "Somali",
    "Spanish",
    "Ukrainian",
    "Urdu",
    "Welsh",
)


def school_templates(school) -> dict[str, LetterTemplate]:
    """Every template of the school by code, creating the missing ones from the defaults."""
    existing = {t.code: t for t in LetterTemplate.objects.filter(school=school)}
    missing = [code for code in defaults.CODES if code not in existing]
    if missing:
        _create_defaults(school, missing)
        existing = {t.code: t for t in LetterTemplate.objects.filter(school=school)}
    return existing


def _create_defaults(school, codes) -> None:
    now = timezone.now()
    try:
        with transaction.atomic():  # a savepoint: two workers creating them at once is harmless
            LetterTemplate.objects.bulk_create(
                [
                    LetterTemplate(
                        school=school,
                        code=code,
                        name=defaults.DEFAULTS[code].name,
                        kind=defaults.DEFAULTS[code].kind,
                    )
                    for code in codes
                ],
                ignore_conflicts=True,
            )
            templates = LetterTemplate.objects.filter(school=school, code__in=codes)
            LetterTemplateVersion.objects.bulk_create(
                [
                    LetterTemplateVersion(
                        template=t,
                        number=1,
                        language=ENGLISH,
                        subject=defaults.DEFAULTS[t.code].subject,
                        body_html=defaults.DEFAULTS[t.code].body_html,
                        created_at=now,
                    )
                    for t in templates
                    if not t.versions.exists()
                ],
                ignore_conflicts=True,
            )
    except IntegrityError:  # pragma: no cover - a concurrent creator won; its rows are the same
        pass


def template_for(school, code: str) -> LetterTemplate:
    if code not in defaults.DEFAULTS:
        raise ValidationError({"code": f"There is no letter template called {code!r}."})
    template = LetterTemplate.objects.filter(school=school, code=code).first()
    return template or school_templates(school)[code]


def current_version(template: LetterTemplate, language: str = ENGLISH) -> LetterTemplateVersion | None:
    """The newest version in ``language``; None when there is no translation into it."""
    return template.versions.filter(language=language).order_by("-number").first()


#: Other spellings of a letter language that school records use ("Punjabi" in most pupil records,
#: "Panjabi" in the DfE's list); a contact's preferred language is matched through these.
LANGUAGE_ALIASES = {"punjabi": "Panjabi"}


def letter_language(name: str) -> str:
    """A contact's preferred language as one of ``LANGUAGES`` where it is one, in any case or spelling.

    >>> letter_language(" polish "), letter_language("Punjabi"), letter_language(""), letter_language("Tamil")
    ('Polish', 'Panjabi', 'English', 'Tamil')
    """
    name = (name or "").strip()
    if not name:
        return ENGLISH
    by_lower = {language.lower(): language for language in LANGUAGES}
    return by_lower.get(name.lower()) or LANGUAGE_ALIASES.get(name.lower()) or name


def version_for_language(template: LetterTemplate, language: str) -> LetterTemplateVersion:
    """The translation into ``language`` when the school has one, else the English text."""
    language = letter_language(language)
    version = current_version(template, language) if language != ENGLISH else None
    return version or current_version(template, ENGLISH)


def languages_of(template: LetterTemplate) -> list[str]:
    return sorted(set(template.versions.values_list("language", flat=True)), key=lambda x: (x != ENGLISH, x))


def check_text(*, subject: str, body_html: str, language: str = ENGLISH) -> dict[str, list[str]]:
    """Errors by field for a template's text: unknown merge fields, named as the user typed them, and
    in a translation the counted fields ("with the words") that have no words in its language."""
    errors: dict[str, list[str]] = {}
    for name, text in (("subject", subject), ("body_html", body_html)):
        unknown = unknown_fields(text)
        if unknown:
            names = ", ".join("{" + u + "}" for u in unknown)
            errors[name] = [
                f"Unknown merge field{'s' if len(unknown) > 1 else ''}: {names}. Use the list of merge "
                "fields beside the editor (names are lower case, with underscores)."
            ]
        wordless = fields_without_words(fields_used(text), language)
        if wordless:
            names = ", ".join("{" + w + "}" for w in wordless)
            plain = ", ".join("{" + w.removesuffix("_words") + "}" for w in wordless)
            errors.setdefault(name, []).append(
                f"{names} print{'s' if len(wordless) == 1 else ''} English words, and this letter is in "
                f"{language}: use {plain} (the number only) with your own words instead."
            )
    return errors


@transaction.atomic
def template_version_save(
    *,
    actor,
    template: LetterTemplate,
    language: str,
    subject: str,
    body_html: str,
    expected_number: int | None,
) -> LetterTemplateVersion:
    """Save a new version of the template in ``language`` (a translation when not English).

    The body is sanitised (letters/sanitise.py); unknown merge fields are refused beside their field;
    ``expected_number`` is the version the editor started from, so a save over someone else's newer
    version is refused instead of silently replacing it.
    """
    language = (language or "").strip() or ENGLISH
    if language not in LANGUAGES:
        raise ValidationError({"language": "Choose a language from the list."})
    LetterTemplate.objects.select_for_update().filter(pk=template.pk).first()
    body = clean_body(body_html)
    subject = " ".join((subject or "").split())
    errors = check_text(subject=subject, body_html=body, language=language)
    if not re.sub(r"<[^>]+>|\s", "", body):
        errors.setdefault("body_html", []).append("The letter needs some text.")
    if errors:
        raise ValidationError(errors)
    latest = template.versions.filter(language=language).aggregate(n=Max("number"))["n"] or 0
    if (expected_number or 0) != latest:
        raise ValidationError(
            f"Someone saved version {latest} of this letter ({language}) while you were editing. "
            "Open it again to see their changes, then make yours."
        )
    version = LetterTemplateVersion(
        template=template,
        number=latest + 1,
        language=language,
        subject=subject,
        body_html=body,
        created_by=actor,
        created_at=timezone.now(),
    )
    version.full_clean()
    version.save()
    audit.record(
        actor=actor,
        action="letters.template.version_saved",
        obj=version,
        school=template.school,
        after={"code": template.code, "language": language, "number": version.number, "subject": subject},
    )
    return version


# --- letterhead ----------------------------------------------------------------------------------------
def letterhead_for(school) -> Letterhead:
    """The school's letterhead (an empty one, signed by the headteacher, until someone fills it in)."""
    letterhead = Letterhead.objects.filter(school=school).first()
    return letterhead or Letterhead(school=school)


LOGO_TYPES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def logo_data_uri(content: bytes) -> str:
    """A PNG or JPEG as a data: URI; anything else (SVG, which can carry script) is refused."""
    if len(content) > Letterhead.LOGO_MAX_BYTES:
        raise ValidationError({"logo": "The logo must be smaller than 200 KB."})
    mime = next((mime for magic, mime in LOGO_TYPES.items() if content.startswith(magic)), None)
    if mime is None or not _readable_image(content):
        raise ValidationError({"logo": "The logo must be a PNG or JPEG image."})
    if max(_image_size(content)) > LOGO_MAX_SIDE:
        raise ValidationError(
            {
                "logo": f"The logo must be at most {LOGO_MAX_SIDE} pixels wide and high (a smaller copy will do)."
            }
        )
    return f"data:{mime};base64,{base64.b64encode(content).decode()}"


#: A logo prints about 2 cm wide: 2,000 pixels is ample. A small file can still hold a huge picture
#: (30,000 pixels square compresses to 150 KB), which every letter's render would decode.
LOGO_MAX_SIDE = 2000


def _image_size(content: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(content)) as image:
        return image.size


def _readable_image(content: bytes) -> bool:
    """True when Pillow reads the file as an image (its header and data), so letters can print it:
    a file that only starts like a PNG would print every letter without a logo, silently."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False
    return True


@transaction.atomic
def letterhead_save(
    *,
    actor,
    school,
    address: str,
    signatory_name: str,
    signatory_role: str,
    contact_line: str,
    attendance_target,
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> Letterhead:
    letterhead = Letterhead.objects.select_for_update().filter(school=school).first() or Letterhead(
        school=school
    )
    before = audit.snapshot(letterhead, exclude=("logo_data_uri",)) if letterhead.pk else None
    letterhead.address = address.strip()
    letterhead.signatory_name = signatory_name.strip()
    letterhead.signatory_role = signatory_role.strip()
    letterhead.contact_line = contact_line.strip()
    letterhead.attendance_target = attendance_target
    if remove_logo:
        letterhead.logo_data_uri = ""
    if logo:
        letterhead.logo_data_uri = logo_data_uri(logo)
    letterhead.updated_at = timezone.now()
    letterhead.full_clean()
    letterhead.save()
    audit.record(
        actor=actor,
        action="letters.letterhead.saved",
        obj=letterhead,
        school=school,
        before=before,
        after=audit.snapshot(letterhead, exclude=("logo_data_uri",))
        | {"has_logo": bool(letterhead.logo_data_uri)},
    )
    return letterhead
