import json
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.file_backup import archive_private_files
from school.private_files import private_storage

from ._postgres import require_postgres, table_names, tool_args


class Command(BaseCommand):
    help = (
        "Dump the database (pg_dump -Fc) into a folder, with the row count of every table at that moment, "
        "and the private files (the private storage) beside it as a tar.gz with a SHA-256 per file."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", default="backups", help="Folder for the dump (created if missing)")

    def handle(self, *args, **options):
        require_postgres()
        folder = Path(options["to"])
        folder.mkdir(parents=True, exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        dump = folder / f"{connection.settings_dict['NAME']}-{stamp}.dump"
        # One snapshot for the counts and the dump, so the drill compares like with like even while
        # people keep working.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                counts = {}
                for table in table_names():
                    cursor.execute(f'SELECT count(*) FROM "{table}"')
                    counts[table] = cursor.fetchone()[0]
            args, env = tool_args()
            result = subprocess.run(
                ["pg_dump", "-Fc", "--no-owner", f"--snapshot={snapshot}", *args, "-f", str(dump)],
                env=env,
                capture_output=True,
                text=True,
            )
        if result.returncode != 0:
            dump.unlink(missing_ok=True)
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        Path(f"{dump}.counts.json").write_text(json.dumps(counts, indent=1, sort_keys=True))
        # Uploaded EHC plans, reports and letter PDFs live on disk, not in the database.
        manifest = archive_private_files(private_storage(), Path(f"{dump}.files.tar.gz"))
        Path(f"{dump}.files.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
        self.stdout.write(
            f"Backed up {len(counts)} tables, {sum(counts.values())} rows, to {dump}; "
            f"{manifest['count']} private files to {dump}.files.tar.gz"
        )
