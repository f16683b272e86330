"""The template editor: versions kept, unknown fields refused beside the field, sanitised text,
translations, previews with a real pupil, the letterhead, and who may do what."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from letters import template_services
from letters.models import Letterhead, LetterTemplateVersion
from letters.services import letter_produce
from school.models import AuditEntry
from tests import factories as f

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def huge_png() -> bytes:
    """A 12,000 pixel square PNG in a few kilobytes: well under the size limit."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (12000, 12000), 1).save(out, format="PNG")
    return out.getvalue()


def template(school, code="letter_1"):
    return template_services.school_templates(school)[code]


def edit_url(t, language="English"):
    return f"{reverse('letters:template_edit', args=[t.pk])}?language={language}"


def test_the_editor_shows_the_default_text_merge_fields_and_a_reading_score(login, headteacher, school):
    t = template(school)
    page = login(headteacher).get(edit_url(t)).content.decode()
    assert "Letter 1: attendance initial concerns" in page
    assert "{pupil_first_name}" in page and "Hours of learning lost" in page
    assert "Flesch reading ease" in page and "(the default text)" in page
    assert "vendor/trix/trix.umd.min.js" in page


def test_an_unknown_field_is_shown_beside_the_field_and_nothing_is_saved(login, headteacher, school):
    t = template(school)
    response = login(headteacher).post(
        edit_url(t),
        {
            "subject": "Hello {pupil_frist_name}",
            "body_html": "<p>Dear {{ secret }}</p>",
            "expected_number": 1,
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Unknown merge field: {pupil_frist_name}" in page
    assert "Unknown merge field: {secret}" in page
    assert LetterTemplateVersion.objects.filter(template=t).count() == 1


def test_saving_adds_a_sanitised_version_and_keeps_the_old_one(login, headteacher, school):
    t = template(school)
    response = login(headteacher).post(
        edit_url(t),
        {
            "subject": "About {pupil_first_name}",
            "body_html": '<p onclick="x()">Dear {contact_name}<script>alert(1)</script></p><img src="http://x">',
            "expected_number": 1,
        },
    )
    assert response.status_code == 302
    versions = list(t.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].body_html == "<p>Dear {contact_name}</p>" and versions[1].created_by == headteacher
    assert (
        "Letter 1" not in versions[1].subject
        and versions[0].subject == "{pupil_first_name}'s attendance at school"
    )
    assert AuditEntry.objects.filter(
        action="letters.template.version_saved", object_id=str(versions[1].pk)
    ).exists()
    history = login(headteacher).get(reverse("letters:template_history", args=[t.pk])).content.decode()
    assert "About {pupil_first_name}" in history and "Default text" in history


def test_a_save_over_a_newer_version_is_refused(login, headteacher, attendance_officer, school):
    t = template(school)
    data = {"subject": "Mine", "body_html": "<p>Mine</p>", "expected_number": 1}
    assert login(attendance_officer).post(edit_url(t), data).status_code == 302
    page = login(headteacher).post(edit_url(t), data | {"subject": "Theirs"}).content.decode()
    assert "Someone saved version 2" in page
    assert t.versions.count() == 2


def test_a_translation_is_added_and_used_for_a_polish_speaking_parent(login, headteacher, school, pupil):
    t = template(school)
    client = login(headteacher)
    page = client.get(edit_url(t, "Polish")).content.decode()
    assert "No Polish translation yet" in page
    response = client.post(
        edit_url(t, "Polish"),
        {
            "subject": "Frekwencja {pupil_first_name}",
            "body_html": "<p>Szanowni Państwo</p>",
            "expected_number": 0,
        },
    )
    assert response.status_code == 302
    assert t.versions.filter(language="Polish", number=1).exists()
    f.PupilContactFactory(pupil=pupil, contact__preferred_language="Polish", contact__address="1 Row")
    from letters.recipients import addressees

    letter = letter_produce(
        actor=headteacher, pupil=pupil, code="letter_1", addressee=addressees(pupil)[0], queue=False
    )
    assert letter.language == "Polish" and "Szanowni" in letter.body_html


def test_preview_with_a_real_pupil_prints_hostile_names_literally(login, attendance_officer, school, pupil):
    pupil.preferred_first_name = "<script>alert(1)</script>"
    pupil.save()
    t = template(school)
    data = {
        "subject": "For {pupil_first_name}",
        "body_html": "<p>Hello {pupil_first_name} of {class_name}</p>",
        "pupil": pupil.pk,
    }
    client = login(attendance_officer)
    page = client.post(reverse("letters:template_preview", args=[t.pk]), data).content.decode()
    assert "Hello &lt;script&gt;alert(1)&lt;/script&gt; of " + pupil.registration_class.name in page
    assert "<script>alert(1)</script>" not in page
    response = client.post(reverse("letters:template_preview_pdf", args=[t.pk]), data)
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Hello <script>alert(1)</script> of" in text and "Page 1 of 1" in text
    assert LetterTemplateVersion.objects.filter(template=t).count() == 1  # nothing saved


def test_preview_names_the_schools_signatory_as_the_person_to_contact(login, headteacher, school, pupil):
    # The preview once printed the merge field's example "Please contact Mr Green", a name nobody at
    # the school has; the letters the school sends name its signatory.
    template_services.letterhead_save(
        actor=headteacher,
        school=school,
        address="1 Lane",
        signatory_name="Ms Rowan Hale",
        signatory_role="Headteacher",
        contact_line="",
        attendance_target=96,
        logo=None,
    )
    data = {"subject": "x", "body_html": "<p>Please contact {staff_name}.</p>", "pupil": pupil.pk}
    page = login(headteacher).post(reverse("letters:template_preview", args=[template(school).pk]), data)
    text = page.content.decode()
    assert "Please contact Ms Rowan Hale." in text and "Mr Green" not in text


def test_preview_refuses_a_pupil_out_of_scope(login, attendance_officer, school, other_school_pupil):
    t = template(school)
    data = {"subject": "x", "body_html": "<p>x</p>", "pupil": other_school_pupil.pk}
    response = login(attendance_officer).post(reverse("letters:template_preview", args=[t.pk]), data)
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("persona", "code", "status"),
    [
        ("headteacher", "letter_1", 200),
        ("headteacher", "send_provision", 200),
        ("attendance_officer", "letter_1", 200),
        ("attendance_officer", "send_provision", 404),
        ("sendco", "send_provision", 200),
        ("sendco", "letter_1", 404),
        ("dsl", "letter_1", 404),
        ("class_teacher", "letter_1", 403),
        ("office_staff", "letter_1", 403),
        ("governor", "letter_1", 403),
    ],
)
def test_who_may_edit_which_template(request, login, school, persona, code, status):
    user = request.getfixturevalue(persona)
    assert login(user).get(edit_url(template(school, code))).status_code == status


def test_the_list_shows_only_the_kinds_one_may_edit(login, sendco, attendance_officer, governor, school):
    page = login(sendco).get(reverse("letters:template_list")).content.decode()
    assert "SEN provision is being made" in page and "Letter 1" not in page
    page = login(attendance_officer).get(reverse("letters:template_list")).content.decode()
    assert "Letter 1" in page and "SEN provision" not in page
    assert login(governor).get(reverse("letters:template_list")).status_code == 403


def test_governors_see_no_letters(login, governor, headteacher, pupil):
    letter = letter_produce(actor=headteacher, pupil=pupil, code="letter_1", addressee=None, queue=False)
    assert login(governor).get(reverse("letters:letter_download", args=[letter.pk])).status_code in (403, 404)
    assert login(governor).get(reverse("letters:panel_pupil", args=[pupil.pk])).status_code in (403, 404)


def test_the_headteacher_sets_the_letterhead_and_letters_use_it(login, headteacher, school, pupil):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(headteacher)
    data = {
        "address": "1 School Lane\nTestville",
        "signatory_name": "Mrs J Example",
        "signatory_role": "Headteacher",
        "contact_line": "01632 960001",
        "attendance_target": "95.5",
    }
    bad = client.post(
        reverse("letters:letterhead_edit"), data | {"logo": SimpleUploadedFile("l.svg", b"<svg/>")}
    )
    assert "PNG or JPEG" in bad.content.decode() and not Letterhead.objects.exists()
    # Only the first bytes of a PNG: letters would print without a logo, silently.
    fake = client.post(
        reverse("letters:letterhead_edit"),
        data | {"logo": SimpleUploadedFile("l.png", b"\x89PNG" + b"x" * 50)},
    )
    assert "PNG or JPEG" in fake.content.decode() and not Letterhead.objects.exists()
    huge = client.post(
        reverse("letters:letterhead_edit"), data | {"logo": SimpleUploadedFile("l.png", huge_png())}
    )
    assert "at most 2000 pixels" in huge.content.decode() and not Letterhead.objects.exists()
    response = client.post(
        reverse("letters:letterhead_edit"), data | {"logo": SimpleUploadedFile("l.png", PNG)}
    )
    assert response.status_code == 302
    letterhead = Letterhead.objects.get(school=school)
    assert letterhead.logo_data_uri.startswith("data:image/png;base64,")
    letter = letter_produce(actor=headteacher, pupil=pupil, code="termly_report", addressee=None, queue=False)
    assert letter.letterhead["signatory_name"] == "Mrs J Example"
    assert letter.merge_values["attendance_target"] == "95.5%"
    assert AuditEntry.objects.filter(action="letters.letterhead.saved").count() == 1


def test_the_demo_school_has_a_letterhead_and_a_polish_letter_1(db):
    from django.core.management import call_command

    from letters.recipients import addressees
    from letters.services import letter_render
    from school.models import PupilContact
    from school.private_files import read_private_file

    call_command("seed_demo", "--seed", "3", "--today", "2026-11-23", stdout=io.StringIO())
    from letters.models import Letter

    # The demo's case logs already hold a letter in a parent's language, beside the English ones.
    assert Letter.objects.filter(code="letter_1", language="Polish").exists()
    assert Letter.objects.filter(code="letter_1", language="English").exists()
    invitations = Letter.objects.filter(code="letter_2")
    assert invitations.exists() and not any(" on  at " in lt.body_html for lt in invitations)
    link = PupilContact.objects.filter(
        parental_responsibility=True, contact__preferred_language="Polish"
    ).first()
    school = link.pupil.school
    assert Letterhead.objects.get(school=school).logo_data_uri.startswith("data:image/png;base64,")
    [addressee] = [a for a in addressees(link.pupil) if link.contact.pk in a.contact_ids]
    head = school.memberships.filter(role="headteacher").first().user
    letter = letter_produce(actor=head, pupil=link.pupil, code="letter_1", addressee=addressee, queue=False)
    assert letter.language == "Polish"
    letter_render(letter_id=letter.pk)
    letter.refresh_from_db()
    data = read_private_file(letter.private_file_name())
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Szanowni Państwo" in text and "Z poważaniem" in text and "Larkfield" in text
    assert "września" in text  # the figures' start date, in Polish (September)
