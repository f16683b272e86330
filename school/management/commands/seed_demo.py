"""Build the fictional demo school, then let each later app add its own demo data.

Apps are visited in INSTALLED_APPS order; an app takes part by having a `demo.py` with
`build(*, school, rng, today)`. School imports none of them statically (importlib), so the one-way
import rule holds. Each app gets its own `random.Random` derived from the seed and the app label, so
adding demo data to one app never changes another's.
"""

import importlib
import random
import time
from datetime import date

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from school import demo
from school.models import School


def later_app_builders():
    """(label, build) for every installed app after `school` that has a demo module."""
    configs = list(apps.get_app_configs())
    labels = [config.label for config in configs]
    builders = []
    for config in configs[labels.index("school") + 1 :]:
        module_name = f"{config.name}.demo"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name == module_name:
                continue  # this app has no demo data (yet)
            raise
        builders.append((config.label, module.build))
    return builders


class Command(BaseCommand):
    help = "Create the fictional demo school Larkfield Primary (safe to run twice)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="Same seed, same school (default 2026).")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if the database already holds any school."
        )
        parser.add_argument(
            "--today", type=date.fromisoformat, help="Build as if today were this date (YYYY-MM-DD)."
        )

    def handle(self, *args, seed, if_empty, today, **options):
        today = today or timezone.localdate()
        if if_empty and School.objects.exists():
            self.stdout.write("The database already holds a school; no demo data added.")
            return
        if demo.demo_school() is not None:
            self.stdout.write(f"{demo.DEMO_SCHOOL} already exists; nothing changed.")
            return
        started = time.monotonic()
        try:
            with transaction.atomic():
                school = demo.build_school(seed=seed, today=today)
                for label, build in later_app_builders():
                    build(school=school, rng=random.Random(f"{seed}:{label}"), today=today)
                    self.stdout.write(f"  added {label} demo data")
        except Exception as error:  # nothing is half-built: the transaction rolled back
            raise CommandError(f"Demo data could not be built; nothing was saved. {error}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Built {demo.DEMO_SCHOOL} (seed {seed}) with {school.pupils.count()} pupils "
                f"in {time.monotonic() - started:.1f}s."
            )
        )
