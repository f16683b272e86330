"""SEND writes for outside agencies' involvement and uploaded documents.

Action codes: send.agency.*, send.document.*.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from school import audit
from school.models import Pupil
from school.private_files import delete_private_files, save_private_file

from .. import uploads
from ..models import AgencyInvolvement, SendDocument
from .common import save_audited, with_changes


@transaction.atomic
def agency_save(
    *,
    actor,
    pupil: Pupil,
    involvement: AgencyInvolvement | None = None,
    expected_version: int | None = None,
    **fields,
) -> AgencyInvolvement:
    involvement, before = with_changes(
        involvement,
        expected_version=expected_version,
        new=lambda: AgencyInvolvement(school=pupil.school, pupil=pupil),
        fields=fields,
    )
    action = "send.agency.changed" if before else "send.agency.created"
    return save_audited(actor=actor, instance=involvement, action=action, before=before)


def document_upload(
    *,
    actor,
    pupil: Pupil,
    uploaded_file,
    kind: str,
    title: str,
    confidential: bool,
    agency: AgencyInvolvement | None = None,
) -> SendDocument:
    """Check the file by content and size, store it in the private storage with a name we choose,
    then record it. If the database write fails the file is removed, so nothing is half-saved."""
    if uploaded_file.size is not None and uploaded_file.size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(
            {
                "file": f"The file is too large: the limit is "
                f"{settings.MAX_UPLOAD_BYTES // (1024 * 1024) or 1} MB."
            }
        )
    data = uploaded_file.read(settings.MAX_UPLOAD_BYTES + 1)
    try:
        checked = uploads.check_upload(uploaded_file.name, data, max_bytes=settings.MAX_UPLOAD_BYTES)
    except uploads.UploadRefused as exc:
        raise ValidationError({"file": str(exc)}) from None
    if agency is not None and agency.pupil_id != pupil.pk:
        raise ValidationError({"agency": "That involvement is for another pupil."})
    document = SendDocument(
        school=pupil.school,
        pupil=pupil,
        kind=kind,
        title=title,
        confidential=confidential,
        agency=agency,
        stored_name=f"{uuid.uuid4().hex}{checked.extension}",
        original_name=Path(uploaded_file.name).name[:255],
        content_type=checked.content_type,
        size=len(data),
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    document.full_clean()
    save_private_file(document.private_file_name(), data)
    try:
        with transaction.atomic():
            document.save()
            audit.record(
                actor=actor, action="send.document.uploaded", obj=document, after=audit.snapshot(document)
            )
    except Exception:
        delete_private_files([document.private_file_name()])
        raise
    return document
