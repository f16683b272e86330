"""Private files (uploaded SEND documents, letter PDFs): where they are kept and how one is sent.

Every private file lives in the one storage `STORAGES["private"]` (config/settings.py): a
FileSystemStorage at PRIVATE_MEDIA_ROOT that no URL serves, so a storage from django-storages can
replace it by configuration alone. Everything that writes, reads, deletes or backs up a private file
goes through `private_storage()` and the Storage API (never a path), and a record names its file by
`private_file_name()`: its name inside that storage, such as ``send/<school id>/<random>.pdf``.

A file is sent only by `private_file_response`, after the view's policy checks: never cached, never
sniffed into another type, and with a file name that cannot break the header or disguise the file.

>>> download_name("report\\r\\nSet-Cookie: x.pdf")
'report Set-Cookie_ x.pdf'
>>> download_name("plan\\u202efdp.exe")
'planfdp.exe'
>>> download_name(" ../ ", fallback="letter.pdf")
'letter.pdf'
"""

from __future__ import annotations

import re
from typing import IO

from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage, storages
from django.http import FileResponse, Http404

from .text_input import strip_bidi_controls

ALIAS = "private"
_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|;]')


def private_storage() -> Storage:
    """Looked up on each call, so a test's settings override of STORAGES is followed."""
    return storages[ALIAS]


def save_private_file(name: str, data: bytes | IO[bytes]) -> None:
    """Write `data` (bytes, or an open binary file such as a merged PDF in a temporary file, which is
    copied in chunks) as `name`. Names are ours and random, so a file already there is an earlier try
    of this same write (a render retried after a crash) and is replaced."""
    storage = private_storage()
    if storage.exists(name):
        storage.delete(name)
    saved = storage.save(name, ContentFile(data) if isinstance(data, bytes) else File(data))
    if saved != name:
        # Another run of the same write finished between our delete and save: keep its file.
        storage.delete(saved)


def read_private_file(name: str) -> bytes | None:
    """The bytes of the private file `name`, or None when the storage no longer holds it."""
    try:
        with private_storage().open(name, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def delete_private_files(names) -> None:
    storage = private_storage()
    for name in names:
        storage.delete(name)  # a file already gone is not an error (Storage.delete is idempotent)


def download_name(name: str, *, fallback: str = "download") -> str:
    """A file name safe to offer in Content-Disposition: no control characters (a line break would
    end the header), no path or shell characters, no direction controls (which can make
    "plan<RLO>fdp.exe" display as "planexe.pdf")."""
    cleaned = _UNSAFE_IN_NAME.sub("_", strip_bidi_controls(name).replace("\r\n", " ").replace("\n", " "))
    cleaned = " ".join(cleaned.split()).strip(" ._")
    return cleaned[:150] or fallback


def private_file_response(
    name: str, *, filename: str, content_type: str, as_attachment: bool = True
) -> FileResponse:
    """Stream the private file `name`; a 404 if it is missing. Call only after the policy checks."""
    try:
        handle = private_storage().open(name, "rb")
    except FileNotFoundError:
        raise Http404("The file is missing.") from None
    response = FileResponse(
        handle,
        as_attachment=as_attachment,
        filename=download_name(filename),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
