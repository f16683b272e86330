"""What a document upload may be: PDF, Word (.docx), JPEG or PNG, judged by content (pure).

The file's first bytes ("magic numbers") decide its type, and the name's extension must agree, so a
renamed executable or an HTML page called report.pdf is refused. A .docx is a ZIP holding
word/document.xml; any other ZIP is refused.

    >>> detect_type(b"%PDF-1.7\\n...")
    'pdf'
    >>> check_upload("scan.png", b"%PDF-1.7\\n", max_bytes=100)
    Traceback (most recent call last):
    ...
    send.uploads.UploadRefused: The file is a PDF but its name ends in .png. Rename it or choose the right file.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

KINDS = {
    "pdf": ("application/pdf", {".pdf"}, "PDF"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        {".docx"},
        "Word document",
    ),
    "jpeg": ("image/jpeg", {".jpg", ".jpeg"}, "JPEG image"),
    "png": ("image/png", {".png"}, "PNG image"),
}


class UploadRefused(ValueError):
    pass


@dataclass(frozen=True)
class CheckedUpload:
    kind: str
    content_type: str
    extension: str


def detect_type(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return "docx"
        except zipfile.BadZipFile:
            return None
    return None


def check_upload(name: str, data: bytes, *, max_bytes: int) -> CheckedUpload:
    if not data:
        raise UploadRefused("The file is empty.")
    if len(data) > max_bytes:
        raise UploadRefused(f"The file is too large: the limit is {max_bytes // (1024 * 1024) or 1} MB.")
    kind = detect_type(data)
    if kind is None:
        raise UploadRefused("Only PDF, Word (.docx), JPEG and PNG files can be uploaded.")
    content_type, extensions, label = KINDS[kind]
    extension = PurePath(name or "").suffix.lower()
    if extension not in extensions:
        raise UploadRefused(
            f"The file is a {label} but its name ends in {extension or 'nothing'}. "
            "Rename it or choose the right file."
        )
    return CheckedUpload(kind=kind, content_type=content_type, extension=extension)
