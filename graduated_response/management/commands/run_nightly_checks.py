"""manage.py run_nightly_checks [--date YYYY-MM-DD] [--school S]: the nightly checks, synchronously,
through the same service as the Celery task. Re-running the last successful night is safe (nothing is
duplicated). A night after today, or before the school's last successful night, is refused: checking
an old night again would close cases the later nights kept open (there is no replay)."""

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import ngettext

from graduated_response.nightly import NightlyRefused, nightly_checks_run, nightly_refusal
from school.management.school_option import add_school_option, find_school
from school.models import School


class Command(BaseCommand):
    help = (
        "Run the graduated response nightly checks now (default: for yesterday, every school). "
        "Nights are only checked forwards: a date after today, or before a school's last successful "
        "night, is refused with the last successful night named (old nights are not replayed)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="The day to check, YYYY-MM-DD (default: yesterday). Not after today, and not before the "
            "school's last successful night (refused: re-checking an old night would rewrite history).",
        )
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
        future = nightly_refusal(on=on, today=timezone.localdate(), last_success=None)
        if future:  # the same for every school: say it once
            raise CommandError(future)
        schools = School.objects.order_by("pk")
        if options["school"]:
            schools = schools.filter(pk=find_school(options["school"]).pk)
        failed = refused = 0
        for school in schools:
            try:
                run = nightly_checks_run(school=school, on=on, force=True)
            except NightlyRefused as exc:
                refused += 1
                self.stderr.write(f"{school.name}: refused. {exc}")
                continue
            failed += run.status != run.Status.SUCCEEDED
            self.stdout.write(
                f"{school.name}: {run.get_status_display()}; {run.pupils_evaluated} pupils judged, "
                f"{run.cases_opened} opened, {run.escalated} escalated, {run.stepped_down} stepped down, "
                f"{run.cases_closed} closed, {run.alerts} alerts"
                + (f"; error: {run.errors}" if run.errors else "")
            )
        if refused:
            raise CommandError(
                ngettext("%d school refused", "%d schools refused", refused) % refused
                + f" the night of {on:%-d %B %Y}; see above."
            )
        if failed:
            raise CommandError(
                ngettext("%d school failed", "%d schools failed", failed) % failed + "; see the errors above."
            )
