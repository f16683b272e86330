"""`make backup` and `make restore-drill` on PostgreSQL: the dump restores with every row."""

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


def test_backup_then_restore_drill(tmp_path, pupil, headteacher, capsys):
    call_command("backup_database", to=str(tmp_path))
    dumps = list(tmp_path.glob("*.dump"))
    assert len(dumps) == 1 and dumps[0].stat().st_size > 0
    call_command("restore_drill", folder=str(tmp_path))
    out = capsys.readouterr().out
    assert "Restore drill passed" in out
    assert "school_pupil: 1 rows backed up, 1 restored" in out


def test_drill_fails_when_the_dump_lacks_rows(tmp_path, pupil):
    call_command("backup_database", to=str(tmp_path))
    counts = next(tmp_path.glob("*.counts.json"))
    counts.write_text(counts.read_text().replace('"school_pupil": 1', '"school_pupil": 2'))
    with pytest.raises(CommandError, match="FAILED"):
        call_command("restore_drill", folder=str(tmp_path))
