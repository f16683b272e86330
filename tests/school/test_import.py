import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from school.models import AuditEntry, Contact, Pupil, PupilContact, RegistrationClass
from school.pupil_import import parse_pupil_csv
from school.services import pupil_import
from tests import factories as f

HEADER = (
    "upn,first_name,last_name,preferred_first_name,date_of_birth,sex,year_group,class,admission_date,leaving_date,"
    "pupil_premium,free_school_meals,eal,looked_after,previously_looked_after,young_carer,service_child,"
    "medical_condition,contact1_first_name,contact1_last_name,contact1_relationship,contact1_phone,"
    "contact1_email,contact1_parental_responsibility,contact1_language,contact2_first_name,contact2_last_name,"
    "contact2_relationship,contact2_phone"
)
UPN1, UPN2, UPN3 = f.make_upn(701), f.make_upn(702), f.make_upn(703)


def row(
    upn,
    first="Ada",
    last="Stone",
    *,
    dob="2018-05-01",
    sex="F",
    year="Year 3",
    cls="Oak",
    admitted="2022-09-01",
    left="",
    pp="yes",
    c1=("Rhea", "Stone", "Mother", "07700 900111", "rhea@example.com", "yes", "Polish"),
    c2=("Dan", "Stone", "Father", "07700 900112"),
):
    flags = f"{pp},no,1,0,,false,no,no"
    return ",".join([upn, first, last, "", dob, sex, year, cls, admitted, left, flags, *c1, *c2])


def csv_text(*rows):
    return "\n".join([HEADER, *rows]) + "\n"


GOOD = csv_text(
    row(UPN1), row(UPN2, "Ben", year="R", cls="Ash"), row(UPN3, "Cal", cls="", c2=("", "", "", ""))
)


@pytest.fixture
def classes(school, own_class, other_class):
    return own_class, other_class


def test_import_creates_pupils_contacts_and_shared_siblings(school, classes, office_staff):
    result = pupil_import(actor=office_staff, school=school, data=GOOD.encode())
    assert result.applied and not result.errors
    assert (result.pupils_created, result.contacts_created, result.links_created) == (3, 2, 5)
    ada = Pupil.objects.get(upn=UPN1)
    assert ada.registration_class.name == "Oak" and ada.year_group == 3 and ada.pupil_premium and ada.eal
    assert Pupil.objects.get(upn=UPN2).year_group == 0
    assert Pupil.objects.get(upn=UPN3).registration_class is None
    mother = Contact.objects.get(first_name="Rhea")
    assert mother.pupil_links.count() == 3 and mother.preferred_language == "Polish"
    assert PupilContact.objects.get(pupil=ada, contact=mother).parental_responsibility
    assert AuditEntry.objects.filter(action="school.pupil.created", sealed_reason="import").count() == 3


def test_reimporting_the_same_file_changes_nothing(school, classes, office_staff):
    pupil_import(actor=office_staff, school=school, data=GOOD.encode())
    counts = (
        Pupil.objects.count(),
        Contact.objects.count(),
        PupilContact.objects.count(),
        AuditEntry.objects.count(),
    )
    result = pupil_import(actor=office_staff, school=school, data=GOOD.encode())
    assert result.applied and result.pupils_unchanged == 3
    assert (
        result.pupils_changed,
        result.contacts_created,
        result.contacts_changed,
        result.links_created,
    ) == (0, 0, 0, 0)
    assert counts == (
        Pupil.objects.count(),
        Contact.objects.count(),
        PupilContact.objects.count(),
        AuditEntry.objects.count(),
    )


def test_changes_are_audited_with_reason_import(school, classes, office_staff):
    pupil_import(actor=office_staff, school=school, data=GOOD.encode())
    changed = csv_text(
        row(UPN1, left="2026-12-18", cls="Ash"),
        row(UPN2, "Ben", year="R", cls="Ash"),
        row(UPN3, "Cal", cls="", c2=("", "", "", "")),
    )
    result = pupil_import(actor=office_staff, school=school, data=changed.encode())
    assert (result.pupils_changed, result.pupils_unchanged) == (1, 2)
    entry = AuditEntry.objects.get(action="school.pupil.changed")
    assert entry.reason == "import" and entry.pupil.upn == UPN1
    assert entry.after == {"leaving_date": "2026-12-18", "registration_class_id": classes[1].pk}


def test_contact_details_update_the_existing_contact(school, classes, office_staff):
    pupil_import(actor=office_staff, school=school, data=GOOD.encode())
    new_phone = GOOD.replace("07700 900111", "07700 900999")
    result = pupil_import(actor=office_staff, school=school, data=new_phone.encode())
    assert (result.contacts_created, result.contacts_changed) == (0, 1)
    assert Contact.objects.get(first_name="Rhea").phone == "07700 900999"


@pytest.mark.parametrize(
    "bad_row, column, words",
    [
        (row("A123"), "upn", "13 characters"),
        (row("B" + UPN1[1:] if UPN1[0] != "B" else "C" + UPN1[1:]), "upn", "check letter"),
        (row(UPN1, first=""), "first_name", "required"),
        (row(UPN1, dob="31/02/2018"), "date_of_birth", "not a date"),
        (row(UPN1, sex="X"), "sex", "F or M"),
        (row(UPN1, year="Year 14"), "year_group", "not a year group"),
        (row(UPN1, cls="Mars"), "class", 'no class called "Mars"'),
        (row(UPN1, admitted="2017-01-01"), "admission_date", "before the date of birth"),
        (row(UPN1, left="2021-01-01"), "leaving_date", "before the admission date"),
        (row(UPN1, pp="perhaps"), "pupil_premium", "not yes or no"),
        (
            row(UPN1, c1=("Rhea", "", "Mother", "", "rhea@example.com", "yes", "")),
            "contact1_last_name",
            "required",
        ),
        (
            row(UPN1, c1=("Rhea", "Stone", "Mother", "", "not-email", "yes", "")),
            "contact1_email",
            "not an email",
        ),
        (row(UPN1, c2=("Dan", "Stone", "", "")), "contact2_relationship", "required"),
    ],
)
def test_every_bad_row_is_reported_and_nothing_is_imported(
    school, classes, office_staff, bad_row, column, words
):
    text = csv_text(row(UPN2, "Ben"), bad_row)
    result = pupil_import(actor=office_staff, school=school, data=text.encode())
    assert not result.applied
    assert [(e.row, e.column) for e in result.errors] == [(3, column)]
    assert words in result.errors[0].message
    assert str(result.errors[0]).startswith(f"Row 3, {column}:")
    assert not Pupil.objects.exists() and not Contact.objects.exists() and not AuditEntry.objects.exists()


def test_all_errors_in_a_file_are_reported_together(school, classes, office_staff):
    text = csv_text(row("A1"), row(UPN2, sex="Q"), row(UPN2, "Twin"))
    result = pupil_import(actor=office_staff, school=school, data=text.encode())
    assert [(e.row, e.column) for e in result.errors] == [(2, "upn"), (3, "sex"), (4, "upn")]
    assert "also on row 3" in result.errors[2].message


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "empty"),
        ("upn,first_name\n", "Missing columns: last_name, date_of_birth"),
        (HEADER + "\n", "no pupils"),
        (
            HEADER.replace("last_name,preferred", "upn,preferred") + "\n",
            "Missing column: last_name",
        ),
    ],
)
def test_file_level_errors(school, office_staff, text, words):
    result = pupil_import(actor=office_staff, school=school, data=text.encode())
    assert not result.applied and words in result.errors[0].message


def test_duplicate_columns_are_refused(school, office_staff):
    result = pupil_import(actor=office_staff, school=school, data=(HEADER + ",eal\n").encode())
    assert "Column appears twice: eal." in result.errors[0].message


def test_unknown_classes_can_be_created_on_request(school, office_staff):
    result = pupil_import(actor=office_staff, school=school, data=GOOD.encode(), create_classes=True)
    assert result.applied and sorted(result.classes_created) == ["Ash", "Oak"]
    assert RegistrationClass.objects.get(school=school, name="Ash").year_group == 0
    assert AuditEntry.objects.filter(action="school.class.created").count() == 2


def test_dry_run_imports_nothing_but_counts(school, classes, office_staff):
    result = pupil_import(actor=office_staff, school=school, data=GOOD.encode(), dry_run=True)
    assert not result.applied and result.pupils_created == 3
    assert not Pupil.objects.exists() and not AuditEntry.objects.exists()


def test_windows_1252_and_byte_order_mark(school, classes, office_staff):
    text = csv_text(row(UPN1, first="Zoë"))
    assert pupil_import(actor=office_staff, school=school, data=text.encode("cp1252")).applied
    assert Pupil.objects.get(upn=UPN1).legal_first_name == "Zoë"
    assert (
        pupil_import(actor=office_staff, school=school, data=b"\xef\xbb\xbf" + text.encode()).pupils_unchanged
        == 1
    )


def test_absent_columns_leave_fields_alone(school, classes, office_staff, pupil):
    pupil.pupil_premium = True
    pupil.save()
    minimal = (
        "upn,first_name,last_name,date_of_birth,sex,year_group,admission_date\n"
        f"{pupil.upn},{pupil.legal_first_name},{pupil.legal_last_name},2018-05-01,F,3,2022-09-01\n"
    )
    result = pupil_import(actor=office_staff, school=school, data=minimal.encode())
    assert result.pupils_unchanged == 1
    pupil.refresh_from_db()
    assert pupil.pupil_premium and pupil.registration_class is not None


def test_parser_is_pure_and_ignores_unknown_columns():
    parsed = parse_pupil_csv(
        GOOD.replace("contact2_phone", "contact2_phone,shoe_size").replace("900112", "900112,7"),
        class_names={"oak", "ash"},
    )
    assert parsed.is_valid and parsed.ignored_columns == ["shoe_size"]
    assert parsed.rows[0].class_name == "oak"


def test_management_command(school, classes, tmp_path):
    path = tmp_path / "pupils.csv"
    path.write_text(GOOD)
    out = io.StringIO()
    call_command("import_pupils", str(path), "--school", school.name, stdout=out)
    assert "pupils 3 new" in out.getvalue()
    path.write_text(csv_text(row("A1")))
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_pupils", str(path), "--school", str(school.pk), stderr=err)
    assert "Row 2, upn" in err.getvalue()


def test_command_needs_a_school_when_there_are_several(school, other_school, tmp_path):
    path = tmp_path / "pupils.csv"
    path.write_text(GOOD)
    with pytest.raises(CommandError, match="--school"):
        call_command("import_pupils", str(path))


def test_browser_upload(login, office_staff, classes):
    client = login(office_staff)
    url = reverse("school:pupil_import")
    bad = client.post(url, {"file": SimpleUploadedFile("p.csv", csv_text(row("A1")).encode())})
    assert "Row 2, upn" in bad.content.decode() and not Pupil.objects.exists()
    good = client.post(url, {"file": SimpleUploadedFile("p.csv", GOOD.encode())})
    assert "Pupils: 3 new" in good.content.decode() and Pupil.objects.count() == 3
    wrong_type = client.post(url, {"file": SimpleUploadedFile("p.xlsx", b"xx")})
    assert "Upload a CSV file" in wrong_type.content.decode()
