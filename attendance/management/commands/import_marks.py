"""manage.py import_marks FILE.csv [--school S]: all-or-nothing import of register marks."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from attendance import transfer
from school.management.school_option import add_school_option, find_school


class Command(BaseCommand):
    help = (
        "Import register marks (upn,date,session,code,minutes_late) from a UTF-8 or Windows-1252 CSV. "
        "Nothing is saved unless every row is valid."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        add_school_option(parser)

    def _progress(self, verb: str, what: str):
        """A line on standard error every few thousand rows, so a large file is not silent for seconds."""

        def report(done: int, total: int) -> None:
            if total >= transfer.PROGRESS_EVERY:
                self.stderr.write(f"{verb} {done:,} of {total:,} {what}")

        return report

    def handle(self, *args, **options):
        school = find_school(options["school"])
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        try:
            rows = transfer.read_marks_csv(
                transfer.decode_marks_file(data), school=school, progress=self._progress("Checked", "rows")
            )
        except transfer.ImportRefused as exc:
            for number, message in exc.errors:
                self.stderr.write(f"row {number}: {message}")
            raise CommandError(
                ngettext(
                    "Nothing imported: %d row has problems.",
                    "Nothing imported: %d rows have problems.",
                    len(exc.errors),
                )
                % len(exc.errors)
            ) from exc
        result = transfer.marks_import(
            actor=None, school=school, rows=rows, progress=self._progress("Saved", "new marks")
        )
        for note in [*result.conversion_notes(), *result.skipped_notes()]:
            self.stdout.write(note)
        self.stdout.write(
            ngettext("Imported %d row", "Imported %d rows", len(rows))
            % len(rows)
            + f" into {school}: {result.recorded} new, {result.amended} changed, "
            f"{result.unchanged} unchanged."
        )
