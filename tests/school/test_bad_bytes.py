"""Bad bytes in uploads and typing: NUL is a row error, direction controls never reach a letter."""

import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from attendance.models import RegisterMark
from school.models import Contact, Pupil
from school.text_input import disallowed_character, strip_bidi_controls
from tests import factories as f
from tests.school.test_import import GOOD, csv_text, row

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE
NUL_ROW_4 = "Row 4: contains a character that is not allowed (NUL)."
MARKS_HEADER = "upn,date,session,code,minutes_late\n"
TODAY = time_machine.travel("2026-11-23 10:00 +0000", tick=False)


@pytest.fixture
def classes(school, own_class, other_class):
    return own_class, other_class


def nul_in_row_4() -> bytes:
    lines = GOOD.splitlines()
    lines[3] = lines[3].replace("Cal", "Ca\x00l")
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("plain", None),
        ("tab\tnew\nline\r", None),
        ("a\x00b", "NUL"),
        ("bell\x07", "U+0007"),
        ("\x1b[31m", "U+001B"),
        ("\u202e", None),  # direction controls are stripped, not refused
    ],
)
def test_disallowed_character_boundaries(text, found):
    assert disallowed_character(text) == found


@pytest.mark.parametrize("code", [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069])
def test_every_direction_control_is_stripped(code):
    assert strip_bidi_controls(f"Sm{chr(code)}ith") == "Smith"


def test_neighbours_of_the_ranges_are_kept():
    kept = "\u2029\u202f\u2065\u206a"
    assert strip_bidi_controls(kept) == kept


def test_nul_in_pupil_upload_is_a_row_error_and_nothing_is_saved(login, office_staff, classes):
    client = login(office_staff)
    response = client.post(
        reverse("school:pupil_import"), {"file": SimpleUploadedFile("p.csv", nul_in_row_4())}
    )
    assert response.status_code < 500
    assert NUL_ROW_4 in response.content.decode()
    assert not Pupil.objects.exists()


def test_nul_in_pupil_import_command_is_a_row_error(school, classes, tmp_path):
    path = tmp_path / "pupils.csv"
    path.write_bytes(nul_in_row_4())
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_pupils", str(path), "--school", str(school.pk), stderr=err)
    assert NUL_ROW_4 in err.getvalue()
    assert not Pupil.objects.exists()


def test_nul_in_a_pupil_file_header_is_refused(school, classes, office_staff):
    from school.services import pupil_import

    result = pupil_import(actor=office_staff, school=school, data=b"up\x00n,first_name\n")
    assert [str(e) for e in result.errors] == ["Row 1: contains a character that is not allowed (NUL)."]


def test_imported_names_and_addresses_lose_direction_controls(school, classes, office_staff):
    from school.services import pupil_import

    text = csv_text(row(f.make_upn(701), first=f"Ada{RLO}", last=f"{RLO}enotS"))
    text = text.replace("Rhea", f"Rh{RLO}ea")
    result = pupil_import(actor=office_staff, school=school, data=text.encode())
    assert result.applied, result.errors
    ada = Pupil.objects.get()
    assert (ada.legal_first_name, ada.legal_last_name) == ("Ada", "enotS")
    assert Contact.objects.filter(first_name="Rhea").exists()


@TODAY
def test_nul_in_marks_upload_is_a_row_error(
    login, office_staff, school, pupil, django_capture_on_commit_callbacks
):
    body = f"{pupil.upn},2026-11-16,AM,/,\n{pupil.upn},2026-11-16,PM,/,\n{pupil.upn}\x00,2026-11-17,AM,/,\n"
    client = login(office_staff)
    upload = SimpleUploadedFile("m.csv", (MARKS_HEADER + body).encode())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("attendance:import_marks"), {"file": upload})
    response = client.get(response["Location"])
    page = response.content.decode()
    assert "contains a character that is not allowed (NUL)" in page and "Nothing was imported" in page
    assert not RegisterMark.objects.exists()


@TODAY
def test_nul_in_marks_command_is_a_row_error(tmp_path, school, pupil, capsys):
    path = tmp_path / "marks.csv"
    path.write_bytes((MARKS_HEADER + f"{pupil.upn},2026-11-16,AM,/\x00,\n").encode())
    with pytest.raises(CommandError, match="1 row"):
        call_command("import_marks", str(path), "--school", str(school.pk))
    assert "row 2: contains a character that is not allowed (NUL)" in capsys.readouterr().err
    assert not RegisterMark.objects.exists()


@pytest.mark.parametrize("module_name", ["school.text_input", "accounts.file_backup", "reports.suppression"])
def test_worked_examples(module_name):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module_name))
    assert result.attempted > 0 and result.failed == 0
