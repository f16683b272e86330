"""Celery tasks for the nightly checks. Beat calls ``run_nightly_checks_all`` every night at
settings.NIGHTLY_CHECKS_HOUR:NIGHTLY_CHECKS_MINUTE (default 02:00); it fans out one task per school so
several workers share the work. Each school task raises an alert if the school's last successful
run is more than 26 hours old, then runs every missed night (at most a week back) up to yesterday,
through the same service as ``manage.py run_nightly_checks``. Tasks take ids and are idempotent.

They are acknowledged late and rejected back onto the queue when their worker dies mid-task
(acks_late, reject_on_worker_lost), and have time limits. A run whose worker died stops beating and
is marked Abandoned, then queued again, by ``nightly_sweep`` (beat, every 15 minutes).
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.utils import timezone

from school.models import School

from .nightly import (
    NightlyRefused,
    nightly_abandon_stale,
    nightly_catch_up_dates,
    nightly_checks_run,
    nightly_run_missing_check,
)

logger = logging.getLogger(__name__)


@shared_task(
    name="graduated_response.tasks.run_nightly_checks_all",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=120,
    time_limit=180,
)
def run_nightly_checks_all(date_iso: str | None = None) -> int:
    """Fan out one task per school for last night (the registers of yesterday are complete).

    Beat sends no argument; an explicit ISO date re-runs a given night for every school.
    """
    yesterday = date_iso or (timezone.localdate() - timedelta(days=1)).isoformat()
    school_ids = list(School.objects.order_by("pk").values_list("pk", flat=True))
    for school_id in school_ids:
        run_nightly_checks_for_school.delay(school_id, yesterday)
    return len(school_ids)


# The hard limit bounds one school's catch-up; within it a live run beats after each step (nightly_heartbeat).
@shared_task(
    name="graduated_response.tasks.run_nightly_checks_for_school",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=25 * 60,
    time_limit=30 * 60,
)
def run_nightly_checks_for_school(school_id: int, date_iso: str) -> dict:
    """Check one school for ``date_iso`` and catch up any earlier nights it missed."""
    school = School.objects.filter(pk=school_id).first()
    if school is None:
        return {"school": school_id, "skipped": "no such school"}
    nightly_run_missing_check(school=school, now=timezone.now())
    target = date.fromisoformat(date_iso)
    days = [d for d in nightly_catch_up_dates(school=school, today=target + timedelta(days=1)) if d < target]
    results = {}
    for day in [*days, target]:
        try:
            run = nightly_checks_run(school=school, on=day)
        except NightlyRefused as exc:  # a future or already-overtaken night: nothing to do, say why
            logger.warning("Nightly checks for school %s on %s refused: %s", school_id, day, exc)
            results[day.isoformat()] = "refused"
            continue
        results[day.isoformat()] = run.status
    return {"school": school_id, "runs": results}


@shared_task(
    name="graduated_response.tasks.nightly_sweep",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=120,
    time_limit=180,
)
def nightly_sweep() -> int:
    """Mark runs that stopped beating as Abandoned and queue each school's night again."""
    abandoned = nightly_abandon_stale(now=timezone.now())
    for run in abandoned:
        run_nightly_checks_for_school.delay(run.school_id, run.run_date.isoformat())
    return len(abandoned)


@worker_ready.connect
def catch_up_on_worker_start(sender=None, **kwargs):
    """A night missed while the broker or workers were down is caught up when a worker starts."""
    if not getattr(settings, "NIGHTLY_CATCH_UP_ON_WORKER_START", True):
        return
    try:
        run_nightly_checks_all.delay()
    except Exception:  # the broker may still be coming up; the next beat run catches up instead
        logger.exception("Could not queue the nightly catch-up on worker start")
