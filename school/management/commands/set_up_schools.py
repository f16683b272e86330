"""manage.py set_up_schools [--school S]: run every app's set-up steps for existing schools.

A school made through school_create is set up already; this is for a school created some other way
(a restored backup from before set-up steps existed, a row added by hand). Safe to run again."""

from django.core.management.base import BaseCommand

from school.management.school_option import add_school_option, find_school
from school.models import School
from school.school_setup import school_set_up


class Command(BaseCommand):
    help = "Create each school's defaults from every app (tier bands, checklists); changes nothing set up."

    def add_arguments(self, parser):
        add_school_option(parser, help="Only this school: its id, URN or name (default: every school).")

    def handle(self, *args, **options):
        schools = [find_school(options["school"])] if options["school"] else School.objects.order_by("pk")
        for school in schools:
            school_set_up(school)
            self.stdout.write(f"{school.name}: set up.")
