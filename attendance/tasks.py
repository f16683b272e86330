"""Celery tasks for attendance. They take ids, are idempotent and have time limits."""

from __future__ import annotations

from celery import shared_task

from .import_jobs import TIME_LIMIT_SECONDS


@shared_task(
    name="attendance.tasks.run_marks_import",
    acks_late=True,
    soft_time_limit=TIME_LIMIT_SECONDS - 60,
    time_limit=TIME_LIMIT_SECONDS,
)
def run_marks_import(import_id: int) -> str:
    """Check and save one uploaded marks file (attendance.import_jobs); a second delivery does nothing."""
    from .import_jobs import marks_import_run

    return marks_import_run(import_id=import_id)
