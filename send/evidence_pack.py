"""Making an evidence pack's PDF (the task send.tasks.render_evidence_pack runs `evidence_pack_render`).

One chronological PDF: a contents page, the pupil passport, the reviewed assess-plan-do-review cycles
in date order, provision with costs, attendance figures and chart, then outside agencies' reports. The
pages are drawn by the shared renderer (letters/rendering.py: autoescaped template, no URL fetched);
agency reports that are PDFs are appended after them with letters/pdf_merge.py, and the contents page
gives the page each one starts on. A report that is not a PDF, or a PDF that is damaged or protected by
a password, is listed by name as not attached, so the reader knows it exists and asks for it.

The drawn pages are rendered twice: the first time to learn how many there are, so the contents page
can give the page on which each appended report starts and the footer the pack's whole length.

Safe to run twice or concurrently, like letters.services.letter_render: only a pending pack is made,
the file's name is fixed when the pack is written (a second run replaces the same file, never adds one)
and the move to ready or failed is a conditional UPDATE, so exactly one run records it. A failure
marks the pack failed with the error and returns; it does not raise. What goes in, and why confidential
documents may be left out: docs/rules.md section 5.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from io import BytesIO

from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from pypdf import PdfReader

from letters.pdf_merge import merge_pdfs
from letters.rendering import html_to_pdf
from school.private_files import private_storage, read_private_file, save_private_file

from .background_pdfs import background_pdf_finish
from .models import SendDocument, SendRecord
from .models_evidence import EvidencePack
from .selectors_evidence import evidence_contents

logger = logging.getLogger(__name__)

TEMPLATE = "send/pdf/evidence_pack.html"
#: A page count that still moves after this many renders is left as the last render gave it.
MAX_RENDERS = 3


@dataclass
class Attachment:
    """An agency report in the pack: appended (pages > 0, from first_page on) or listed with why not."""

    document: SendDocument
    pages: int = 0
    problem: str = ""
    first_page: int | None = None


def _attachment(document: SendDocument) -> Attachment:
    if document.content_type != "application/pdf":
        return Attachment(document, problem="it is not a PDF")
    data = read_private_file(document.private_file_name())
    if data is None:
        return Attachment(document, problem="the file is missing")
    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted:
            return Attachment(document, problem="it is protected by a password")
        pages = len(reader.pages)
    except Exception:  # pypdf raises many kinds of error for a damaged file
        return Attachment(document, problem="the file is damaged")
    if not pages:
        return Attachment(document, problem="it has no pages")
    return Attachment(document, pages=pages)


def _page_count(pdf: bytes) -> int:
    return len(PdfReader(BytesIO(pdf)).pages)


def pack_context(pack: EvidencePack) -> dict:
    """What the template prints, with each agency report's attachment state (no page numbers yet)."""
    pupil = pack.pupil
    contents = evidence_contents(
        pupil=pupil, include_confidential=pack.include_confidential, today=timezone.localdate()
    )
    return {
        **contents,
        "pack": pack,
        "school": pack.school,
        "assessment": pack.assessment,
        "record": SendRecord.objects.filter(pupil=pupil).first(),
        "requested_by": pack.requested_by,
        "made_on": timezone.localdate(),
        "attachments": [_attachment(document) for document in contents["documents"]],
    }


def pack_pdf(pack: EvidencePack, out) -> int:
    """Write the pack's whole PDF to the open binary file `out`; returns its number of pages."""
    context = pack_context(pack)
    attached = [a for a in context["attachments"] if a.pages]
    drawn = _page_count(html_to_pdf(render_to_string(TEMPLATE, {**context, "total_pages": None})))
    for _ in range(MAX_RENDERS):
        start = drawn + 1
        for attachment in attached:
            attachment.first_page, start = start, start + attachment.pages
        pdf = html_to_pdf(render_to_string(TEMPLATE, {**context, "total_pages": start - 1}))
        if (pages := _page_count(pdf)) == drawn:
            break
        drawn = pages  # the page numbers changed the length of the drawn pages: number them again
    storage = private_storage()
    sources = [BytesIO(pdf)] + [storage.open(a.document.private_file_name(), "rb") for a in attached]
    try:
        return merge_pdfs(sources, out)
    finally:
        for source in sources:
            source.close()


def evidence_pack_render(*, pack_id: int) -> str:
    """Make a pending pack's PDF and mark it ready (or failed); returns the pack's status afterwards."""
    pack = (
        EvidencePack.objects.select_related("school", "pupil__school", "assessment", "requested_by")
        .filter(pk=pack_id)
        .first()
    )
    if pack is None:
        return "missing"
    if pack.status != "pending":
        return pack.status
    EvidencePack.objects.filter(pk=pack_id).update(attempts=F("attempts") + 1)
    try:
        with tempfile.TemporaryFile() as out:
            pages = pack_pdf(pack, out)
            out.seek(0)
            save_private_file(pack.private_file_name(), out)
    except Exception as exc:  # a broken pack is recorded as failed; the task does not raise
        logger.exception("Evidence pack %s could not be made", pack_id)
        background_pdf_finish(
            pack, to="failed", action="send.evidence_pack.failed", error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        return "failed"
    background_pdf_finish(
        pack, to="ready", action="send.evidence_pack.ready", ready_at=timezone.now(), pages=pages, error=""
    )
    return "ready"
