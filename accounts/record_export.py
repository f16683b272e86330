"""The export of everything held about a pupil, for a request for records: a PDF to read and a JSON
file for machines, zipped together.

The content comes from the registry in `school.record_sections`: each app's `record_section.py`
describes its own records, found here by module name, so accounts imports no app but school (and the
one PDF renderer, `letters.rendering`, which imports nothing of ours; letters never imports accounts,
so the imports stay acyclic).

Items that may have to be withheld (safeguarding, confidential documents, other people's
information) are flagged. Until the reviewer has decided every flagged item, the export is a draft:
it shows every item with the reviewer's notes, marks the undecided ones, and says "DRAFT — contains
items to review" on every page and in the JSON. Once all are decided, the export is final: withheld
items, and audit rows about them, are left out and only their number is given; no review notes.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from letters.rendering import render_pdf
from school.record_sections import Item, Section, sections_for

DRAFT_BANNER = "DRAFT — contains items to review"
RELEASE, WITHHOLD = "release", "withhold"


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


def to_json(export: Export) -> bytes:
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


def to_pdf(export: Export) -> bytes:
    return render_pdf(
        "accounts/pdf/record_export.html",
        {"export": export, "school": export.request.school, "banner": DRAFT_BANNER},
    )


def filename_stem(export: Export) -> str:
    kind = "draft" if export.is_draft else "final"
    return f"records-request-{export.request.pk}-{kind}-{export.generated_at:%Y%m%d}"


def to_zip(export: Export) -> bytes:
    """The PDF and the JSON in one file: one click gives both."""
    buffer = io.BytesIO()
    stem = filename_stem(export)
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{stem}.pdf", to_pdf(export))
        archive.writestr(f"{stem}.json", to_json(export))
    return buffer.getvalue()
