"""The export of everything held about a pupil, for a request for records: one ZIP holding a PDF to
read, a JSON file for machines, every file held about the pupil (uploaded documents, letters' PDFs)
that was not withheld, and a manifest listing each file with its SHA-256 checksum.

The content comes from the registry in `school.record_sections`: each app's `record_section.py`
describes its own records, found here by module name, so accounts imports no app but school (and the
one PDF renderer, `letters.rendering`, which imports nothing of ours; letters never imports accounts,
so the imports stay acyclic).

Items that may have to be withheld (safeguarding, confidential documents, other people's
information) are flagged. Until the reviewer has decided every flagged item, the export is a draft:
it shows every item with the reviewer's notes, marks the undecided ones, and says "DRAFT — contains
items to review" on every page and in the JSON. Once all are decided, the export is final: withheld
items, and audit rows about them, are left out and only their number is given; no review notes.

Every file is itself a flagged item (school.record_sections.FILE_HELD, or CONFIDENTIAL), so the
reviewer releases or withholds each one like any other item; a withheld file is not in the ZIP.

The ZIP is built synchronously, in the request that downloads it: a pupil with many large files makes
a slow download, which we accept, because a request for records is rare and the alternative (a task
writing the ZIP to disk) would leave a second copy of everything on the server.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import PurePath

from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from letters.rendering import render_pdf
from school.private_files import read_private_file
from school.record_sections import HeldFile, Item, Section, sections_for

DRAFT_BANNER = "DRAFT — contains items to review"
RELEASE, WITHHOLD = "release", "withhold"
FILES_FOLDER = "files"
MANIFEST_NAME = "manifest.json"
MISSING_NOTE = "The file could not be found in the school's storage."


def gather(pupil) -> list[Section]:
    """Every app's section about `pupil`, in order."""
    autodiscover_modules("record_section")
    return sections_for(pupil)


def flagged_items(sections: list[Section]) -> list[tuple[Section, Item]]:
    return [(sec, item) for sec in sections for item in sec.items if item.flag]


@dataclass(frozen=True)
class ShownItem:
    item: Item
    decision: str  # "" (not decided, or not flagged), "release" or "withhold"
    file_note: str = ""  # where the item's file is in the ZIP (set only for the PDF)

    @property
    def needs_review(self) -> bool:
        return bool(self.item.flag) and not self.decision


@dataclass
class Export:
    request: object
    sections: list[tuple[Section, list[ShownItem]]]
    generated_at: datetime
    withheld: int = 0
    to_review: int = 0
    flagged: int = 0
    item_count: int = field(default=0)

    @property
    def is_draft(self) -> bool:
        return self.to_review > 0


def _without_rows_about(item: Item, withheld_keys: set[str]) -> Item:
    """`item` less its rows about a withheld item (an audit row about a withheld document would
    otherwise name it)."""
    if not item.row_keys or not withheld_keys:
        return item
    kept = [(row, key) for row, key in zip(item.rows, item.row_keys, strict=True) if key not in withheld_keys]
    return replace(item, rows=[row for row, _ in kept], row_keys=tuple(key for _, key in kept))


def build(request, decisions: dict[str, str]) -> Export:
    """The export for a request, applying the reviewer's `decisions` (item key -> release/withhold)."""
    sections = gather(request.pupil)
    flagged = flagged_items(sections)
    to_review = sum(1 for _, item in flagged if item.key not in decisions)
    draft = to_review > 0
    withheld_keys = (
        set() if draft else {item.key for _, item in flagged if decisions.get(item.key) == WITHHOLD}
    )
    shown_sections, withheld, count = [], 0, 0
    for sec in sections:
        shown = []
        for item in sec.items:
            decision = decisions.get(item.key, "") if item.flag else ""
            if item.key in withheld_keys:
                withheld += 1
                continue
            shown.append(ShownItem(_without_rows_about(item, withheld_keys), decision))
        count += len(shown)
        shown_sections.append((sec, shown))
    return Export(
        request=request,
        sections=shown_sections,
        generated_at=timezone.now(),
        withheld=withheld,
        to_review=to_review,
        flagged=len(flagged),
        item_count=count,
    )


def to_json(export: Export, packed: dict[str, PackedFile] | None = None) -> bytes:
    packed = packed or {}
    request = export.request
    data = {
        "status": DRAFT_BANNER if export.is_draft else "Final",
        "generated_at": export.generated_at.isoformat(),
        "school": request.school.name,
        "request": {
            "kind": request.get_kind_display(),
            "requester": request.requester_name,
            "relationship": request.requester_relationship,
            "received_on": request.received_on.isoformat(),
            "due_on": request.due_on.isoformat(),
        },
        "pupil": {"id": request.pupil_id, "name": request.pupil.legal_name, "upn": request.pupil.upn},
        "items_withheld": export.withheld,
        "items_to_review": export.to_review,
        "sections": [
            {
                "key": sec.key,
                "title": sec.title,
                "items": [
                    {
                        "key": shown.item.key,
                        "title": shown.item.title,
                        "data": shown.item.data,
                        "rows": shown.item.rows,
                        **({"file": packed[shown.item.key].entry()} if shown.item.key in packed else {}),
                        # The reviewer's notes belong to the draft; the final holds released content only.
                        **(
                            {"review": {"reason": shown.item.flag, "decision": shown.decision or "to review"}}
                            if shown.item.flag and export.is_draft
                            else {}
                        ),
                    }
                    for shown in items
                ],
            }
            for sec, items in export.sections
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False).encode()


def _with_file_notes(export: Export, packed: dict[str, PackedFile]) -> Export:
    def note(item: Item) -> str:
        each = packed.get(item.key)
        if each is None:
            return ""
        return f"The file is in this download: {each.name}" if each.name else MISSING_NOTE

    sections = [
        (sec, [replace(shown, file_note=note(shown.item)) for shown in items])
        for sec, items in export.sections
    ]
    return replace(export, sections=sections)


def to_pdf(export: Export, packed: dict[str, PackedFile] | None = None) -> bytes:
    shown = _with_file_notes(export, packed or {})
    return render_pdf(
        "accounts/pdf/record_export.html",
        {"export": shown, "school": export.request.school, "banner": DRAFT_BANNER},
    )


def filename_stem(export: Export) -> str:
    kind = "draft" if export.is_draft else "final"
    return f"records-request-{export.request.pk}-{kind}-{export.generated_at:%Y%m%d}"


def read_held_file(held: HeldFile) -> bytes | None:
    """A held file's bytes from the private storage, or None when it is not there (the one place the
    export reads a file)."""
    return read_private_file(held.storage_name)


_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def _zip_name(number: int, held: HeldFile) -> str:
    """files/03-report.pdf: numbered, so two files of the same name cannot overwrite each other, and
    without folders, control characters or anything an unzip tool could take for a path."""
    stem = _UNSAFE.sub("_", PurePath(held.name.replace("\\", "/")).name).strip(" ._") or "file"
    return f"{FILES_FOLDER}/{number:02d}-{stem[-100:]}"


@dataclass(frozen=True)
class PackedFile:
    item: Item
    section: Section
    name: str  # the path inside the ZIP, "" when the file is missing
    content: bytes | None

    def entry(self) -> dict:
        held = self.item.file
        assert held is not None
        if self.content is None:
            return {"original_name": held.name, "missing": MISSING_NOTE}
        return {
            "file": self.name,
            "original_name": held.name,
            "content_type": held.content_type,
            "bytes": len(self.content),
            "sha256": hashlib.sha256(self.content).hexdigest(),
        }


def pack_files(export: Export) -> dict[str, PackedFile]:
    """Each file of an item in the export (withheld items are already left out), keyed by item."""
    packed: dict[str, PackedFile] = {}
    found = 0
    for sec, items in export.sections:
        for shown in items:
            if shown.item.file is None:
                continue
            content = read_held_file(shown.item.file)
            name = ""
            if content is not None:
                found += 1
                name = _zip_name(found, shown.item.file)
            packed[shown.item.key] = PackedFile(shown.item, sec, name, content)
    return packed


def _manifest(export: Export, packed: dict[str, PackedFile], documents: dict[str, bytes]) -> bytes:
    def checksum(name: str, content: bytes) -> dict:
        return {"file": name, "bytes": len(content), "sha256": hashlib.sha256(content).hexdigest()}

    data = {
        "status": DRAFT_BANNER if export.is_draft else "Final",
        "generated_at": export.generated_at.isoformat(),
        "pupil": export.request.pupil.legal_name,
        "export": [checksum(name, content) for name, content in documents.items()],
        "files": [
            {"item": key, "section": each.section.title, "title": each.item.title, **each.entry()}
            for key, each in packed.items()
        ],
        "items_withheld": export.withheld,
    }
    return json.dumps(data, indent=2, ensure_ascii=False).encode()


@dataclass(frozen=True)
class Package:
    content: bytes
    files: int  # files put in the ZIP
    missing: int  # files the records name but storage does not hold


def to_zip(export: Export) -> Package:
    """The PDF, the JSON, every file not withheld and the manifest, in one ZIP: one click gives all."""
    packed = pack_files(export)
    stem = filename_stem(export)
    documents = {f"{stem}.pdf": to_pdf(export, packed), f"{stem}.json": to_json(export, packed)}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in documents.items():
            archive.writestr(name, content)
        for each in packed.values():
            if each.content is not None:
                archive.writestr(each.name, each.content)
        archive.writestr(MANIFEST_NAME, _manifest(export, packed, documents))
    found = sum(1 for each in packed.values() if each.content is not None)
    return Package(buffer.getvalue(), files=found, missing=len(packed) - found)
