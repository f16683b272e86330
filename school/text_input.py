"""What typed or imported text may contain. Pure: no database.

Two kinds of character are dangerous in text that ends up on pages and letters:

- NUL (U+0000) and the other C0 control characters except tab, line feed and carriage return.
  PostgreSQL refuses NUL in text, so before this rule one stray byte in a CSV was an HTTP 500.
  `disallowed_character(text)` names the first one so a row can be reported and nothing saved.
- Bidirectional embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069). Printed on a
  letter they reorder what follows, so "Smith" can be made to read as something else. They are never
  needed in a name or an address, so `strip_bidi_controls(text)` removes them on save. Usernames
  refuse them instead (`refuse_bidi_controls`): silently changing what someone types to sign in with
  would lock them out.

Worked example:

>>> strip_bidi_controls("Ada \\u202eecalevol")
'Ada ecalevol'
>>> disallowed_character("Ada\\x00")
'NUL'
>>> disallowed_character("Ada\\tLovelace") is None
True
>>> length_hint(2000)
'Up to 2,000 characters.'
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError

BIDI_CONTROLS = frozenset(chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
_STRIP_TABLE = {ord(c): None for c in BIDI_CONTROLS}
ALLOWED_CONTROLS = frozenset("\t\n\r")

# Longest text each kind of field accepts when its model does not say (a TextField, a plain form field).
# A paragraph box holds about a page of writing; a one-line box a line.
MAX_PARAGRAPH = 2000
MAX_LINE = 200


def strip_bidi_controls(text: str) -> str:
    return text.translate(_STRIP_TABLE)


def has_bidi_controls(text: str) -> bool:
    return any(c in BIDI_CONTROLS for c in text)


def character_name(char: str) -> str:
    if char == "\x00":
        return "NUL"
    return unicodedata.name(char, f"U+{ord(char):04X}")


def disallowed_character(text: str) -> str | None:
    """The name of the first character no text field may hold, or None."""
    for char in text:
        if char < " " and char not in ALLOWED_CONTROLS:
            return character_name(char)
    return None


def refuse_bidi_controls(value: str) -> None:
    """Validator for usernames."""
    if has_bidi_controls(value or ""):
        raise ValidationError(
            "Contains a hidden character that changes the direction of text. Type it again without it.",
            code="bidi_control",
        )


def length_hint(limit: int) -> str:
    return f"Up to {limit:,} characters."


def too_long_message(limit: int) -> str:
    return f"This is too long: it can be up to {limit:,} characters."
