"""A real Celery worker, started as a subprocess against Redis and PostgreSQL, runs the nightly tasks:
the per-school task, and the beat entry task fanning out one task per school through the broker.

Needs DATABASE_URL pointing at PostgreSQL (the worker process must see the test database, which an
in-memory SQLite database cannot offer) and Redis on 127.0.0.1:6379. Skipped without them, except
under CI=true, where it fails instead. The worker hook that catches up on start is unit-tested at the
end (tasks run eagerly in the test process there).
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection

from graduated_response import tasks
from graduated_response.models import Alert, Case, NightlyRun
from tests import factories as f
from tests.conftest import IN_CI
from tests.graduated_response.conftest import fill_marks

ROOT = Path(__file__).resolve().parents[2]
BROKER = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/5"


def _services_or_skip():
    problems = []
    if connection.vendor != "postgresql":
        problems.append("DATABASE_URL is not PostgreSQL")
    try:
        import redis

        redis.Redis.from_url(BROKER, socket_connect_timeout=1).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "no Redis here"
        problems.append(f"Redis is not reachable at {BROKER} ({exc})")
    if problems:
        message = "; ".join(problems)
        if IN_CI:
            pytest.fail(f"CI needs PostgreSQL and Redis for the real worker test: {message}")
        pytest.skip(message)


def _database_url() -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextlib.contextmanager
def _worker(queue: str, *, eager_inside: bool = True):
    """A worker consuming ``queue``; yields a dict that holds its log output once it has stopped.

    ``eager_inside=False`` runs the worker with production-like settings (tasks it sends go through
    the broker, to ``queue``, instead of running inside the calling task)."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "NIGHTLY_CATCH_UP_ON_WORKER_START": "0",
        "DATABASE_CONN_MAX_AGE": "0",
    }
    if eager_inside:
        env["DJANGO_TESTING"] = "1"
    else:
        env.pop("DJANGO_TESTING", None)
        env["DJANGO_DEBUG"] = "1"  # the development secret key; nothing else matters to a worker
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "info",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    result = {"process": worker, "output": ""}
    try:
        yield result
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            output, _ = worker.communicate()
        result["output"] = output or ""
        if worker.returncode not in (0, -signal.SIGTERM, None):
            print(output)


def _wait_for(worker, done, *, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if done() or worker.poll() is not None:
            return
        time.sleep(0.5)


def _send(task_name, queue, args=()):
    from celery import Celery

    # Not the current app: a shared task used later in this process must keep the project's app
    # (eager in tests), not this bare one that sends everything to the broker.
    Celery(broker=BROKER, set_as_current=False).send_task(task_name, args=list(args), queue=queue)


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_nightly_task_end_to_end():
    _services_or_skip()
    school = f.SchoolFactory(name="Worker Primary")
    f.add_academic_year(school)
    pupil = f.PupilFactory(school=school)
    fill_marks(pupil, date(2026, 9, 1), date(2026, 11, 20), lambda d, s, i: "O" if i % 8 == 0 else None)

    queue = f"gr-test-{uuid.uuid4().hex[:8]}"
    with _worker(queue) as worker:
        _send("graduated_response.tasks.run_nightly_checks_for_school", queue, [school.pk, "2026-11-20"])

        def finished():
            run = NightlyRun.objects.filter(school=school, run_date=date(2026, 11, 20)).first()
            return run is not None and run.status != NightlyRun.Status.RUNNING

        _wait_for(worker["process"], finished)
        run = NightlyRun.objects.filter(school=school, run_date=date(2026, 11, 20)).first()
        assert run is not None and run.status == NightlyRun.Status.SUCCEEDED, (
            f"worker did not finish the run: {run and run.errors}"
        )
        assert run.pupils_evaluated == 1 and run.cases_opened == 1
        assert Case.objects.get(pupil=pupil).current_tier == 3


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_beat_task_fans_out_one_task_per_school_through_the_broker():
    """What beat sends at 02:00: the worker runs run_nightly_checks_all, which queues one task per
    school on the broker (not in-process), and the worker then runs each of them."""
    _services_or_skip()
    schools = []
    for name in ("Fan Out Primary", "Fan Out Academy"):
        school = f.SchoolFactory(name=name)
        f.add_academic_year(school)
        pupil = f.PupilFactory(school=school)
        fill_marks(pupil, date(2026, 9, 1), date(2026, 11, 20), lambda d, s, i: "O" if i % 8 == 0 else None)
        schools.append(school)
    # The worker runs in real time, so name the night (beat sends none and means "last night").
    last_night = date(2026, 11, 20)

    queue = f"gr-test-{uuid.uuid4().hex[:8]}"
    with _worker(queue, eager_inside=False) as worker:
        _send("graduated_response.tasks.run_nightly_checks_all", queue, args=[last_night.isoformat()])

        def finished():
            return NightlyRun.objects.filter(run_date=last_night).exclude(
                status=NightlyRun.Status.RUNNING
            ).count() == len(schools)

        _wait_for(worker["process"], finished)
    runs = {r.school_id: r for r in NightlyRun.objects.filter(run_date=last_night)}
    assert set(runs) == {s.pk for s in schools}, worker["output"][-3000:]
    for school in schools:
        assert runs[school.pk].status == NightlyRun.Status.SUCCEEDED, runs[school.pk].errors
        assert runs[school.pk].pupils_evaluated == 1 and runs[school.pk].cases_opened == 1
    # Three tasks went through the broker: the beat task and one per school.
    output = worker["output"]
    assert output.count("graduated_response.tasks.run_nightly_checks_all[") >= 1, output[-3000:]
    assert output.count("Task graduated_response.tasks.run_nightly_checks_for_school[") >= len(schools) * 2


# --- the worker_ready hook ---------------------------------------------------------------------------
LONDON = ZoneInfo("Europe/London")


@pytest.mark.django_db
def test_a_starting_worker_catches_up_the_nights_it_missed(settings, school, pupil):
    settings.NIGHTLY_CATCH_UP_ON_WORKER_START = True
    fill_marks(pupil, date(2026, 9, 1), date(2026, 11, 20), lambda d, s, i: "O" if i % 8 == 0 else None)
    NightlyRun.objects.create(
        school=school,
        run_date=date(2026, 11, 17),
        status=NightlyRun.Status.SUCCEEDED,
        finished_at=datetime(2026, 11, 18, 2, 5, tzinfo=LONDON),
    )
    # The broker was down from the 18th; a worker comes back at 07:00 on Monday the 23rd.
    with time_machine.travel(datetime(2026, 11, 23, 7, 0, tzinfo=LONDON), tick=False):
        tasks.catch_up_on_worker_start(sender=None)
    succeeded = set(
        NightlyRun.objects.filter(school=school, status="succeeded").values_list("run_date", flat=True)
    )
    assert succeeded == {date(2026, 11, d) for d in range(17, 23)}
    assert Case.objects.filter(pupil=pupil, status="open").count() == 1
    assert Alert.objects.filter(kind="nightly_run_missing", school=school).count() == 1


@pytest.mark.django_db
def test_the_catch_up_can_be_switched_off(settings, school, pupil):
    settings.NIGHTLY_CATCH_UP_ON_WORKER_START = False
    with time_machine.travel(datetime(2026, 11, 23, 7, 0, tzinfo=LONDON), tick=False):
        tasks.catch_up_on_worker_start(sender=None)
    assert not NightlyRun.objects.exists()


@pytest.mark.django_db
def test_a_broker_still_coming_up_does_not_stop_the_worker_starting(settings, monkeypatch, caplog):
    from kombu.exceptions import OperationalError

    settings.NIGHTLY_CATCH_UP_ON_WORKER_START = True

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.run_nightly_checks_all, "delay", broker_down)
    tasks.catch_up_on_worker_start(sender=None)  # must not raise
    assert "Could not queue the nightly catch-up on worker start" in caplog.text
    assert not NightlyRun.objects.exists()


def test_the_hook_is_connected_to_worker_ready():
    from celery.signals import worker_ready

    assert tasks.catch_up_on_worker_start in worker_ready._live_receivers(sender=None)
