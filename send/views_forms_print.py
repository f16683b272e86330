"""Putting a bulk views request's printed forms into one PDF (the task send.tasks.render_views_forms
runs `views_forms_render`). Each form is a letters.Letter drawn by the letters rendering
(letters.services.letter_render: autoescaped, no URL fetched; idempotent); the PDFs are then merged in
order with letters/pdf_merge.py. Safe to run twice or concurrently, like send/evidence_pack.py: only a
pending print is made and the move to ready or failed is a conditional UPDATE. It does not raise.
"""

from __future__ import annotations

import logging
import tempfile

from django.db.models import F
from django.utils import timezone

from letters.models import Letter
from letters.pdf_merge import merge_pdfs
from letters.services import letter_render
from school.private_files import private_storage, save_private_file

from .background_pdfs import background_pdf_finish
from .models_views_forms import ViewsFormsPrint

logger = logging.getLogger(__name__)


def views_forms_render(*, print_id: int) -> str:
    """Make a pending print's PDF and mark it ready (or failed); returns its status afterwards."""
    print_ = ViewsFormsPrint.objects.filter(pk=print_id).first()
    if print_ is None:
        return "missing"
    if print_.status != "pending":
        return print_.status
    ViewsFormsPrint.objects.filter(pk=print_id).update(attempts=F("attempts") + 1)
    letters = list(print_.letters.order_by("pupil__legal_last_name", "pupil__legal_first_name", "pk"))
    try:
        for letter in letters:
            if letter_render(letter_id=letter.pk) != Letter.Status.RENDERED:
                raise RuntimeError(f"The form for {letter.recipient_name or 'a pupil'} could not be drawn.")
        storage = private_storage()
        sources = [storage.open(letter.private_file_name(), "rb") for letter in letters]
        try:
            with tempfile.TemporaryFile() as out:
                pages = merge_pdfs(sources, out)
                out.seek(0)
                save_private_file(print_.private_file_name(), out)
        finally:
            for source in sources:
                source.close()
    except Exception as exc:  # recorded as failed; the task does not raise
        logger.exception("Views forms print %s could not be made", print_id)
        background_pdf_finish(
            print_, to="failed", action="send.views_forms.failed", error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        return "failed"
    background_pdf_finish(
        print_, to="ready", action="send.views_forms.ready", ready_at=timezone.now(), pages=pages, error=""
    )
    return "ready"
