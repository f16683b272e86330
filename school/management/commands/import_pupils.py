from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from school.management.school_option import add_school_option, find_school
from school.services import pupil_import


class Command(BaseCommand):
    help = "Import pupils and contacts from a CSV exported from the school's MIS (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        add_school_option(parser)
        parser.add_argument("--create-classes", action="store_true", help="Create classes the file names.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; import nothing."
        )

    def handle(self, *args, file, school, create_classes, dry_run, **options):
        target = find_school(school)
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        result = pupil_import(
            actor=None, school=target, data=data, create_classes=create_classes, dry_run=dry_run
        )
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(
                ngettext(
                    "Nothing was imported: %d problem to fix.",
                    "Nothing was imported: %d problems to fix.",
                    len(result.errors),
                )
                % len(result.errors)
            )
        verb = "Imported" if result.applied else "Checked (nothing imported)"
        self.stdout.write(
            f"{verb} into {target}: pupils {result.pupils_created} new, {result.pupils_changed} changed, "
            f"{result.pupils_unchanged} unchanged; contacts {result.contacts_created} new, "
            f"{result.contacts_changed} changed; links {result.links_created} new, {result.links_changed} changed."
        )
        if result.classes_created:
            self.stdout.write(f"New classes: {', '.join(result.classes_created)}")
        if result.ignored_columns:
            self.stdout.write(f"Columns ignored: {', '.join(result.ignored_columns)}")
