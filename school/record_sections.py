"""Everything held about one pupil, section by section: the registry a records export reads.

Each app describes its own records in a module named `record_section.py` that registers a function
with `@section(...)`. The export (accounts.record_export) finds those modules by name with Django's
`autodiscover_modules`, so no app imports the apps to its right, and a new app adds its records to
every export by adding one module.

A section function takes the pupil and returns a list of `Item`s. An item that may have to be
withheld before release carries a `flag`: one of the reasons below. Flagged items are reviewed one by
one (release or withhold) before the final export.

    @section("attendance", "Attendance", order=20)
    def attendance(pupil):
        return [Item(key="attendance.summary", title="Summary", data={"Sessions": "120"})]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import models
from django.utils import timezone
from django.utils.text import capfirst

# Why an item is flagged for review (STATUTORY_RULES.md section 7: information likely to cause serious
# harm, or about child abuse, is withheld; UK GDPR: other people's information is not released
# without their consent or a reason).
SAFEGUARDING = "Safeguarding (child in need or child protection): may be withheld"
CONFIDENTIAL = "Confidential document: check before release"
THIRD_PARTY = "Mentions other people (another pupil, another agency or a staff note)"
# A file (an uploaded report, a letter's PDF) goes into the export as it is: nobody has checked its
# pages for other people's information, so every file is reviewed before release.
FILE_HELD = "A file held about the pupil: open it and check it before release"


@dataclass(frozen=True)
class HeldFile:
    """A file an item holds, put into the export's ZIP as it is. `storage_name` is its name in the
    private storage (the record's `private_file_name()`, school.private_files); accounts.record_export
    reads it, in one place. `open_url` is the app's own page serving it, for the reviewer to check it."""

    name: str  # the file's name as the school knows it (the uploaded name, the letter's file name)
    storage_name: str
    content_type: str
    open_url: str = ""


# A withdrawn record is still held, so it is part of the pupil's record; but it was withdrawn as a
# mistake (often: entered for the wrong pupil), so the reviewer checks it is really about this pupil.
WITHDRAWN = "Withdrawn as a mistake: check it is about this pupil before release"


@dataclass(frozen=True)
class Item:
    key: str  # stable across exports of the same records, e.g. "send.target:12"
    title: str
    data: dict[str, str] = field(default_factory=dict)
    rows: list[dict[str, str]] = field(default_factory=list)  # a table, e.g. the register marks
    flag: str = ""
    # The key of the record each row is about (parallel to `rows`), so that a row about an item the
    # reviewer withheld (e.g. an audit row about a withheld document) is withheld with it.
    row_keys: tuple[str, ...] = ()
    # The file this item holds (a document, a letter's PDF): in the ZIP unless the item is withheld.
    file: HeldFile | None = None


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    items: list[Item]


@dataclass(frozen=True)
class _Registered:
    key: str
    title: str
    order: int
    build: Callable


_REGISTRY: dict[str, _Registered] = {}


def section(key: str, title: str, *, order: int):
    """Register `build(pupil) -> list[Item]` as the section `key` of every records export."""

    def decorator(build):
        _REGISTRY[key] = _Registered(key, title, order, build)
        return build

    return decorator


def sections_for(pupil) -> list[Section]:
    return [
        Section(entry.key, entry.title, list(entry.build(pupil)))
        for entry in sorted(_REGISTRY.values(), key=lambda entry: (entry.order, entry.key))
    ]


def registered_keys() -> list[str]:
    return sorted(_REGISTRY)


# --- helpers for section modules --------------------------------------------------------------------
def text(value) -> str:
    """A value as a person would read it in the export."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d %b %Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d %b %Y")
    return str(value)


def describe(obj: models.Model, fields: list[str], *, keep_blank: bool = False) -> dict[str, str]:
    """Label -> readable value for `fields` of `obj`, choices shown by their label. Blanks are left out
    unless `keep_blank` (rows of one table must share their columns)."""
    data = {}
    for name in fields:
        model_field = obj._meta.get_field(name)
        if model_field.choices:
            value = getattr(obj, f"get_{name}_display")()
        else:
            value = getattr(obj, name)
        shown = text(value)
        if shown or keep_blank:
            data[capfirst(str(model_field.verbose_name))] = shown  # capitalize() printed 'Upn'
    return data


def described(obj, fields) -> dict[str, str]:
    """`describe`, plus when and why a withdrawn record was withdrawn (school.withdrawal)."""
    data = describe(obj, fields)
    if getattr(obj, "withdrawn_at", None):
        data["Withdrawn"] = f"{text(obj.withdrawn_at)}: {obj.withdrawal_reason}"
    return data


def review_flag(obj, flag: str = "") -> str:
    """The item's review reason; a withdrawn record's keeps any other reason it has too."""
    withdrawn = WITHDRAWN if getattr(obj, "withdrawn_at", None) else ""
    return "; ".join(reason for reason in (withdrawn, flag) if reason)


def key_of(obj: models.Model) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"
