"""`make backup` and `make restore-drill` on PostgreSQL: the dump restores with every row, and the
private files (uploaded EHC plans, reports) are backed up beside it and compared file by file."""

import json
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tests.conftest import IN_CI

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def needs_postgres(transactional_db):
    if connection.vendor != "postgresql":
        if IN_CI:
            pytest.fail("CI must run this against PostgreSQL (DATABASE_URL).")
        pytest.skip("Needs PostgreSQL: set DATABASE_URL=postgres://...")


@pytest.fixture
def private_files(tmp_path, settings):
    root = tmp_path / "private_media"
    (root / "documents" / "2026").mkdir(parents=True)
    (root / "documents" / "2026" / "ehc-plan.pdf").write_bytes(b"%PDF-1.7 the EHC plan")
    (root / "letters").mkdir()
    (root / "letters" / "views-request.pdf").write_bytes(b"%PDF-1.7 a letter")
    settings.PRIVATE_MEDIA_ROOT = root
    return root


@pytest.fixture
def backups(tmp_path):
    return tmp_path / "backups"


def test_backup_then_restore_drill(backups, private_files, pupil, headteacher, capsys):
    call_command("backup_database", to=str(backups))
    dumps = list(backups.glob("*.dump"))
    assert len(dumps) == 1 and dumps[0].stat().st_size > 0
    assert "2 private files" in capsys.readouterr().out
    with tarfile.open(f"{dumps[0]}.files.tar.gz") as tar:
        assert sorted(tar.getnames()) == ["documents/2026/ehc-plan.pdf", "letters/views-request.pdf"]
        assert tar.extractfile("documents/2026/ehc-plan.pdf").read() == b"%PDF-1.7 the EHC plan"
    manifest = json.loads(Path(f"{dumps[0]}.files.json").read_text())
    assert manifest["count"] == 2 and len(manifest["files"]["letters/views-request.pdf"]) == 64
    call_command("restore_drill", folder=str(backups))
    out = capsys.readouterr().out
    assert "Restore drill passed" in out
    assert "school_pupil: 1 rows backed up, 1 restored" in out
    assert "private files: 2 backed up, 2 restored" in out and "2 private files match" in out


def test_drill_fails_when_a_private_file_is_missing_or_damaged(backups, private_files, pupil, capsys):
    call_command("backup_database", to=str(backups))
    manifest_path = next(backups.glob("*.files.json"))
    manifest = json.loads(manifest_path.read_text())
    manifest["count"] = 3
    manifest["files"]["documents/2026/annual-review.pdf"] = "0" * 64
    manifest["files"]["letters/views-request.pdf"] = "f" * 64
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="FAILED.*3 private-file problem"):
        call_command("restore_drill", folder=str(backups))
    err = capsys.readouterr().err
    assert "3 files backed up, 2 restored" in err
    assert "documents/2026/annual-review.pdf: missing" in err
    assert "letters/views-request.pdf: contents differ" in err


def test_drill_fails_for_a_backup_without_private_files(backups, private_files, pupil):
    call_command("backup_database", to=str(backups))
    next(backups.glob("*.files.tar.gz")).unlink()
    with pytest.raises(CommandError, match="FAILED"):
        call_command("restore_drill", folder=str(backups))


def test_drill_fails_when_the_dump_lacks_rows(backups, private_files, pupil):
    call_command("backup_database", to=str(backups))
    counts = next(backups.glob("*.counts.json"))
    counts.write_text(counts.read_text().replace('"school_pupil": 1', '"school_pupil": 2'))
    with pytest.raises(CommandError, match="FAILED"):
        call_command("restore_drill", folder=str(backups))
