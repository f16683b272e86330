"""Backing up the private files (uploaded EHC plans, reports, letter PDFs) beside the database dump.

`archive_private_files(storage, archive)` writes every file in the private storage
(`school.private_files.private_storage()`, read through the Storage API, so another backend is backed
up the same way) into a tar.gz and returns its manifest: the number of files and the SHA-256 of each,
by name. The restore drill extracts the archive into a scratch folder, reads it back as a storage
(`FileSystemStorage(location=scratch)`) with the same `hashes_in`, and `compare_with_manifest` says
what differs, so a backup that lost or damaged a file fails the drill.

Worked example: a root holding `documents/plan.pdf` gives a manifest
`{"count": 1, "bytes": <size>, "files": {"documents/plan.pdf": "<sha-256>"}}`.
"""

from __future__ import annotations

import hashlib
import tarfile
from collections.abc import Iterator
from pathlib import Path

from django.core.files.storage import Storage

BLOCK = 1024 * 1024


def sha256_of(storage: Storage, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as handle:
        for block in iter(lambda: handle.read(BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def names_in(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file's name in the storage, folders first walked in name order."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # nothing was ever stored
        return
    prefix = f"{folder}/" if folder else ""
    for name in sorted(files):
        yield prefix + name
    for sub in sorted(folders):
        yield from names_in(storage, prefix + sub)


def hashes_in(storage: Storage) -> dict[str, str]:
    return {name: sha256_of(storage, name) for name in sorted(names_in(storage))}


def archive_private_files(storage: Storage, archive: Path) -> dict:
    files = hashes_in(storage)
    size = 0
    with tarfile.open(archive, "w:gz") as tar:
        for name in files:
            info = tarfile.TarInfo(name)
            info.size = storage.size(name)
            info.mtime = int(storage.get_modified_time(name).timestamp())
            with storage.open(name, "rb") as handle:
                tar.addfile(info, handle)
            size += info.size
    return {"count": len(files), "bytes": size, "files": files}


def extract(archive: Path, scratch: Path) -> None:
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(scratch, filter="data")  # no absolute paths, links out or devices


def compare_with_manifest(manifest: dict, restored: dict[str, str]) -> list[str]:
    """Every difference between what was backed up and what came back, in plain words.

    >>> compare_with_manifest({"count": 1, "files": {"a.pdf": "1"}}, {"a.pdf": "2"})
    ['a.pdf: contents differ']
    """
    expected = manifest["files"]
    problems = []
    if len(restored) != manifest["count"]:
        problems.append(f"{manifest['count']} files backed up, {len(restored)} restored")
    problems += [f"{name}: missing" for name in sorted(set(expected) - set(restored))]
    problems += [f"{name}: not in the backup" for name in sorted(set(restored) - set(expected))]
    problems += [
        f"{name}: contents differ"
        for name in sorted(set(expected) & set(restored))
        if expected[name] != restored[name]
    ]
    return problems
