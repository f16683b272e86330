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


#: Real life is 2026-11-23; pinning it keeps "no future dates" from moving under the tests.
TODAY = time_machine.travel("2026-11-23 10:00 +0000", tick=False)


def write(tmp_path, body, name="marks.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


@TODAY
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
    assert "row 7: Minutes late go only with L or U, not /." in err
    assert "row 8: the same session is already in row 2" in err
    assert not RegisterMark.objects.exists()


@TODAY
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
    assert "Missing columns: session, code" in exc.value.errors[0][1]


@TODAY
def test_browser_upload(login, office_staff, school, pupil, django_capture_on_commit_callbacks):
    client = login(office_staff)
    bad = SimpleUploadedFile("m.csv", (HEADER + f"{pupil.upn},2026-11-16,AM,ZZ,\n").encode())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("attendance:import_marks"), {"file": bad})
    response = client.get(response["Location"])
    assert "Nothing was imported" in response.content.decode()
    good = SimpleUploadedFile("m.csv", (HEADER + f"{pupil.upn},2026-11-16,AM,/,\n").encode())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("attendance:import_marks"), {"file": good})
    response = client.get(response["Location"])
    assert "1 new mark," in response.content.decode()
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
    assert mine["upn"] == pupil.upn
    sessions = {k: v for k, v in mine.items() if k.startswith("sessions_") and v != "0"}
    assert sessions == {
        "sessions_/": "1",
        "sessions_U": "1",
        "sessions_I": "1",
        "sessions_L": "1",
        "sessions_V": "1",
        "sessions_#": "1",
    }
    assert (mine["legal_last_name"], mine["legal_first_name"]) == (
        pupil.legal_last_name,
        pupil.legal_first_name,
    )
    assert (mine["year_group"], mine["class"]) == (pupil.get_year_group_display(), own_class.name)
    assert mine["sen_provision"] == pupil.sen_provision and mine["looked_after"] == "false"
    figures = {k: mine[k] for k in transfer.FIGURE_COLUMNS}
    assert figures == {
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


@time_machine.travel("2026-11-23 10:00 +0000", tick=False)
@pytest.mark.parametrize("query", ["start=2026-11-27&end=2026-11-23", "start=abc"])
def test_browser_export_with_bad_dates_exports_nothing(login, attendance_officer, pupil, query):
    client = login(attendance_officer)
    response = client.get(f"{reverse('attendance:export')}?{query}", follow=True)
    page = response.content.decode()
    assert response["Content-Type"].startswith("text/html") and "Nothing exported: check the dates." in page
    assert "The end date must be on or after the start date." in page or "Enter a valid date." in page
    assert not AuditEntry.objects.filter(action="attendance.export.downloaded").exists()
    lists = client.get(
        f"{reverse('attendance:absence_list')}?start=2026-11-20&end=2026-11-01"
    ).content.decode()
    assert "The end date must be on or after the start date." in lists


# --- the register's rules on import, and the error paths, one at a time ------------------------------
def refused(tmp_path, school, body, capsys) -> str:
    """Run the command on a file that must be refused; return what it wrote to stderr."""
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import_marks", str(write(tmp_path, body)), "--school", str(school.pk))
    return capsys.readouterr().err


@TODAY
@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("{upn},2026-13-40,AM,/,", 'row 3: "2026-13-40" is not a date; use YYYY-MM-DD or DD/MM/YYYY'),
        ("{upn},16 Nov,AM,/,", 'row 3: "16 Nov" is not a date; use YYYY-MM-DD or DD/MM/YYYY'),
        ("{upn},2026-11-17,AM,L,ten", "row 3: minutes_late must be a whole number, not 'ten'"),
        ("{upn},2026-11-17,AM,L,-5", "row 3: minutes_late must be a whole number, not '-5'"),
        ("{upn},2026-11-17,AM,L,5000", "row 3: minutes_late can be at most 600 (10 hours), not 5000"),
        (",2026-11-17,AM,/,", "row 3: the UPN is empty"),
        ("Z999999999999,2026-11-17,AM,/,", "row 3: no pupil with UPN 'Z999999999999' at this school"),
        (
            "{upn},2026-11-24,AM,/,",
            "row 3: 24 November 2026 is in the future; marks cannot be recorded ahead",
        ),
        ("{upn},2026-11-17,AM,/,5", "row 3: Minutes late go only with L or U, not /."),
    ],
)
def test_each_bad_row_is_reported_with_its_number_and_nothing_is_imported(
    tmp_path, school, pupil, capsys, row, expected
):
    body = f"{pupil.upn},2026-11-16,AM,/,\n" + row.format(upn=pupil.upn) + "\n"
    err = refused(tmp_path, school, body, capsys)
    assert err.splitlines() == [expected]
    assert not RegisterMark.objects.exists()


@TODAY
def test_pupil_not_on_roll_that_day_is_refused(tmp_path, school, own_class, capsys):
    joiner = f.PupilFactory(school=school, registration_class=own_class, admission_date=date(2026, 11, 18))
    leaver = f.PupilFactory(school=school, registration_class=own_class, leaving_date=date(2026, 11, 13))
    body = f"{joiner.upn},2026-11-18,AM,/,\n{joiner.upn},2026-11-17,PM,/,\n{leaver.upn},2026-11-16,AM,/,\n"
    err = refused(tmp_path, school, body, capsys)
    assert err.splitlines() == [
        "row 3: the pupil is not on roll on 17 November 2026",
        "row 4: the pupil is not on roll on 16 November 2026",
    ]
    assert not RegisterMark.objects.exists()


@TODAY
def test_today_is_accepted_but_tomorrow_is_not(tmp_path, school, pupil):
    rows = transfer.read_marks_csv(HEADER + f"{pupil.upn},2026-11-23,AM,/,\n", school=school)
    assert [(r.date, r.code) for r in rows] == [(date(2026, 11, 23), "/")]
    with pytest.raises(transfer.ImportRefused) as exc:
        transfer.read_marks_csv(
            HEADER + f"{pupil.upn},2026-11-23,AM,/,\n", school=school, today=date(2026, 11, 20)
        )
    assert exc.value.errors == [(2, "23 November 2026 is in the future; marks cannot be recorded ahead")]


@TODAY
def test_late_after_the_register_closes_becomes_u_like_on_the_register(tmp_path, school, pupil):
    # Register 8.30-9.00 in the morning and 13.15-13.45 in the afternoon (the model's defaults).
    body = (
        f"{pupil.upn},2026-11-16,AM,L,30\n"  # arrived 9.00: still late, present
        f"{pupil.upn},2026-11-16,PM,L,31\n"  # arrived 13.46: after the close, absent
        f"{pupil.upn},2026-11-17,AM,L,45\n"
        f"{pupil.upn},2026-11-17,PM,L,\n"  # no minutes in the MIS export: kept as L
    )
    out = io.StringIO()
    call_command("import_marks", str(write(tmp_path, body)), "--school", str(school.pk), stdout=out)
    saved = {(m.date.day, m.session): (m.code, m.minutes_late) for m in RegisterMark.objects.all()}
    assert saved == {
        (16, "AM"): ("L", 30),
        (16, "PM"): ("U", 31),
        (17, "AM"): ("U", 45),
        (17, "PM"): ("L", None),
    }
    assert "row 3: arrived after the register closed, so the late mark was recorded as U" in out.getvalue()
    assert "row 4: arrived after the register closed" in out.getvalue()
    assert "row 2: arrived" not in out.getvalue() and "row 5: arrived" not in out.getvalue()
    # The converted rows are now what the file means, so importing it again changes nothing.
    again = io.StringIO()
    call_command("import_marks", str(write(tmp_path, body)), "--school", str(school.pk), stdout=again)
    assert "0 new, 0 changed, 4 unchanged" in again.getvalue()


@TODAY
def test_late_after_close_in_a_refused_file_saves_nothing(tmp_path, school, pupil, capsys):
    body = f"{pupil.upn},2026-11-16,AM,L,40\n{pupil.upn},2026-11-16,PM,QQ,\n"
    err = refused(tmp_path, school, body, capsys)
    assert err.splitlines() == ["row 3: 'QQ' is not a DfE attendance code"]
    assert not RegisterMark.objects.exists()


@TODAY
@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8"),
        lambda text: text.encode("utf-8-sig"),
        lambda text: text.encode("cp1252"),
    ],
    ids=["utf-8", "utf-8 with BOM", "windows-1252"],
)
def test_utf8_and_windows_1252_files_are_read(tmp_path, school, pupil, encode):
    # "Zoë’s" and "café" are spelt differently in the three encodings; the header must still be found.
    text = "upn,date,session,code,minutes_late,note\n" + f"{pupil.upn},2026-11-16,AM,L,12,Zoë’s bus – café\n"
    path = tmp_path / "marks.csv"
    path.write_bytes(encode(text))
    call_command("import_marks", str(path), "--school", str(school.pk), stdout=io.StringIO())
    mark = RegisterMark.objects.get()
    assert (mark.code, mark.minutes_late) == ("L", 12)


def test_a_file_in_neither_encoding_is_refused(school):
    with pytest.raises(transfer.ImportRefused) as exc:
        transfer.decode_marks_file(HEADER.encode() + b"\x81\x8d\x90\n")
    assert exc.value.errors[0][0] == 1 and "UTF-8 or Windows-1252" in exc.value.errors[0][1]


@TODAY
def test_browser_upload_reports_late_after_close_and_accepts_windows_1252(
    login, office_staff, school, pupil, django_capture_on_commit_callbacks
):
    client = login(office_staff)
    body = (HEADER + f"{pupil.upn},2026-11-16,AM,L,35\n").replace("minutes_late", "minutes_late,note")
    body = body.replace(",35\n", ",35,Car broke down – sorry\n")
    upload = SimpleUploadedFile("m.csv", body.encode("cp1252"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("attendance:import_marks"), {"file": upload})
    response = client.get(response["Location"])
    page = response.content.decode()
    assert "1 new mark," in page
    assert "Row 2: arrived after the register closed, so the late mark was recorded as U." in page
    assert RegisterMark.objects.get().code == "U"


@TODAY
def test_browser_upload_lists_future_and_not_on_roll_rows(
    login, office_staff, school, own_class, pupil, django_capture_on_commit_callbacks
):
    leaver = f.PupilFactory(school=school, registration_class=own_class, leaving_date=date(2026, 11, 13))
    body = HEADER + f"{pupil.upn},2026-11-25,AM,/,\n{leaver.upn},2026-11-16,AM,/,\n"
    client = login(office_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("attendance:import_marks"), {"file": SimpleUploadedFile("m.csv", body.encode())}
        )
    response = client.get(response["Location"])
    assert response.context["job"].problems == [
        [2, "25 November 2026 is in the future; marks cannot be recorded ahead"],
        [3, "the pupil is not on roll on 16 November 2026"],
    ]
    assert "Nothing was imported" in response.content.decode()
    assert not RegisterMark.objects.exists()


def test_import_page_says_which_rules_apply(login, office_staff, school):
    page = login(office_staff).get(reverse("attendance:import_marks")).content.decode()
    assert "is saved as <code>U</code>" in page
    assert "<code>L</code> without minutes is accepted" in page
    assert "UTF-8 or Windows-1252" in page


@time_machine.travel("2026-11-23 10:00 +0000", tick=False)
def test_export_names_and_flags_are_formula_safe_and_the_query_count_does_not_grow(
    school, own_class, django_assert_max_num_queries
):
    hostile = f.PupilFactory(
        school=school, registration_class=own_class, legal_last_name="=HYPERLINK(1)", legal_first_name="+Ann"
    )
    hostile.looked_after = True
    hostile.save()
    pupils = school.pupils.all()
    calendar = transfer.SchoolCalendar.for_school(school)
    with django_assert_max_num_queries(3):
        rows = transfer.export_rows(pupils, date(2026, 11, 2), date(2026, 11, 20), calendar=calendar)
    for _ in range(5):
        f.PupilFactory(school=school, registration_class=own_class)
    with django_assert_max_num_queries(3):
        assert (
            len(transfer.export_rows(pupils, date(2026, 11, 2), date(2026, 11, 20), calendar=calendar)) == 7
        )
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["legal_last_name"], row["legal_first_name"]) == ("'=HYPERLINK(1)", "'+Ann")
    assert row["looked_after"] == "true"
