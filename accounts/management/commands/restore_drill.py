import json
import subprocess
from pathlib import Path

import psycopg
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ._postgres import require_postgres, tool_args

# Tables a school would miss first; the drill checks every table, and names these in its summary.
KEY_TABLES = ["school_pupil", "school_auditentry", "attendance_registermark", "school_membership"]


class Command(BaseCommand):
    help = (
        "Restore the newest dump into a scratch database and check that every table has the row count "
        "recorded at backup time. Fails (exit 1) on any difference."
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
        for table in KEY_TABLES:
            if table in expected:
                self.stdout.write(
                    f"{table}: {expected[table]} rows backed up, {restored.get(table)} restored"
                )
        if differences:
            for table, (want, got) in sorted(differences.items()):
                self.stderr.write(f"MISMATCH {table}: backed up {want}, restored {got}")
            raise CommandError(f"Restore drill FAILED for {dump.name}: {len(differences)} tables differ.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Restore drill passed: {dump.name} restored, {len(expected)} tables, {sum(expected.values())} rows match."
            )
        )

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
