"""manage.py bench_nightly [--schools 20] [--pupils 1000]: PostgreSQL only.

Builds (or reuses) a fictional trust of N schools x P pupils with a full academic year of marks,
generated on the server (INSERT ... SELECT over generate_series/unnest, so 7.6 million marks take
seconds, not hours). Then, in the same invocation, times:

* the floor: one plain SQL aggregate over every mark of the trust giving, per pupil, possible,
  attendance, authorised, unauthorised, and unauthorised (G, N, O, U) in the last 10 school weeks;
* the nightly run for every school (cases, tier changes, checklists and alerts included), after
  clearing the bench schools' graduated response rows so each invocation measures a first full run.

Each night is run twice: by one process, then (after clearing again) by two worker processes that
share the schools as two Celery workers would, each with its own database connection.

It prints both times, their ratio, pupils per second and the number of queries the nightly run made
(counted with a connection execute wrapper, which costs nothing measurable; Django's
``CaptureQueriesContext`` would render every statement's SQL with its parameters, which for the
first night's bulk inserts costs seconds and would be timed with the run).
"""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction
from django.utils.translation import ngettext

from attendance import codes
from graduated_response.models import Alert, Case, NightlyRun, PupilWeekBand
from graduated_response.nightly import nightly_checks_run
from school.calendar import SchoolCalendar
from school.models import AcademicYear, Pupil, RegistrationClass, School, TermPeriod, Trust
from school.services import school_create
from school.upn import check_letter

HALF_TERMS = [
    ("Autumn 1", date(2025, 9, 3), date(2025, 10, 24)),
    ("Autumn 2", date(2025, 11, 3), date(2025, 12, 19)),
    ("Spring 1", date(2026, 1, 5), date(2026, 2, 13)),
    ("Spring 2", date(2026, 2, 23), date(2026, 3, 27)),
    ("Summer 1", date(2026, 4, 13), date(2026, 5, 22)),
    ("Summer 2", date(2026, 6, 1), date(2026, 7, 22)),
]
ON = date(2026, 7, 22)


class Command(BaseCommand):
    help = "Benchmark the nightly checks against the floor aggregate on a generated trust (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--schools", type=int, default=20)
        parser.add_argument("--pupils", type=int, default=1000)

    def handle(self, *args, schools, pupils, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench_nightly needs PostgreSQL: set DATABASE_URL=postgres://...")
        self._database()
        trust_schools = self._trust(schools, pupils)
        school_ids = [s.pk for s in trust_schools]
        calendar = SchoolCalendar.for_school(trust_schools[0])
        window_start = calendar.last_school_weeks(10, ending=ON)[0]
        n_marks = self._count(
            "SELECT count(*) FROM attendance_registermark WHERE school_id = ANY(%s)", [school_ids]
        )
        n_pupils = self._count("SELECT count(*) FROM school_pupil WHERE school_id = ANY(%s)", [school_ids])
        self.stdout.write(f"Trust: {schools} schools, {n_pupils} pupils, {n_marks:,} marks.")

        floor = self._floor(school_ids, window_start)
        self.stdout.write(f"Floor query (one SQL aggregate over all marks): {floor:.2f} s")
        # First night: every pupil below Universal gets a case, checklist and alerts (the worst case).
        # Then the following night, as every night after: the same reads, few changes to write.
        nights = (("first night (opens every case)", ON - timedelta(days=1)), ("a following night", ON))
        for workers in (1, 2):
            self._clear(school_ids)
            for label, night in nights:
                started = time.perf_counter()
                if workers == 1:
                    results = [_run_school(pk, night) for pk in school_ids]
                else:
                    connections.close_all()  # each forked worker opens its own connection
                    context = multiprocessing.get_context("fork")
                    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                        results = list(pool.map(_run_school, school_ids, [night] * len(school_ids)))
                nightly = time.perf_counter() - started
                self._report(label, workers, nightly, floor, n_pupils, schools, results)

    def _report(self, label, workers, nightly, floor, n_pupils, schools, results) -> None:
        failed = [r for r in results if r["status"] != NightlyRun.Status.SUCCEEDED]
        if failed:
            raise CommandError(
                ngettext("%d school failed", "%d schools failed", len(failed)) % len(failed)
                + f": {failed[0]['errors']}"
            )
        n_queries = sum(r["queries"] for r in results)
        who = "one process" if workers == 1 else f"{workers} worker processes"
        self.stdout.write(f"Nightly run, {label}, all schools, {who}: {nightly:.2f} s")
        self.stdout.write(f"  ratio nightly / floor: {nightly / floor:.2f}")
        self.stdout.write(f"  pupils per second: {n_pupils / nightly:,.0f}")
        self.stdout.write(f"  queries: {n_queries} ({n_queries / schools:.0f} per school)")
        self.stdout.write(
            f"  cases opened {sum(r['cases_opened'] for r in results)}, "
            f"escalated {sum(r['escalated'] for r in results)}, alerts {sum(r['alerts'] for r in results)}"
        )

    # --- the generated trust ------------------------------------------------------------------------
    def _trust(self, n_schools: int, n_pupils: int) -> list[School]:
        trust, _ = Trust.objects.get_or_create(name=f"Bench Trust ({n_schools} x {n_pupils})")
        existing = list(School.objects.filter(trust=trust).order_by("pk"))
        if len(existing) == n_schools:
            return existing
        self.stdout.write(
            f"Building the bench trust: {n_schools} schools x {n_pupils} pupils, a year of marks..."
        )
        started = time.perf_counter()
        with transaction.atomic():
            schools = []
            for i in range(len(existing), n_schools):
                school = school_create(
                    actor=None, trust=trust, name=f"Bench School {i + 1:02d}", urn=f"{990000 + i}"
                )
                year = AcademicYear.objects.create(
                    school=school, name="2025/26", start_date=date(2025, 9, 1), end_date=date(2026, 8, 31)
                )
                TermPeriod.objects.bulk_create(
                    TermPeriod(academic_year=year, name=name, start_date=s, end_date=e)
                    for name, s, e in HALF_TERMS
                )
                cls = RegistrationClass.objects.create(school=school, name="Bench", year_group=5)
                Pupil.objects.bulk_create(
                    Pupil(
                        school=school,
                        upn=self._upn(i, n),
                        legal_first_name="Pupil",
                        legal_last_name=f"Bench {n:04d}",
                        date_of_birth=date(2015, 1, 1),
                        sex="F" if n % 2 else "M",
                        year_group=5,
                        registration_class=cls,
                        admission_date=date(2025, 9, 1),
                        sen_provision="K" if n % 7 == 0 else ("E" if n % 31 == 0 else "N"),
                    )
                    for n in range(n_pupils)
                )
                schools.append(school)
            self._marks([s.pk for s in schools])
        self.stdout.write(f"  built in {time.perf_counter() - started:.1f} s")
        return list(School.objects.filter(trust=trust).order_by("pk"))

    @staticmethod
    def _upn(school_index: int, n: int) -> str:
        body = f"999{(1000 + school_index * 10 + n // 1000) % 10000:04d}25{n % 1000:03d}"
        return check_letter(body) + body

    def _marks(self, school_ids: list[int]) -> None:
        calendar = SchoolCalendar.build([(s, e) for _, s, e in HALF_TERMS])
        days = calendar.school_days_between(date(2025, 9, 1), ON)
        # Each pupil has an absence habit from their id (most around 3-5%, some persistent, a few
        # severe); each session's code comes from a hash of pupil, day and session.
        sql = """
            INSERT INTO attendance_registermark
                (school_id, pupil_id, date, session, code, recorded_at, updated_at, version)
            SELECT p.school_id, p.id, d.day, s.session,
                CASE
                    WHEN h.v < t.rate * 0.5 THEN 'I'
                    WHEN h.v < t.rate * 0.7 THEN 'O'
                    WHEN h.v < t.rate * 0.8 THEN 'G'
                    WHEN h.v < t.rate * 0.9 THEN 'M'
                    WHEN h.v < t.rate THEN 'U'
                    WHEN h.v > 985 THEN 'L'
                    WHEN s.session = 'AM' THEN '/'
                    ELSE '\\'
                END,
                now(), now(), 1
            FROM school_pupil p
            CROSS JOIN LATERAL (SELECT CASE WHEN p.id %% 50 = 0 THEN 550 WHEN p.id %% 9 = 0 THEN 140
                                            WHEN p.id %% 4 = 0 THEN 70 ELSE 35 END AS rate) t
            CROSS JOIN unnest(%s::date[]) AS d(day)
            CROSS JOIN (VALUES ('AM'), ('PM')) AS s(session)
            CROSS JOIN LATERAL (SELECT abs(hashtext(p.id::text || d.day::text || s.session)) %% 1000 AS v) h
            WHERE p.school_id = ANY(%s)
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [days, school_ids])
            cursor.execute("ANALYZE attendance_registermark")

    # --- measuring ------------------------------------------------------------------------------------
    def _floor(self, school_ids: list[int], window_start: date) -> float:
        sql = """
            SELECT pupil_id,
                count(*) FILTER (WHERE code = ANY(%(possible)s)),
                count(*) FILTER (WHERE code = ANY(%(attendance)s)),
                count(*) FILTER (WHERE code = ANY(%(authorised)s)),
                count(*) FILTER (WHERE code = ANY(%(unauthorised)s)),
                count(*) FILTER (WHERE code = ANY(%(penalty)s) AND date >= %(window)s)
            FROM attendance_registermark
            WHERE school_id = ANY(%(schools)s)
            GROUP BY pupil_id
        """
        params = {
            "possible": sorted(codes.POSSIBLE_CODES),
            "attendance": sorted(codes.ATTENDANCE_CODES),
            "authorised": sorted(codes.AUTHORISED_CODES),
            "unauthorised": sorted(codes.UNAUTHORISED_CODES),
            "penalty": sorted(codes.PENALTY_UNAUTHORISED_CODES),
            "window": window_start,
            "schools": school_ids,
        }
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            return time.perf_counter() - started

    def _database(self):
        """Create the bench database on a fresh machine (it is kept between runs, so later runs reuse the
        generated trust), and bring its tables up to date."""
        name = connection.settings_dict["NAME"]
        with connection._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                self.stdout.write(f"Creating the database {name}…")
                cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
        call_command("migrate", verbosity=0, interactive=False)

    @staticmethod
    def _count(sql, params) -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    @staticmethod
    def _clear(school_ids: list[int]) -> None:
        with transaction.atomic():
            Alert.objects.filter(school_id__in=school_ids).delete()
            Case.objects.filter(school_id__in=school_ids).delete()
            PupilWeekBand.objects.filter(school_id__in=school_ids).delete()
            NightlyRun.objects.filter(school_id__in=school_ids, run_date__gte=ON - timedelta(days=1)).delete()


def _run_school(school_id: int, night: date) -> dict:
    """One school's nightly run (in this process or a worker), with the number of queries it made."""
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        run = nightly_checks_run(school=School.objects.get(pk=school_id), on=night, force=True)
    return {
        "status": run.status,
        "errors": run.errors,
        "queries": queries,
        "cases_opened": run.cases_opened,
        "escalated": run.escalated,
        "alerts": run.alerts,
    }
