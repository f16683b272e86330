"""Keeping a pupil's personal details out of the chained, immutable part of the audit trail.

An audit row is hash-chained (school.audit_chain) and can never change, yet at the end of the
retention period the pupil's name, UPN, date of birth and contacts must go. So the row never stores
them: where a personal value would appear it stores a token naming the pupil's audit subject and the
value's place in that subject's list, and the values live in the subject record (school.AuditSubject),
which erasure clears. While the pupil exists the page shows the real values; afterwards the stable
pseudonym.

    >>> sealer = Sealer("P-7F3A00", ["Amira"])
    >>> sealer.add_keyed({"legal_last_name": "Khan", "year_group": 4})
    >>> sealed = sealer.seal_json({"legal_last_name": "Khan", "year_group": 4})
    >>> sealed
    {'legal_last_name': '⟦P-7F3A00:1⟧', 'year_group': 4}
    >>> sealer.seal_text("Amira Khan (Y4)")
    '⟦P-7F3A00:0⟧ ⟦P-7F3A00:1⟧ (Y4)'
    >>> reveal("⟦P-7F3A00:0⟧ ⟦P-7F3A00:1⟧ (Y4)", "P-7F3A00", sealer.values)
    'Amira Khan (Y4)'
    >>> reveal("⟦P-7F3A00:0⟧ ⟦P-7F3A00:1⟧ (Y4)", "P-7F3A00", None)
    'Pupil P-7F3A00 (Y4)'
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date

OPEN, CLOSE = "\u27e6", "\u27e7"
TOKEN = re.compile(OPEN + r"(P-[0-9A-F]{6}):(\d+)" + CLOSE)

# Snapshot keys whose value is always personal when the row is about a pupil: the pupil's own
# identifying fields and their contacts' (school.Pupil, school.Contact).
PERSONAL_KEYS = frozenset(
    {
        "legal_first_name",
        "legal_last_name",
        "preferred_first_name",
        "preferred_last_name",
        "upn",
        "date_of_birth",
        "first_name",
        "last_name",
        "address",
        "postcode",
        "phone",
        "email",
    }
)
MIN_TEXT_MATCH = 2  # a one-letter "name" would eat every "a" in the trail


def date_forms(day: date) -> list[str]:
    """The ways a date of birth is written on pages and letters."""
    return [day.isoformat(), f"{day:%d/%m/%Y}", f"{day.day} {day:%B %Y}", f"{day.day} {day:%b %Y}"]


def pupil_values(pupil) -> list[str]:
    names = [
        pupil.legal_first_name,
        pupil.legal_last_name,
        pupil.preferred_first_name,
        pupil.preferred_last_name,
    ]
    return [v for v in [*names, pupil.upn, *date_forms(pupil.date_of_birth)] if v]


def contact_values(contact: dict) -> list[str]:
    values = [
        contact.get(key) or "" for key in ("first_name", "last_name", "address", "postcode", "phone", "email")
    ]
    lines = [line.strip() for line in (contact.get("address") or "").splitlines()]
    return [v for v in [*values, *lines] if v]


class Sealer:
    """Replaces one subject's personal values with tokens, remembering which values it used."""

    def __init__(self, code: str, values: list[str]):
        self.code = code
        self.values = list(values)
        self.positions = {value: i for i, value in enumerate(self.values)}
        self.used: set[int] = set()
        self.changed = False
        self._pattern = None

    def token(self, value: str) -> str:
        if value not in self.positions:
            self.positions[value] = len(self.values)
            self.values.append(value)
            self.changed, self._pattern = True, None
        index = self.positions[value]
        self.used.add(index)
        return f"{OPEN}{self.code}:{index}{CLOSE}"

    def add(self, values) -> None:
        for value in values:
            if value and value not in self.positions:
                self.positions[value] = len(self.values)
                self.values.append(value)
                self.changed, self._pattern = True, None

    def add_keyed(self, data) -> None:
        """Learn the values under personal keys (an old name in `before`) before sealing any text."""
        if isinstance(data, dict):
            for key, value in data.items():
                if key in PERSONAL_KEYS and isinstance(value, str) and value.strip():
                    self.add([value])
                else:
                    self.add_keyed(value)
        elif isinstance(data, list):
            for value in data:
                self.add_keyed(value)

    def pattern(self):
        if self._pattern is None:
            words = sorted({v for v in self.values if len(v) >= MIN_TEXT_MATCH}, key=len, reverse=True)
            self._pattern = (
                re.compile(r"(?<!\w)(" + "|".join(map(re.escape, words)) + r")(?!\w)", re.IGNORECASE)
                if words
                else False
            )
        return self._pattern

    def seal_text(self, text: str) -> str:
        # Brackets typed by a user are not tokens: nobody can make the page reveal another value.
        text = text.replace(OPEN, "[").replace(CLOSE, "]")
        pattern = self.pattern()
        if not pattern or not text:
            return text
        return pattern.sub(lambda match: self.token(match.group(0)), text)

    def seal_json(self, data, key=None):
        if isinstance(data, dict):
            return {k: self.seal_json(v, k) for k, v in data.items()}
        if isinstance(data, list):
            return [self.seal_json(v) for v in data]
        if isinstance(data, str):
            if key in PERSONAL_KEYS and data.strip():
                return self.token(data)
            return self.seal_text(data)
        return data

    def digest(self, salt: str) -> str:
        return personal_digest(salt, self.values, self.used)


def seal_row(row, subject, sealer: Sealer | None, text: str, before, after, reason: str) -> None:
    """Fill an audit row's stored (sealed) fields; without a subject they are stored as given."""
    if sealer is None:
        row.sealed_repr, row.sealed_before, row.sealed_after, row.sealed_reason = text, before, after, reason
        return
    row.subject = subject
    sealer.used = set()
    sealer.add_keyed(before)
    sealer.add_keyed(after)
    row.sealed_before, row.sealed_after = sealer.seal_json(before), sealer.seal_json(after)
    row.sealed_repr, row.sealed_reason = sealer.seal_text(text)[:300], sealer.seal_text(reason)
    row.personal_digest = sealer.digest(subject.salt)


def personal_digest(salt: str, values: list[str], used) -> str:
    """Commits the row to the personal values it refers to, so editing a subject's values is caught.
    Salted with the subject's secret, erased with it: afterwards nobody can test guesses of a name or
    date of birth against the digest left in the chain."""
    if not used:
        return ""
    referenced = {str(i): values[i] if i < len(values) else None for i in sorted(used)}
    return hashlib.sha256(
        json.dumps([salt, referenced], sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()


def used_indexes(data, code: str) -> set[int]:
    """The value positions a sealed row refers to for subject `code`."""
    text = json.dumps(data, ensure_ascii=False)
    return {int(i) for c, i in TOKEN.findall(text) if c == code}


def reveal(data, code: str | None, values: list[str] | None):
    """Put the personal values back; once erased (values None) show the pseudonym instead."""
    if isinstance(data, dict):
        return {k: reveal(v, code, values) for k, v in data.items()}
    if isinstance(data, list):
        return [reveal(v, code, values) for v in data]
    if not isinstance(data, str) or OPEN not in data:
        return data
    if values is None:
        # A run of tokens ("first last") becomes one pseudonym, not one per word.
        run = re.compile(rf"{TOKEN.pattern}(?:[\s,]+{TOKEN.pattern})*")
        return run.sub(lambda m: f"Pupil {m.group(1)}" if m.group(1) == code else m.group(0), data)

    def value(match):
        index = int(match.group(2))
        if match.group(1) != code or index >= len(values):
            return f"Pupil {match.group(1)}"
        return values[index]

    return TOKEN.sub(value, data)
