"""manage.py run_nightly_checks [--date YYYY-MM-DD] [--school S]: the nightly checks, synchronously,
through the same service as the Celery task. Re-running a night is safe (nothing is duplicated)."""

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from graduated_response.nightly import nightly_checks_run
from school.management.school_option import add_school_option, find_school
from school.models import School


class Command(BaseCommand):
    help = "Run the graduated response nightly checks now (default: for yesterday, every school)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The day to check, YYYY-MM-DD (default: yesterday).")
        add_school_option(parser, help="Only this school: its id, URN or name (default: every school).")

    def handle(self, *args, **options):
        try:
            on = (
                date.fromisoformat(options["date"])
                if options["date"]
                else timezone.localdate() - timedelta(days=1)
            )
        except ValueError as exc:
            raise CommandError("--date must look like 2026-11-20") from exc
        schools = School.objects.order_by("pk")
        if options["school"]:
            schools = schools.filter(pk=find_school(options["school"]).pk)
        failed = 0
        for school in schools:
            run = nightly_checks_run(school=school, on=on, force=True)
            failed += run.status != run.Status.SUCCEEDED
            self.stdout.write(
                f"{school.name}: {run.get_status_display()}; {run.pupils_evaluated} pupils judged, "
                f"{run.cases_opened} opened, {run.escalated} escalated, {run.stepped_down} stepped down, "
                f"{run.cases_closed} closed, {run.alerts} alerts"
                + (f"; error: {run.errors}" if run.errors else "")
            )
        if failed:
            raise CommandError(f"{failed} school(s) failed; see the errors above.")
