"""manage.py bench_letters: how fast a batch of letters renders, and how much memory merging takes.

In a throw-away database beside DATABASE_URL's (``test_<name>``, kept with --keepdb, as
bench_attendance does) it builds a school of 200 pupils, each with a parent and a term of marks, and
prints, in the same run:

* raw WeasyPrint on a minimal page (the floor: what one process can do at best);
* a batch of 200 one-page letters (the termly report: letterhead and a chart) written and rendered
  through the real path (letters.batches.batch_create and batch_run), then its 200 letters rendered
  again by one and by two worker processes (letters.services.letter_render, as the task calls it),
  in letters per second, and per worker;
* the peak memory of a fresh worker process merging 1,000 letters into one PDF (letters.batches._merge
  through letters.pdf_merge), beside the total size of those 1,000 PDFs: its VmHWM, and
  resource.getrusage's ru_maxrss (which Linux carries over from the process that started it).

The goal (issue 12): 10 or more letters per second per worker; merging 1,000 letters without holding
them all in memory at once. Speed goals live here, never in timed tests.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import secrets
import shutil
import tempfile
import time
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import override_settings, setup_test_environment

PUPILS = 200
MERGE_LETTERS = 1000
SCHOOL_NAME = "Bench Letters Primary"
STATIC_STORAGE = "django.contrib.staticfiles.storage.StaticFilesStorage"


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _rss_mb(field: str = "VmRSS") -> float:
    """The process's resident memory now (VmRSS), or its peak since it started (VmHWM), on Linux.

    ru_maxrss is printed too, but Linux carries it over from the process that started this one (the
    bench itself, with 200 letters rendered), so the worker's own peak is VmHWM."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _child_setup(db_name: str, private_root: str) -> None:
    """A fresh (spawned) worker process: Django set up on the bench database and private folder
    (the parent put both in the environment, which the settings read)."""
    assert os.environ["PRIVATE_MEDIA_ROOT"] == private_root and db_name in os.environ["DATABASE_URL"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _render_part(db_name: str, private_root: str, letter_ids: list[int], start_at: float) -> None:
    _child_setup(db_name, private_root)
    from letters.services import letter_render

    while time.time() < start_at:  # start together, after Django and WeasyPrint are loaded
        time.sleep(0.005)
    for letter_id in letter_ids:
        letter_render(letter_id=letter_id)


def _merge_child(db_name: str, private_root: str, batch_id: int, queue) -> None:
    _child_setup(db_name, private_root)
    import pypdf  # noqa: F401 - loaded before the baseline, as a worker would have it

    from letters import batches
    from letters.models import LetterBatch

    batch = LetterBatch.objects.select_related("school").get(pk=batch_id)
    before = _rss_mb()
    started = time.perf_counter()
    batches._merge(batch)
    queue.put((before, _rss_mb("VmHWM"), _maxrss_mb(), time.perf_counter() - started))


class Command(BaseCommand):
    help = "Benchmark a batch of 200 letters (1 and 2 workers, beside raw WeasyPrint) and merging 1,000."

    def add_arguments(self, parser):
        parser.add_argument("--keepdb", action="store_true", help="Keep the bench database for next time")

    def handle(self, *args, keepdb, **options):
        setup_test_environment()
        creation = connection.creation
        old_name = connection.settings_dict["NAME"]
        self.stdout.write(f"Creating the bench database on {connection.vendor}…")
        creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=keepdb)
        private_root = tempfile.mkdtemp(prefix="bench-letters-")
        private = {**settings.STORAGES["private"], "OPTIONS": {"location": private_root}}
        storages = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": STATIC_STORAGE},
            "private": private,
        }
        try:
            with override_settings(STORAGES=storages, PRIVATE_MEDIA_ROOT=private_root):
                self._run(connection.settings_dict["NAME"], private_root)
        finally:
            shutil.rmtree(private_root, ignore_errors=True)
            creation.destroy_test_db(old_name, verbosity=0, keepdb=keepdb)

    # --- the runs --------------------------------------------------------------------------------------
    def _run(self, db_name: str, private_root: str) -> None:
        db = settings.DATABASES["default"]
        auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        if connection.vendor == "postgresql":
            os.environ["DATABASE_URL"] = (
                f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db_name}"
            )
        else:
            os.environ["DATABASE_URL"] = f"sqlite:///{db_name}"
        os.environ["PRIVATE_MEDIA_ROOT"] = private_root  # for the worker processes (spawned)

        self._raw_weasyprint()
        school, actor, pupils = _world()
        batch = self._batch(school, actor, pupils)
        letter_ids = list(batch.letters.order_by("pk").values_list("pk", flat=True))
        for workers in (1, 2):
            self._workers(db_name, private_root, letter_ids, workers)
        self._merge(db_name, private_root, batch)

    def _raw_weasyprint(self, n: int = 50) -> None:
        import weasyprint

        html = "<!doctype html><html><body><p>Dear parent, a minimal page.</p></body></html>"
        weasyprint.HTML(string=html).write_pdf()  # fonts loaded once, as in a running worker
        started = time.perf_counter()
        for _ in range(n):
            weasyprint.HTML(string=html).write_pdf()
        elapsed = time.perf_counter() - started
        self.stdout.write(f"raw WeasyPrint, minimal page, one process: {n / elapsed:.1f} pages/s")

    def _batch(self, school, actor, pupils):
        from letters import batches
        from letters.models import LetterBatch

        started = time.perf_counter()
        batch = batches.batch_create(
            actor=actor,
            school=school,
            code="termly_report",
            pupil_ids=[p.pk for p in pupils],
            email_parents=False,
            description="Bench: termly report",
        )  # eager in-process here: create, write, render and merge the whole batch
        batch = LetterBatch.objects.get(pk=batch.pk)
        if batch.status != "ready":
            batches.batch_run(batch_id=batch.pk)
            batch.refresh_from_db()
        elapsed = time.perf_counter() - started
        moves = {event.to_status: event.at for event in batch.events.all()}
        phases = ", ".join(
            f"{label} {(moves[b] - moves[a]).total_seconds():.1f} s"
            for label, a, b in (
                ("writing", "building", "rendering"),
                ("rendering", "rendering", "merging"),
                ("merging", "merging", "ready"),
            )
            if a in moves and b in moves
        )
        from pypdf import PdfReader

        from school.private_files import private_storage

        with private_storage().open(batch.private_file_name(), "rb") as handle:
            pages = len(PdfReader(handle).pages)
        self.stdout.write(
            f"batch of {batch.total} letters ({pages} pages), written, rendered and merged by the task "
            f"in one process: {elapsed:.1f} s, {batch.total / elapsed:.1f} letters/s "
            f"({batch.done} ready, {batch.failed} failed; {phases})"
        )
        return batch

    def _workers(self, db_name, private_root, letter_ids, workers: int) -> None:
        from letters.models import Letter

        Letter.objects.filter(pk__in=letter_ids).update(status="pending", rendered_at=None)
        connection.close()
        context = multiprocessing.get_context("spawn")
        start_at = time.time() + 6  # time for each process to import Django and WeasyPrint
        parts = [letter_ids[i::workers] for i in range(workers)]
        processes = [
            context.Process(target=_render_part, args=(db_name, private_root, part, start_at))
            for part in parts
        ]
        for process in processes:
            process.start()
        for process in processes:
            process.join()
        elapsed = time.time() - start_at
        rendered = Letter.objects.filter(pk__in=letter_ids, status="rendered").count()
        rate = rendered / elapsed
        self.stdout.write(
            f"{rendered} letters rendered by {workers} worker process{'es' if workers > 1 else ''}: "
            f"{elapsed:.1f} s, {rate:.1f} letters/s ({rate / workers:.1f} per worker)"
        )

    def _merge(self, db_name, private_root, batch) -> None:
        """1,000 rendered letters (copies of the batch's PDFs under their own names) merged into one."""
        from letters.models import Letter, LetterBatch
        from school.private_files import private_storage

        storage = private_storage()
        sources = list(batch.letters.filter(status="rendered").order_by("pk")[:PUPILS])
        big = LetterBatch.objects.create(
            school=batch.school,
            code=batch.code,
            description="Bench: 1,000 letters",
            pupil_ids=[],
            created_by=batch.created_by,
            created_at=batch.created_at,
            status="merging",
            stored_name=f"{secrets.token_hex(16)}.pdf",
        )
        copies, total_bytes = [], 0
        for n in range(MERGE_LETTERS):
            source = sources[n % len(sources)]
            copy = Letter.objects.get(pk=source.pk)
            copy.pk, copy.batch, copy.stored_name = None, big, f"{secrets.token_hex(16)}.pdf"
            copy.batch_addressee = f"bench-{n}"
            copies.append(copy)
            src = os.path.join(private_root, source.private_file_name())
            dst = os.path.join(private_root, copy.private_file_name())
            shutil.copyfile(src, dst)
            total_bytes += os.path.getsize(dst)
        Letter.objects.bulk_create(copies)
        connection.close()
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        process = context.Process(target=_merge_child, args=(db_name, private_root, big.pk, queue))
        process.start()
        before, peak, maxrss, elapsed = queue.get(timeout=1800)
        process.join()
        size = storage.size(big.private_file_name())
        self.stdout.write(
            f"merging {MERGE_LETTERS:,} letters ({total_bytes / 1e6:.1f} MB of PDFs) into one PDF of "
            f"{size / 1e6:.1f} MB: {elapsed:.1f} s; the worker's peak memory (VmHWM) {peak:.0f} MB, "
            f"{peak - before:+.0f} MB over the {before:.0f} MB it held before merging "
            f"(ru_maxrss {maxrss:.0f} MB, carried over from the bench process that started it)"
        )


# --- the data ---------------------------------------------------------------------------------------------
def _world():
    """A school of 200 pupils, each with a parent with parental responsibility and marks since 1 Sept."""
    from django.utils import timezone

    from attendance.models import RegisterMark
    from letters.models import LetterBatch
    from school.calendar import SchoolCalendar
    from school.models import Pupil, School
    from tests import factories as f

    school = School.objects.filter(name=SCHOOL_NAME).first()
    if school is not None:
        pupils = list(Pupil.objects.filter(school=school).order_by("pk"))
        actor = LetterBatch.objects.filter(school=school).first().created_by
        return school, actor, pupils
    school = f.SchoolFactory(name=SCHOOL_NAME)
    f.add_academic_year(school)
    actor = f.staff(school, "attendance_officer")
    classes = [f.RegistrationClassFactory(school=school, name=f"Class {n}", year_group=3) for n in range(7)]
    pupils = []
    for n in range(PUPILS):
        pupil = f.PupilFactory(school=school, registration_class=classes[n % len(classes)])
        f.PupilContactFactory(
            pupil=pupil, contact__address=f"{n + 1} Fictional Road\nBenchtown", contact__postcode="ZZ1 1ZZ"
        )
        pupils.append(pupil)
    calendar = SchoolCalendar.for_school(school)
    sessions = calendar.sessions_between(date(2026, 9, 1), timezone.localdate())
    marks = [
        RegisterMark(
            school=school,
            pupil=pupil,
            date=day,
            session=session,
            code="I" if (i + pupil.pk) % 23 == 0 else "/",
        )
        for pupil in pupils
        for i, (day, session) in enumerate(sessions)
    ]
    RegisterMark.objects.bulk_create(marks, batch_size=5000)
    return school, actor, pupils
