"""Backing up the private files (uploaded EHC plans, reports, letter PDFs) beside the database dump.

`archive_private_files(root, archive)` writes every file under PRIVATE_MEDIA_ROOT into a tar.gz and
returns its manifest: the number of files and the SHA-256 of each, by path. The restore drill
extracts the archive into a scratch folder and `compare_with_manifest` says what differs, so a
backup that lost or damaged a file fails the drill.

Worked example: a root holding `documents/plan.pdf` gives a manifest
`{"count": 1, "bytes": <size>, "files": {"documents/plan.pdf": "<sha-256>"}}`.
"""

from __future__ import annotations

import hashlib
import tarfile
from pathlib import Path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def hashes_under(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): sha256_of(path)
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


def archive_private_files(root: Path, archive: Path) -> dict:
    files = hashes_under(root)
    with tarfile.open(archive, "w:gz") as tar:
        for name in files:
            tar.add(root / name, arcname=name, recursive=False)
    size = sum((root / name).stat().st_size for name in files)
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
