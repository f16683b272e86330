"""A real Celery worker, started as a subprocess against Redis and PostgreSQL, runs the nightly task.

Needs DATABASE_URL pointing at PostgreSQL (the worker process must see the test database, which an
in-memory SQLite database cannot offer) and Redis on 127.0.0.1:6379. Skipped without them, except
under CI=true, where it fails instead.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from graduated_response.models import Case, NightlyRun
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
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER,
        "DJANGO_TESTING": "1",
        "NIGHTLY_CATCH_UP_ON_WORKER_START": "0",
        "DATABASE_CONN_MAX_AGE": "0",
    }
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
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        from celery import Celery

        sender = Celery(broker=BROKER)
        sender.send_task(
            "graduated_response.tasks.run_nightly_checks_for_school",
            args=[school.pk, "2026-11-20"],
            queue=queue,
        )
        deadline = time.monotonic() + 90
        run = None
        while time.monotonic() < deadline:
            run = NightlyRun.objects.filter(school=school, run_date=date(2026, 11, 20)).first()
            if run and run.status != NightlyRun.Status.RUNNING:
                break
            if worker.poll() is not None:
                break
            time.sleep(0.5)
        assert run is not None and run.status == NightlyRun.Status.SUCCEEDED, (
            f"worker did not finish the run: {run and run.errors}"
        )
        assert run.pupils_evaluated == 1 and run.cases_opened == 1
        assert Case.objects.get(pupil=pupil).current_tier == 3
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            output, _ = worker.communicate()
        if worker.returncode not in (0, -signal.SIGTERM, None):
            print(output)
