"""Importing marks (command and browser) and exporting pupil summaries (command and browser)."""

import csv
import io
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from attendance import transfer
from attendance.models import MarkAmendment, RegisterMark
from school.models import AuditEntry
from tests import factories as f

HEADER = "upn,date,session,code,minutes_late\n"


def write(tmp_path, body, name="marks.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_import_is_all_or_nothing_and_reports_every_bad_row(tmp_path, school, pupil, capsys):
    path = write(
        tmp_path,
        (
            f"{pupil.upn},2026-11-16,AM,/,\n"
            f"{pupil.upn},2026-11-16,PM,QQ,\n"
            "A999999999999,2026-11-17,AM,/,\n"
            f"{pupil.upn},2026-11-21,AM,/,\n"
            f"{pupil.upn},2026-11-17,XM,/,\n"
            f"{pupil.upn},2026-11-18,AM,/,5\n"
            f"{pupil.upn},2026-11-16,AM,I,\n"
        ),
    )
    with pytest.raises(CommandError, match="6 row"):
        call_command("import_marks", str(path), "--school", str(school.pk))
    err = capsys.readouterr().err
    assert "row 3: 'QQ' is not a DfE attendance code" in err
    assert "row 4: no pupil with UPN" in err
    assert "row 5: 21 November 2026 AM is not a school session" in err
    assert "row 6: session must be AM or PM" in err
    assert "row 7: minutes_late goes only with L or U" in err
    assert "row 8: the same session is already in row 2" in err
    assert not RegisterMark.objects.exists()


def test_reimport_changes_nothing_and_a_changed_row_is_an_import_amendment(tmp_path, school, pupil):
    body = f"{pupil.upn},2026-11-16,AM,/,\n{pupil.upn},2026-11-16,PM,L,7\n{pupil.upn},2026-11-17,AM,N,\n"
    path = write(tmp_path, body)
    call_command("import_marks", str(path), "--school", school.name, stdout=io.StringIO())
    assert RegisterMark.objects.count() == 3
    audits = AuditEntry.objects.count()
    out = io.StringIO()
    call_command("import_marks", str(path), "--school", school.name, stdout=out)
    assert "0 new, 0 changed, 3 unchanged" in out.getvalue()
    assert AuditEntry.objects.count() == audits and not MarkAmendment.objects.exists()

    call_command(
        "import_marks",
        str(write(tmp_path, body.replace(",N,", ",I,"), "v2.csv")),
        "--school",
        school.name,
        stdout=io.StringIO(),
    )
    amendment = MarkAmendment.objects.get()
    assert (amendment.old_code, amendment.new_code, amendment.reason) == ("N", "I", "import")
    assert amendment.amended_by_name == "System"


def test_withdrawn_codes_only_before_19_august_2024(tmp_path, db):
    school = f.SchoolFactory()
    f.add_academic_year(
        school,
        name="2023/24",
        half_terms=[
            ("Autumn 1", date(2023, 9, 6), date(2023, 10, 20)),
            ("Summer 2", date(2024, 6, 3), date(2024, 7, 23)),
        ],
    )
    f.add_academic_year(
        school, name="2024/25", half_terms=[("Autumn 1", date(2024, 9, 4), date(2024, 10, 25))]
    )
    pupil = f.PupilFactory(school=school)
    ok = write(tmp_path, f"{pupil.upn},2024-07-15,AM,H,\n{pupil.upn},2024-07-15,PM,J,\n")
    call_command("import_marks", str(ok), "--school", str(school.pk), stdout=io.StringIO())
    assert set(RegisterMark.objects.values_list("code", flat=True)) == {"H", "J"}
    bad = write(tmp_path, f"{pupil.upn},2024-09-09,AM,H,\n", "bad.csv")
    with pytest.raises(transfer.ImportRefused) as exc:
        transfer.read_marks_csv(bad.read_text(), school=school)
    assert exc.value.errors == [(2, "'H' was withdrawn on 19 August 2024; use G or C instead")]


def test_missing_columns_are_reported(school):
    with pytest.raises(transfer.ImportRefused) as exc:
        transfer.read_marks_csv("upn,date\nX,2026-11-16\n", school=school)
    assert "Missing column(s): session, code" in exc.value.errors[0][1]


def test_browser_upload(login, office_staff, school, pupil):
    client = login(office_staff)
    bad = SimpleUploadedFile("m.csv", (HEADER + f"{pupil.upn},2026-11-16,AM,ZZ,\n").encode())
    response = client.post(reverse("attendance:import_marks"), {"file": bad})
    assert response.status_code == 400
    assert "Nothing was imported" in response.content.decode()
    good = SimpleUploadedFile("m.csv", (HEADER + f"{pupil.upn},2026-11-16,AM,/,\n").encode())
    response = client.post(reverse("attendance:import_marks"), {"file": good}, follow=True)
    assert "1 new mark(s)" in response.content.decode()
    assert RegisterMark.objects.get().code == "/"


def test_csv_safe_neutralises_formulas():
    assert [transfer.csv_safe(v) for v in ("=1+1", "+44", "-3", "@SUM", "\tx", "\rx", "A123", 5, None)] == [
        "'=1+1",
        "'+44",
        "'-3",
        "'@SUM",
        "'\tx",
        "'\rx",
        "A123",
        "5",
        "",
    ]


@time_machine.travel("2026-11-23 10:00 +0000", tick=False)
def test_export_command_columns_and_figures(school, own_class, pupil):
    nobody = f.PupilFactory(school=school, registration_class=own_class)
    RegisterMark.objects.bulk_create(
        [
            RegisterMark(school=school, pupil=pupil, date=date(2026, 11, d), session=s, code=c)
            for d, s, c in [
                (16, "AM", "/"),
                (16, "PM", "U"),
                (17, "AM", "I"),
                (17, "PM", "L"),
                (18, "AM", "V"),
                (18, "PM", "#"),
            ]
        ]
    )
    out = io.StringIO()
    call_command(
        "export_attendance",
        "--school",
        str(school.pk),
        "--from",
        "2026-11-02",
        "--to",
        "2026-11-20",
        stdout=out,
    )
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == list(transfer.EXPORT_COLUMNS)
    by_upn = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    mine = by_upn[pupil.upn]
    assert mine == {
        "upn": pupil.upn,
        "possible": "5",
        "attendance": "3",
        "present": "2",
        "approved_activity": "1",
        "authorised": "1",
        "unauthorised": "1",
        "attendance_pct": "60.0",
        "persistent_absence": "true",
        "severe_absence": "false",
        "late_l": "1",
        "late_u": "1",
        "unauthorised_last_10_school_weeks": "1",
    }
    assert by_upn[nobody.upn]["attendance_pct"] == "" and by_upn[nobody.upn]["possible"] == "0"


def test_export_refuses_bad_dates(school):
    with pytest.raises(CommandError):
        call_command("export_attendance", "--school", str(school.pk), "--from", "yesterday")


@time_machine.travel("2026-11-23 10:00 +0000", tick=False)
def test_browser_export_is_audited_and_scoped(
    login, attendance_officer, governor, school, pupil, other_school_pupil
):
    response = login(attendance_officer).get(
        reverse("attendance:export") + "?start=2026-11-02&end=2026-11-20"
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = response.content.decode()
    assert pupil.upn in body and other_school_pupil.upn not in body
    assert AuditEntry.objects.filter(action="attendance.export.downloaded").exists()
