import json
import subprocess
import tempfile
from pathlib import Path

import psycopg
from django.core.files.storage import FileSystemStorage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import ngettext

from accounts.file_backup import compare_with_manifest, extract, hashes_in

from ._postgres import require_postgres, tool_args

# Tables a school would miss first; the drill checks every table, and names these in its summary.
KEY_TABLES = ["school_pupil", "school_auditentry", "attendance_registermark", "school_membership"]


class Command(BaseCommand):
    help = (
        "Restore the newest dump into a scratch database and check that every table has the row count "
        "recorded at backup time, and extract its private files into a scratch folder and check their "
        "number and SHA-256 hashes. Fails (exit 1) on any difference."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="folder", default="backups")
        parser.add_argument("--keep", action="store_true", help="Keep the scratch database afterwards")

    def handle(self, *args, **options):
        require_postgres()
        dumps = sorted(Path(options["folder"]).glob("*.dump"), key=lambda p: p.stat().st_mtime)
        if not dumps:
            raise CommandError(f"No backups in {options['folder']}/ (run `make backup` first).")
        dump = dumps[-1]
        expected = json.loads(Path(f"{dump}.counts.json").read_text())
        scratch = f"{connection.settings_dict['NAME']}_restore_drill"[:63]
        self._admin_sql(f'DROP DATABASE IF EXISTS "{scratch}"')
        self._admin_sql(f'CREATE DATABASE "{scratch}"')
        try:
            args, env = tool_args(scratch)
            result = subprocess.run(
                ["pg_restore", "--no-owner", "--exit-on-error", *args, str(dump)],
                env=env,
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                raise CommandError(f"pg_restore failed: {result.stderr.strip()}")
            restored = self._counts(scratch, list(expected))
        finally:
            if not options["keep"]:
                self._admin_sql(f'DROP DATABASE IF EXISTS "{scratch}"')
        differences = {t: (n, restored.get(t)) for t, n in expected.items() if restored.get(t) != n}
        file_problems, file_count = self._check_files(dump)
        for table in KEY_TABLES:
            if table in expected:
                self.stdout.write(
                    f"{table}: {expected[table]} rows backed up, {restored.get(table)} restored"
                )
        for table, (want, got) in sorted(differences.items()):
            self.stderr.write(f"MISMATCH {table}: backed up {want}, restored {got}")
        for problem in file_problems:
            self.stderr.write(f"MISMATCH private files: {problem}")
        if differences or file_problems:
            raise CommandError(
                f"Restore drill FAILED for {dump.name}: {len(differences)} tables differ, "
                + ngettext("%d private-file problem.", "%d private-file problems.", len(file_problems))
                % len(file_problems)
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Restore drill passed: {dump.name} restored, {len(expected)} tables, "
                f"{sum(expected.values())} rows match; {file_count} private files match."
            )
        )

    def _check_files(self, dump: Path) -> tuple[list[str], int]:
        """Extract the private files into a scratch folder and compare them with the manifest."""
        archive, manifest_path = Path(f"{dump}.files.tar.gz"), Path(f"{dump}.files.json")
        if not archive.exists() or not manifest_path.exists():
            return ["this backup has no private files archive (made before files were backed up?)"], 0
        manifest = json.loads(manifest_path.read_text())
        with tempfile.TemporaryDirectory(prefix="restore-drill-files-") as scratch:
            extract(archive, Path(scratch))
            restored = hashes_in(FileSystemStorage(location=scratch))
        self.stdout.write(f"private files: {manifest['count']} backed up, {len(restored)} restored")
        return compare_with_manifest(manifest, restored), len(restored)

    def _conninfo(self, database):
        s = connection.settings_dict
        return {
            "dbname": database,
            "host": s.get("HOST") or None,
            "port": s.get("PORT") or None,
            "user": s.get("USER") or None,
            "password": s.get("PASSWORD") or None,
        }

    def _admin_sql(self, sql):
        with psycopg.connect(**self._conninfo("postgres"), autocommit=True) as conn:
            conn.execute(sql)

    def _counts(self, database, tables):
        counts = {}
        with psycopg.connect(**self._conninfo(database)) as conn:
            for table in tables:
                try:
                    counts[table] = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                except psycopg.errors.UndefinedTable:
                    conn.rollback()
                    counts[table] = None
        return counts
