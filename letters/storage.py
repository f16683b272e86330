"""Where a letter's PDF lives: PRIVATE_MEDIA_ROOT/letters/<school id>/<stored name>, never public."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings


def new_stored_name() -> str:
    """A random, unguessable file name (the database row, not the name, grants access)."""
    return f"{secrets.token_hex(16)}.pdf"


def letter_path(letter) -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / "letters" / str(letter.school_id) / letter.stored_name


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file, then rename: a reader never sees half a PDF."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
