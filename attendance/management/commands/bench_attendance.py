"""manage.py bench_attendance: time the attendance hot paths on a school of 1,000 pupils.

Builds, in a separate throw-away database (``test_<name>`` beside DATABASE_URL's database, as the
test runner does), a school of 1,000 pupils in 33 classes (and one of 5) with a full 2025/26 year of marks (about
380,000), then prints timings and query counts for:

* saving a class register of 30 (new marks, then amending every mark): queries must not grow with the class;
* the whole-school statistics page;
* the persistent-absence list.

The goal (issue 3): on PostgreSQL each page renders in under 300 ms and under 20 queries. Speed
goals live here, never in timed tests. The bench database is dropped at the end.
"""

from __future__ import annotations

import random
import statistics as stats
import time
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings, setup_test_environment

PUPILS, CLASSES = 1000, 33
HALF_TERMS = [
    ("Autumn 1", date(2025, 9, 3), date(2025, 10, 24)),
    ("Autumn 2", date(2025, 11, 3), date(2025, 12, 19)),
    ("Spring 1", date(2026, 1, 5), date(2026, 2, 13)),
    ("Spring 2", date(2026, 2, 23), date(2026, 3, 27)),
    ("Summer 1", date(2026, 4, 13), date(2026, 5, 22)),
    ("Summer 2", date(2026, 6, 1), date(2026, 7, 22)),
]
TODAY = date(2026, 7, 22)
STATIC_STORAGE = "django.contrib.staticfiles.storage.StaticFilesStorage"


class Command(BaseCommand):
    help = "Benchmark register saving and attendance statistics on 1,000 pupils and ~380,000 marks."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=5, help="Timed runs of each page (default 5)")
        parser.add_argument(
            "--keepdb", action="store_true", help="Keep the bench database and reuse it next time"
        )

    def handle(self, *args, repeat, keepdb, **options):
        setup_test_environment()
        creation = connection.creation
        old_name = connection.settings_dict["NAME"]
        self.stdout.write(f"Creating the bench database on {connection.vendor}…")
        creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=keepdb)
        # Unhashed static URLs, as in tests: outside DEBUG the pages would otherwise need a
        # collectstatic manifest, which has nothing to do with what is timed here.
        storages = {**settings.STORAGES, "staticfiles": {"BACKEND": STATIC_STORAGE}}
        try:
            with override_settings(STORAGES=storages):
                self._run(repeat)
        finally:
            creation.destroy_test_db(old_name, verbosity=0, keepdb=keepdb)

    def _run(self, repeat):
        started = time.perf_counter()
        world = _existing_world()
        verb = "Reused"
        if world is None:
            world, verb = _build_world(), "Built"
        self.stdout.write(
            f"{verb} {world['pupils']:,} pupils and {world['marks']:,} marks in {time.perf_counter() - started:.1f}s"
        )
        self._bench_register(world)
        client = _signed_in_client(world["head"])
        period = "?start=2025-09-03&end=2026-07-22"
        for label, url in (
            ("whole-school statistics", "/attendance/overview/" + period),
            ("persistent-absence list", "/attendance/absence-lists/" + period),
            ("cohort comparison", "/attendance/cohorts/" + period),
        ):
            # Requests as over HTTPS: outside DEBUG the settings redirect plain HTTP (301) to HTTPS.
            client.get(url, secure=True)  # warm caches and connections
            timings, queries = [], 0
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as ctx:
                    t0 = time.perf_counter()
                    response = client.get(url, secure=True)
                    timings.append((time.perf_counter() - t0) * 1000)
                queries = len(ctx)
                assert response.status_code == 200, response.status_code
            self.stdout.write(
                f"{label:<28} median {stats.median(timings):7.1f} ms  best {min(timings):7.1f} ms  "
                f"{queries} queries"
            )

    def _bench_register(self, world):
        from attendance.services import RegisterEntry, register_save

        for size in (5, 30):
            cls, pupils = world["classes"][size]
            entries = [RegisterEntry(p.pk, "/") for p in pupils]
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                register_save(
                    actor=world["office"],
                    school=world["school"],
                    registration_class=cls,
                    date=TODAY,
                    session="PM",
                    entries=entries,
                    expected_versions={},
                    today=TODAY,
                )
                elapsed = (time.perf_counter() - t0) * 1000
            self.stdout.write(f"save register of {size:>2} (new)      {elapsed:7.1f} ms  {len(ctx)} queries")
            versions = {p.pk: 1 for p in pupils}
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                register_save(
                    actor=world["office"],
                    school=world["school"],
                    registration_class=cls,
                    date=TODAY,
                    session="PM",
                    entries=[RegisterEntry(p.pk, "I") for p in pupils],
                    expected_versions=versions,
                    reason="bench",
                    today=TODAY,
                )
                elapsed = (time.perf_counter() - t0) * 1000
            self.stdout.write(f"save register of {size:>2} (amend)    {elapsed:7.1f} ms  {len(ctx)} queries")


def _existing_world():
    """The world of an earlier run kept with --keepdb, with this run's register marks removed."""
    from attendance.models import MarkAmendment, RegisterMark
    from school.models import Pupil, RegistrationClass, School

    school = School.objects.filter(name="Bench Primary").first()
    if school is None:
        return None
    MarkAmendment.objects.filter(mark__school=school, mark__date=TODAY, mark__session="PM").delete()
    RegisterMark.objects.filter(school=school, date=TODAY, session="PM").delete()
    small = RegistrationClass.objects.get(school=school, name="Small")
    first = RegistrationClass.objects.get(school=school, name="Class 1")
    return {
        "school": school,
        "head": school.memberships.get(role="headteacher").user,
        "office": school.memberships.get(role="office_staff").user,
        "pupils": Pupil.objects.filter(school=school).count(),
        "marks": RegisterMark.objects.filter(school=school).count(),
        "classes": {5: (small, list(small.pupils.all())), 30: (first, list(first.pupils.all()[:30]))},
    }


def _build_world():
    from django.contrib.auth import get_user_model

    from attendance.models import RegisterMark
    from school.calendar import SchoolCalendar
    from school.class_membership import sync_memberships
    from school.models import (
        AcademicYear,
        Membership,
        Pupil,
        RegistrationClass,
        Role,
        TermPeriod,
        Trust,
    )
    from school.services import school_create
    from school.upn import check_letter

    rng = random.Random(2026)
    trust = Trust.objects.create(name="Bench Trust")
    school = school_create(actor=None, trust=trust, name="Bench Primary")
    year = AcademicYear.objects.create(
        school=school, name="2025/26", start_date=date(2025, 9, 1), end_date=date(2026, 8, 31)
    )
    TermPeriod.objects.bulk_create(
        TermPeriod(academic_year=year, name=n, start_date=s, end_date=e) for n, s, e in HALF_TERMS
    )
    User = get_user_model()
    head = User.objects.create(username="bench-head")
    office = User.objects.create(username="bench-office")
    Membership.objects.create(user=head, school=school, role=Role.HEADTEACHER)
    Membership.objects.create(user=office, school=school, role=Role.OFFICE_STAFF)
    classes = RegistrationClass.objects.bulk_create(
        RegistrationClass(school=school, name=f"Class {i + 1}", year_group=i % 7) for i in range(CLASSES)
    )
    small = RegistrationClass.objects.create(school=school, name="Small", year_group=3)
    pupils = []
    for i in range(PUPILS):
        body = f"999{3000 + i // 1000:04d}25{i % 1000:03d}"
        cls = classes[i % CLASSES] if i >= 5 else small
        pupils.append(
            Pupil(
                school=school,
                upn=check_letter(body) + body,
                legal_first_name=f"Pupil{i}",
                legal_last_name=f"Bench{i:04d}",
                date_of_birth=date(2018, 1, 1),
                sex="F" if i % 2 else "M",
                year_group=cls.year_group,
                registration_class=cls,
                admission_date=date(2025, 9, 1),
                sen_provision=rng.choice("NNNNNNNKKE"),
                pupil_premium=rng.random() < 0.25,
                free_school_meals=rng.random() < 0.2,
                eal=rng.random() < 0.15,
            )
        )
    pupils = Pupil.objects.bulk_create(pupils)
    sync_memberships(pupils)
    calendar = SchoolCalendar.for_school(school)
    sessions = [
        (d, s) for d, s in calendar.sessions_between(HALF_TERMS[0][1], TODAY) if (d, s) != (TODAY, "PM")
    ]
    absence = {p.pk: (0.55 if i % 60 == 0 else 0.15 if i % 8 == 0 else 0.03) for i, p in enumerate(pupils)}
    batch, total = [], 0
    for p in pupils:
        rate = absence[p.pk]
        for day, session in sessions:
            roll = rng.random()
            code = ("/" if session == "AM" else "\\") if roll >= rate else rng.choice("IIIIMOGNU")
            batch.append(RegisterMark(school=school, pupil=p, date=day, session=session, code=code))
        if len(batch) >= 20000:
            RegisterMark.objects.bulk_create(batch, batch_size=5000)
            total += len(batch)
            batch = []
    RegisterMark.objects.bulk_create(batch, batch_size=5000)
    total += len(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    by_size = {
        5: (small, [p for p in pupils if p.registration_class_id == small.pk]),
        30: (classes[0], [p for p in pupils if p.registration_class_id == classes[0].pk][:30]),
    }
    return {
        "school": school,
        "head": head,
        "office": office,
        "pupils": len(pupils),
        "marks": total,
        "classes": by_size,
    }


def _signed_in_client(user):
    """A test client signed in as `user` with a verified second factor (as after the code page)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
