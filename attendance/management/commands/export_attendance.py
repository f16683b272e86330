"""manage.py export_attendance [--school S] [--from D] [--to D]: pupil summaries as CSV on stdout."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from attendance import statistics, transfer
from school.calendar import SchoolCalendar
from school.management.school_option import add_school_option, find_school
from school.models import Pupil


def _date(value):
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date (use YYYY-MM-DD).") from exc


class Command(BaseCommand):
    help = "Write one CSV row per pupil (DfE figures) to standard output. Default: academic year to date."

    def add_arguments(self, parser):
        add_school_option(parser)
        parser.add_argument("--from", dest="start", help="First day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", help="Last day, YYYY-MM-DD")

    def handle(self, *args, **options):
        school = find_school(options["school"])
        calendar = SchoolCalendar.for_school(school)
        default_start, default_end = statistics.default_range(calendar, timezone.localdate())
        start = _date(options["start"]) if options["start"] else default_start
        end = _date(options["end"]) if options["end"] else default_end
        if end < start:
            raise CommandError("--to must be on or after --from.")
        pupils = Pupil.objects.filter(school=school, admission_date__lte=end).filter(
            Q(leaving_date__isnull=True) | Q(leaving_date__gte=start)
        )
        transfer.write_csv(transfer.export_rows(pupils, start, end, calendar=calendar), self.stdout)
