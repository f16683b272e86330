"""Numbers as a letter prints them, in the letter's language: the decimal sign and thousands of the
language, and a counted noun that agrees with its number ("1 session missed", "12 sessions missed").

Two pure rules:

* ``number_text``: a whole number without decimals, anything else to one decimal place, with the
  language's own decimal sign and thousands separator (Django's locale formats: Polish writes 92,5
  and 2 340; English and Welsh write 92.5 and 2,340).
* ``plural_category``: the Unicode CLDR plural category of a number in English, Polish or Welsh
  ("one", "few", "many", "two", "zero", "other"); ``counted`` picks the words of that category from
  ``WORDS``. Polish has three forms for whole numbers (1 sesja, 2-4 sesje, 5-21 sesji, 22 sesje) and
  one for fractions; Welsh keeps the noun singular after a numeral; English has two.

The words are the ones the default letters (letters/defaults.py) and the demo's Polish Letter 1
(letters/demo_templates.py) need, in the case their sentences use: Polish sessions in the accusative
("Oznacza to 5 opuszczonych sesji"), days and hours in the genitive after "około" ("około 1 dnia
szkolnego"). A language without words here has no counted fields: the editor refuses them there
(``fields_without_words``) and the plain figure ({sessions_missed}) is used with the school's words.

Worked example:

    >>> from decimal import Decimal
    >>> number_text(Decimal("92.5"), "Polish"), number_text(Decimal("92.5"), "Welsh"), number_text(2340, "English")
    ('92,5', '92.5', '2,340')
    >>> [counted(n, "sessions_missed", "English") for n in (1, 2)]
    ['1 session missed', '2 sessions missed']
    >>> [counted(n, "sessions_missed", "Polish") for n in (1, 3, 5, 12, 22)]
    ['1 opuszczoną sesję', '3 opuszczone sesje', '5 opuszczonych sesji', '12 opuszczonych sesji', '22 opuszczone sesje']
    >>> counted(Decimal("0.5"), "days_lost", "Polish"), counted(Decimal("0.5"), "days_lost", "English")
    ('0,5 dnia szkolnego', '0.5 school days')
    >>> counted(1, "days_lost", "Welsh"), counted(3, "days_lost", "Welsh")
    ('1 diwrnod ysgol', '3 diwrnod ysgol')
"""

from __future__ import annotations

from decimal import Decimal

#: Django locale codes of the letter languages (letters.merge_fields.LANGUAGE_CODES has them all).
_LOCALE = {"English": "en-gb"}


def _locale(language: str) -> str:
    from .merge_fields import LANGUAGE_CODES

    return _LOCALE.get(language) or LANGUAGE_CODES.get(language, "en-gb")


def number_text(value: Decimal | int, language: str = "English", *, places: int | None = None) -> str:
    """A figure as printed: whole numbers without decimals, others to one place (or always ``places``
    places: a percentage keeps its one, "91.0%"), grouped in thousands, in the language's own style."""
    from django.utils import formats, translation

    value = Decimal(value)
    if places is None:
        places = 0 if value == value.to_integral_value() else 1
    with translation.override(_locale(language)):
        return formats.number_format(
            value.quantize(Decimal(1).scaleb(-places)), places, use_l10n=True, force_grouping=True
        )


def plural_category(value: Decimal | int, language: str = "English") -> str:
    """The CLDR plural category of ``value`` in ``language`` (English rules for any other language).

    >>> [plural_category(n, "Polish") for n in (1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 102, 112)]
    ['one', 'few', 'few', 'many', 'many', 'many', 'many', 'many', 'few', 'many', 'few', 'many']
    >>> plural_category(Decimal("1.5"), "Polish"), plural_category(Decimal("1.0"), "English")
    ('other', 'one')
    >>> [plural_category(n, "Welsh") for n in (0, 1, 2, 3, 6, 7)]
    ['zero', 'one', 'two', 'few', 'many', 'other']
    """
    value = Decimal(value)
    whole = value == value.to_integral_value()
    i = int(value)
    if language == "Polish":
        if not whole:
            return "other"
        if i == 1:
            return "one"
        if i % 10 in (2, 3, 4) and i % 100 not in (12, 13, 14):
            return "few"
        return "many"
    if language == "Welsh":
        return {0: "zero", 1: "one", 2: "two", 3: "few", 6: "many"}.get(i, "other") if whole else "other"
    return "one" if whole and i == 1 else "other"


#: The counted phrases, by language and field, by plural category ("other" is the fallback); "{n}"
#: is the number as ``number_text`` prints it.
WORDS: dict[str, dict[str, dict[str, str]]] = {
    "English": {
        "sessions_missed": {"one": "{n} session missed", "other": "{n} sessions missed"},
        "days_lost": {"one": "{n} school day", "other": "{n} school days"},
        "hours_lost": {"one": "{n} hour", "other": "{n} hours"},
        "unauthorised_last_10_weeks": {"one": "{n} session", "other": "{n} sessions"},
    },
    "Polish": {
        "sessions_missed": {
            "one": "{n} opuszczoną sesję",
            "few": "{n} opuszczone sesje",
            "many": "{n} opuszczonych sesji",
            "other": "{n} opuszczonej sesji",
        },
        "days_lost": {
            "one": "{n} dnia szkolnego",
            "few": "{n} dni szkolnych",
            "many": "{n} dni szkolnych",
            "other": "{n} dnia szkolnego",
        },
        "hours_lost": {
            "one": "{n} godziny",
            "few": "{n} godzin",
            "many": "{n} godzin",
            "other": "{n} godziny",
        },
        "unauthorised_last_10_weeks": {
            "one": "{n} sesję",
            "few": "{n} sesje",
            "many": "{n} sesji",
            "other": "{n} sesji",
        },
    },
    "Welsh": {
        # A noun after a numeral stays singular in Welsh.
        "sessions_missed": {"other": "{n} sesiwn a gollwyd"},
        "days_lost": {"other": "{n} diwrnod ysgol"},
        "hours_lost": {"other": "{n} awr"},
        "unauthorised_last_10_weeks": {"other": "{n} sesiwn"},
    },
}

#: The merge field of each counted phrase (letters.merge_fields lists them).
FIELD_OF = {key: f"{key}_words" for key in WORDS["English"]}


def counted(value: Decimal | int, key: str, language: str = "English") -> str:
    """``value`` with the words ``key`` in ``language``, agreeing with the number (English words when
    the language has none: the editor refuses those fields in such a translation)."""
    forms = WORDS.get(language, WORDS["English"])[key]
    words_language = language if language in WORDS else "English"
    category = plural_category(value, words_language)
    return forms.get(category, forms["other"]).format(n=number_text(value, language))


def fields_without_words(fields: list[str], language: str) -> list[str]:
    """Of ``fields`` (merge field names a template uses), the counted ones ``language`` has no words
    for.

    >>> fields_without_words(["sessions_missed_words", "pupil_first_name"], "French")
    ['sessions_missed_words']
    >>> fields_without_words(["sessions_missed_words"], "Polish")
    []
    """
    if language in WORDS:
        return []
    counted_fields = set(FIELD_OF.values())
    return [field for field in fields if field in counted_fields]
