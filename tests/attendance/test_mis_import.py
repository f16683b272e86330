"""Imports of real MIS exports: # on closure days and Z before admission are accepted where they are
true and reported where they are not, and a large file says how far it has got."""

import io
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from attendance import transfer
from attendance.models import RegisterMark
from school.models import ClosureDay
from tests import factories as f

HEADER = "upn,date,session,code,minutes_late\n"
TODAY = time_machine.travel("2026-11-23 10:00 +0000", tick=False)


@pytest.fixture
def inset(school):
    return ClosureDay.objects.create(school=school, date=date(2026, 11, 13), kind=ClosureDay.Kind.INSET)


@pytest.fixture
def joiner(school, own_class):
    return f.PupilFactory(school=school, registration_class=own_class, admission_date=date(2026, 11, 17))


def _write(tmp_path, body):
    path = tmp_path / "mis.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


@TODAY
def test_hash_on_a_closure_day_and_z_before_admission_are_accepted_and_not_saved(
    tmp_path, school, pupil, joiner, inset
):
    body = (
        f"{pupil.upn},2026-11-13,AM,#,\n"
        f"{pupil.upn},2026-11-13,PM,#,\n"
        f"{pupil.upn},2026-11-16,AM,/,\n"
        f"{joiner.upn},2026-11-16,AM,Z,\n"
        f"{joiner.upn},2026-11-16,PM,Z,\n"
        f"{joiner.upn},2026-11-17,AM,/,\n"
    )
    out = io.StringIO()
    call_command("import_marks", str(_write(tmp_path, body)), "--school", str(school.pk), stdout=out)
    saved = sorted((m.pupil_id, m.date.day, m.session, m.code) for m in RegisterMark.objects.all())
    assert saved == [(pupil.pk, 16, "AM", "/"), (joiner.pk, 17, "AM", "/")]
    text = out.getvalue()
    assert "2 rows with # were on sessions the school calendar has closed: nothing to save" in text
    assert "2 rows with Z were on days the pupil was not on roll: nothing to save" in text
    assert "2 new, 0 changed, 0 unchanged" in text


@TODAY
def test_hash_on_a_school_session_and_z_while_on_roll_are_reported(tmp_path, school, pupil, joiner, capsys):
    body = f"{pupil.upn},2026-11-16,AM,#,\n{joiner.upn},2026-11-18,AM,Z,\n{joiner.upn},2026-11-16,AM,/,\n"
    with pytest.raises(CommandError, match="Nothing imported: 3 rows"):
        call_command("import_marks", str(_write(tmp_path, body)), "--school", str(school.pk))
    assert capsys.readouterr().err.splitlines() == [
        "row 2: # (planned closure) on 16 November 2026 AM, which the school calendar has as a school "
        "session: add the closure to the calendar, or correct the code",
        "row 3: Z (not yet on roll) on 18 November 2026, but the pupil is on roll that day "
        "(admitted 17 November 2026): correct the code or the admission date",
        "row 4: the pupil is not on roll on 16 November 2026",
    ]
    assert not RegisterMark.objects.exists()


@TODAY
def test_a_large_file_reports_its_progress(tmp_path, school, pupil, monkeypatch, capsys):
    monkeypatch.setattr(transfer, "PROGRESS_EVERY", 2)
    body = "".join(f"{pupil.upn},2026-11-{d},{s},/,\n" for d in (16, 17) for s in ("AM", "PM"))
    calls = []
    rows = transfer.read_marks_csv(HEADER + body, school=school, progress=lambda *a: calls.append(a))
    assert calls == [(2, 4), (4, 4)] and len(rows) == 4
    call_command(
        "import_marks", str(_write(tmp_path, body)), "--school", str(school.pk), stdout=io.StringIO()
    )
    err = capsys.readouterr().err.splitlines()
    assert err[:2] == ["Checked 2 of 4 rows", "Checked 4 of 4 rows"] and "Saved 4 of 4 new marks" in err


@TODAY
def test_browser_import_lists_what_was_skipped_and_shows_progress(
    login, office_staff, school, pupil, inset, django_capture_on_commit_callbacks
):
    client = login(office_staff)
    page = client.get(reverse("attendance:import_marks")).content.decode()
    assert 'data-testid="import-progress"' in page and "<code>#</code> (planned closure) is accepted" in page
    body = HEADER + f"{pupil.upn},2026-11-13,AM,#,\n{pupil.upn},2026-11-16,AM,/,\n"
    upload = SimpleUploadedFile("mis.csv", body.encode())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("attendance:import_marks"), {"file": upload})
    response = client.get(response["Location"])
    text = response.content.decode()
    assert "1 new mark," in text
    assert "1 row with # was on a session the school calendar has closed: nothing to save." in text
