"""Issue 14: a marks import runs in the background over the stored upload, writes how far it has got,
and the page (polled every 2 seconds) says what is true while queued, checking, saving, done or failed."""

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from attendance import import_jobs, tasks, transfer
from attendance.models import MarksImport, RegisterMark
from school.models import AuditEntry
from school.private_files import read_private_file

pytestmark = pytest.mark.django_db
HEADER = "upn,date,session,code,minutes_late\n"
TODAY = time_machine.travel("2026-11-23 10:00 +0000", tick=False)


def _body(pupil):
    return HEADER + "".join(f"{pupil.upn},2026-11-{d},{s},/,\n" for d in (16, 17) for s in ("AM", "PM"))


def _upload(client, body, name="mis.csv", *, run=None):
    """Upload the file; with ``run`` (django_capture_on_commit_callbacks) the queued task runs (eagerly,
    as in tests) when the upload's transaction commits. The page the upload leads to, afterwards."""
    post = {"file": SimpleUploadedFile(name, body.encode())}
    if run is None:
        response = client.post(reverse("attendance:import_marks"), post)
    else:
        with run(execute=True):
            response = client.post(reverse("attendance:import_marks"), post)
    assert response.status_code == 302
    return client.get(response["Location"])


@TODAY
def test_the_upload_is_stored_and_the_page_says_it_is_waiting(login, office_staff, school, pupil):
    client = login(office_staff)
    response = _upload(client, _body(pupil))  # on_commit callbacks not run: nothing queued yet
    job = MarksImport.objects.get()
    assert response.request["PATH_INFO"] == reverse("attendance:import_marks_status", args=[job.pk])
    assert (job.status, job.total_rows, job.original_name) == ("queued", 4, "mis.csv")
    assert read_private_file(job.file_name) == _body(pupil).encode()
    page = response.content.decode()
    assert "Waiting for the background service to start the import of 4 rows." in page
    assert "Nothing has been imported yet." in page and "Imported" not in page.split("import-status")[1][:40]
    # The page polls its progress every two seconds while the import is not finished.
    assert f'hx-get="{reverse("attendance:panel_import_progress", args=[job.pk])}"' in page
    assert 'hx-trigger="every 2s"' in page
    assert "this part of the page updates itself every two seconds" in page
    assert not RegisterMark.objects.exists()
    assert AuditEntry.objects.filter(action="attendance.marks_import.queued", object_id=str(job.pk)).exists()


@TODAY
def test_the_task_imports_and_the_page_says_what_it_did(
    login, office_staff, school, pupil, django_capture_on_commit_callbacks
):
    client = login(office_staff)
    response = _upload(client, _body(pupil), run=django_capture_on_commit_callbacks)
    job = MarksImport.objects.get()
    assert (job.status, job.rows_done, job.total_rows) == ("done", 4, 4)
    assert job.enqueued_at and job.started_at and job.finished_at
    page = response.content.decode()
    assert "4 rows imported: 4 new marks, 0 changed" in page
    assert 'hx-trigger="every 2s"' not in page  # finished: the polling stops, and says nothing of it
    assert "updates itself" not in page
    assert RegisterMark.objects.count() == 4
    assert read_private_file(job.file_name) is None  # the upload is not kept after the import
    assert AuditEntry.objects.filter(
        action="attendance.marks_import.finished", object_id=str(job.pk)
    ).exists()
    # The same task delivered again does nothing.
    assert tasks.run_marks_import(job.pk) == ""
    assert RegisterMark.objects.count() == 4
    assert AuditEntry.objects.filter(action="attendance.marks_import.finished").count() == 1


@TODAY
def test_progress_is_written_while_checking_and_the_page_says_so(
    login, office_staff, school, pupil, monkeypatch
):
    monkeypatch.setattr(transfer, "PROGRESS_EVERY", 2)
    client = login(office_staff)
    _upload(client, _body(pupil))
    job = MarksImport.objects.get()
    seen = []
    original = transfer.marks_import

    def saving(**kwargs):
        row = MarksImport.objects.get(pk=job.pk)
        seen.append((row.status, row.rows_done, row.total_rows))
        return original(**kwargs)

    monkeypatch.setattr(transfer, "marks_import", saving)
    result = import_jobs.marks_import_run(import_id=job.pk)
    assert result == "done" and seen == [("saving", 4, 4)]

    # What the page says in each state (the panel the page polls).
    panel = reverse("attendance:panel_import_progress", args=[job.pk])
    MarksImport.objects.filter(pk=job.pk).update(status="checking", rows_done=5000, total_rows=50000)
    text = client.get(panel).content.decode()
    assert "Checking the rows: 5,000 of 50,000 checked. Nothing has been imported yet." in text
    assert 'value="5000"' in text and 'hx-trigger="every 2s"' in text
    MarksImport.objects.filter(pk=job.pk).update(status="saving", rows_done=50000)
    text = client.get(panel).content.decode()
    assert "All 50,000 rows are right. Saving the marks" in text
    MarksImport.objects.filter(pk=job.pk).update(status="queued", enqueued_at=job.created_at)
    assert "Waiting to start: 50,000 rows to check." in client.get(panel).content.decode()


@TODAY
def test_a_refused_file_lists_its_rows_and_imports_nothing(
    login, office_staff, school, pupil, django_capture_on_commit_callbacks
):
    body = HEADER + f"{pupil.upn},2026-11-16,AM,ZZ,\n{pupil.upn},2026-11-16,PM,<b>,\n"
    response = _upload(login(office_staff), body, run=django_capture_on_commit_callbacks)
    job = MarksImport.objects.get()
    assert job.status == "refused" and [n for n, _ in job.problems] == [2, 3]
    page = response.content.decode()
    assert "Nothing was imported. Fix the rows below" in page and 'data-testid="import-errors"' in page
    assert "<b>" not in page.split('data-testid="import-errors"')[1]  # escaped
    assert not RegisterMark.objects.exists()


@TODAY
def test_a_failure_while_saving_says_nothing_was_imported(
    login, office_staff, school, pupil, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(transfer, "marks_import", broken)
    response = _upload(login(office_staff), _body(pupil), run=django_capture_on_commit_callbacks)
    job = MarksImport.objects.get()
    assert job.status == "failed"
    page = response.content.decode()
    assert "Nothing was imported. Something went wrong while saving. Try again later." in page
    assert "database went away" not in page
    assert not RegisterMark.objects.exists()


@TODAY
def test_when_the_broker_refuses_the_import_stays_waiting(
    login, office_staff, school, pupil, monkeypatch, django_capture_on_commit_callbacks
):
    def refused(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.run_marks_import, "delay", refused)
    response = _upload(login(office_staff), _body(pupil), run=django_capture_on_commit_callbacks)
    job = MarksImport.objects.get()
    assert job.status == "queued" and job.enqueued_at is None
    assert "Waiting for the background service" in response.content.decode()


@TODAY
def test_the_same_upload_sent_twice_is_one_import(login, office_staff, school, pupil):
    client = login(office_staff)
    page = client.get(reverse("attendance:import_marks")).content.decode()
    token = page.split('name="submission_token" value="')[1].split('"')[0]
    first = client.post(
        reverse("attendance:import_marks"),
        {"file": SimpleUploadedFile("mis.csv", _body(pupil).encode()), "submission_token": token},
    )
    second = client.post(
        reverse("attendance:import_marks"),
        {"file": SimpleUploadedFile("mis.csv", _body(pupil).encode()), "submission_token": token},
        follow=True,
    )
    assert MarksImport.objects.count() == 1
    assert second.redirect_chain[-1][0] == first["Location"]
    assert "already saved when you first sent the form" in second.content.decode()


def test_the_summary_writes_large_counts_with_thousands_separators():
    result = transfer.ImportResult(recorded=18_714, amended=1_286, unchanged=0)
    assert import_jobs._summary(result, 20_000)[0] == (
        '20,000 rows imported: 18,714 new marks, 1,286 changed (reason "import"), 0 already the same.'
    )
