"""A marks import in the background, with progress the import page can show.

``marks_import_queue`` keeps the uploaded file in the private storage, writes a ``MarksImport``
record (queued) and, after commit, queues ``attendance.tasks.run_marks_import`` with its id.
``marks_import_run`` (the task's body) checks every row (``transfer.read_marks_csv``), writing the
rows checked so far to the record every ``transfer.PROGRESS_EVERY`` rows, then saves the marks in one
transaction (``transfer.marks_import``: all or nothing, so while saving the page says so rather than
counting rows nobody could see yet), and ends the record as done, refused (the rows with problems,
nothing imported) or failed (nothing imported). The file is then deleted.

Idempotent: the run claims the record with a conditional update (queued to checking), so a task
delivered twice runs once; a run cut off by a lost worker is claimed again once it is older than the
task's hard time limit, and importing the same file again changes nothing anyway.

Action codes: attendance.marks_import.queued, attendance.marks_import.finished.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import ngettext

from school import audit
from school.private_files import delete_private_files, read_private_file, save_private_file

from . import transfer
from .models import MarksImport

logger = logging.getLogger(__name__)

#: The task's hard time limit (attendance.tasks); a run older than this is taken to have been lost.
TIME_LIMIT_SECONDS = 900
S = MarksImport.Status


def _file_name(school_id: int) -> str:
    return f"imports/{school_id}/{secrets.token_hex(16)}.csv"


@transaction.atomic
def marks_import_queue(*, actor, school, data: bytes, original_name: str = "") -> MarksImport:
    """Keep the file and queue its import; the record the page follows."""
    job = MarksImport(
        school=school,
        created_by=actor,
        original_name=(original_name or "")[:200],
        file_name=_file_name(school.pk),
        total_rows=max(0, sum(1 for line in data.splitlines() if line.strip()) - 1),
    )
    job.full_clean()
    save_private_file(job.file_name, data)
    job.save()
    audit.record(
        actor=actor,
        action="attendance.marks_import.queued",
        obj=job,
        school=school,
        after={"file": job.original_name, "rows": job.total_rows},
    )
    transaction.on_commit(lambda: enqueue(job.pk))
    return job


def enqueue(job_id: int) -> None:
    """Queue the task; if the broker is down the record stays queued and the page says it is waiting."""
    from .tasks import run_marks_import

    try:
        run_marks_import.delay(job_id)
    except Exception:  # the broker refused: say so on the page rather than fail the upload
        logger.exception("Could not queue marks import %s", job_id)
        return
    MarksImport.objects.filter(pk=job_id, enqueued_at__isnull=True).update(enqueued_at=timezone.now())


def _claim(job_id: int) -> bool:
    now = timezone.now()
    lost = now - timedelta(seconds=TIME_LIMIT_SECONDS)
    return bool(
        MarksImport.objects.filter(pk=job_id)
        .filter(Q(status=S.QUEUED) | Q(status__in=[S.CHECKING, S.SAVING], started_at__lt=lost))
        .update(status=S.CHECKING, started_at=now, rows_done=0)
    )


def _finish(job: MarksImport, status: str, **fields) -> str:
    MarksImport.objects.filter(pk=job.pk).update(status=status, finished_at=timezone.now(), **fields)
    delete_private_files([job.file_name])
    audit.record(
        actor=job.created_by,
        action="attendance.marks_import.finished",
        object_type="attendance.marksimport",
        object_id=job.pk,
        school=job.school,
        after={"status": status, "file": job.original_name},
    )
    return status


def _summary(result: transfer.ImportResult, rows: int) -> list[str]:
    lines = [
        ngettext("%s row imported: ", "%s rows imported: ", rows) % f"{rows:,}"
        + ngettext("%s new mark, ", "%s new marks, ", result.recorded) % f"{result.recorded:,}"
        + f'{result.amended:,} changed (reason "import"), {result.unchanged:,} already the same.'
    ]
    lines += [
        note[0].upper() + note[1:] + "." for note in [*result.conversion_notes(), *result.skipped_notes()]
    ]
    return lines


def marks_import_run(*, import_id: int) -> str:
    """Check and save the file of one import; the status it ended with ('' if it was not ours to run)."""
    if not _claim(import_id):
        return ""
    job = MarksImport.objects.select_related("school", "created_by").get(pk=import_id)
    data = read_private_file(job.file_name)
    if data is None:
        return _finish(job, S.FAILED, error="The uploaded file is no longer stored. Upload it again.")

    def checked(done: int, total: int) -> None:
        MarksImport.objects.filter(pk=job.pk).update(rows_done=done, total_rows=total)

    try:
        rows = transfer.read_marks_csv(transfer.decode_marks_file(data), school=job.school, progress=checked)
        MarksImport.objects.filter(pk=job.pk).update(status=S.SAVING)
        result = transfer.marks_import(actor=job.created_by, school=job.school, rows=rows)
    except transfer.ImportRefused as refused:
        return _finish(job, S.REFUSED, problems=[[n, m] for n, m in refused.errors])
    except SoftTimeLimitExceeded:
        return _finish(job, S.FAILED, error="It took too long and was stopped. Try a smaller file.")
    except Exception:
        logger.exception("Marks import %s failed", job.pk)
        return _finish(job, S.FAILED, error="Something went wrong while saving. Try again later.")
    return _finish(job, S.DONE, summary=_summary(result, len(rows)), rows_done=len(rows))
