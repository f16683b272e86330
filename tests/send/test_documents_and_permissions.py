"""Documents (checked uploads, permission-checked downloads, audited views) and who sees what."""

import io
import zipfile
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from school.models import AuditEntry
from school.private_files import private_storage
from send import services
from send.models import SendDocument
from tests import factories as f

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(client, pupil, name, data, **extra):
    return client.post(
        f"/send/pupils/{pupil.pk}/documents/new/",
        {
            "title": "EP report",
            "kind": "report",
            "file": SimpleUploadedFile(name, data),
            **extra,
        },
    )


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("report.pdf", PDF),
        ("scan.png", PNG),
        ("notes.docx", docx_bytes()),
        ("photo.JPG", b"\xff\xd8\xff\xe0" + b"0" * 20),
    ],
)
def test_good_uploads_are_stored_privately(login, sendco, pupil, settings, name, data):
    response = upload(login(sendco), pupil, name, data)
    assert response.status_code == 302
    document = SendDocument.objects.get()
    # In the private storage, which is the folder PRIVATE_MEDIA_ROOT names.
    assert private_storage().open(document.private_file_name()).read() == data
    assert (settings.PRIVATE_MEDIA_ROOT / document.private_file_name()).read_bytes() == data
    assert document.stored_name != name and document.original_name == name
    assert AuditEntry.objects.filter(action="send.document.uploaded", pupil=pupil).count() == 1


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.pdf", b"<html><script>alert(1)</script></html>", "Only PDF, Word (.docx), JPEG and PNG"),
        ("report.png", PDF, "The file is a PDF but its name ends in .png"),
        ("tool.exe", b"MZ\x90\x00", "Only PDF, Word (.docx), JPEG and PNG"),
        ("archive.docx", b"PK\x03\x04not really a zip", "Only PDF, Word (.docx), JPEG and PNG"),
        ("empty.pdf", b"", "The submitted file is empty"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_saved(login, sendco, pupil, settings, name, data, message):
    response = upload(login(sendco), pupil, name, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SendDocument.objects.exists() and not AuditEntry.objects.exists()
    root = settings.PRIVATE_MEDIA_ROOT
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))


def test_a_zip_that_is_not_a_word_document_is_refused(login, sendco, pupil):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.sh", "rm -rf /")
    response = upload(login(sendco), pupil, "letter.docx", buffer.getvalue())
    assert "Only PDF, Word (.docx), JPEG and PNG" in response.content.decode()


@override_settings(MAX_UPLOAD_BYTES=1024)
def test_too_large_is_refused(login, sendco, pupil):
    response = upload(login(sendco), pupil, "big.pdf", PDF + b"0" * 2000)
    assert "The file is too large" in response.content.decode()
    assert not SendDocument.objects.exists()


def _doc(pupil, user, **kwargs):
    return services.document_upload(
        actor=user,
        pupil=pupil,
        uploaded_file=SimpleUploadedFile("r.pdf", PDF),
        title=kwargs.pop("title", "Report"),
        **{"kind": "report", "confidential": False, **kwargs},
    )


def test_download_headers_and_audit_of_sensitive_documents(login, sendco, pupil):
    plain = _doc(pupil, sendco)
    plan = _doc(pupil, sendco, kind="ehc_plan", title="EHC plan")
    client = login(sendco)
    response = client.get(f"/send/documents/{plain.pk}/download/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert not AuditEntry.objects.filter(action="send.document.viewed").exists()
    client.get(f"/send/documents/{plan.pk}/download/")
    viewed = AuditEntry.objects.get(action="send.document.viewed")
    assert viewed.actor == sendco and viewed.object_id == str(plan.pk) and viewed.pupil_id == pupil.pk


def test_teaching_assistant_sees_strategies_and_passport_but_not_confidential_documents(
    login, sendco, teaching_assistant, pupil
):
    services.send_status_change(actor=sendco, pupil=pupil, to_status="ehc_plan", reason="Joined with a plan")
    cycle = f.SupportCycleFactory(pupil=pupil)
    f.TargetFactory(cycle=cycle, strategies="Sit near the front; visual prompts")
    services.passport_save(
        actor=sendco,
        pupil=pupil,
        liked_and_admired="Kind",
        important_to_me="My dog",
        how_to_support_me="Give me a minute to think",
    )
    secret = _doc(pupil, sendco, kind="medical", confidential=True, title="Medical letter")
    open_doc = _doc(pupil, sendco, title="Speech report")
    client = login(teaching_assistant)
    page = client.get(f"/send/pupils/{pupil.pk}/").content.decode()
    assert "Sit near the front; visual prompts" in page and "Give me a minute to think" in page
    assert "Speech report" in page and "Medical letter" not in page
    assert client.get(f"/send/documents/{secret.pk}/download/").status_code == 404
    assert client.get(f"/send/documents/{open_doc.pk}/download/").status_code == 200
    assert not AuditEntry.objects.filter(action="send.document.viewed").exists()
    class_page = client.get("/send/my-class/").content.decode()
    assert "Sit near the front; visual prompts" in class_page and "Give me a minute to think" in class_page
    assert client.get(f"/send/pupils/{pupil.pk}/passport.pdf").status_code == 200
    # The TA cannot do the SENDCo's work.
    assert client.get(f"/send/pupils/{pupil.pk}/status/").status_code == 403
    assert client.get("/send/").status_code == 403


def test_governor_sees_none_of_it(login, sendco, governor, pupil):
    cycle = f.SupportCycleFactory(pupil=pupil)
    document = _doc(pupil, sendco)
    client = login(governor)
    for url in [
        "/send/",
        "/send/my-class/",
        f"/send/pupils/{pupil.pk}/",
        f"/send/cycles/{cycle.pk}/plan.pdf",
        f"/send/documents/{document.pk}/download/",
        f"/send/pupils/{pupil.pk}/passport/",
        "/send/register.csv",
    ]:
        assert client.get(url).status_code == 403, url


def test_other_class_and_other_school_are_not_found(
    login, sendco, class_teacher, other_class_pupil, other_school_pupil, other_school_teacher
):
    cycle = f.SupportCycleFactory(pupil=other_class_pupil)
    document = _doc(other_class_pupil, sendco)
    client = login(class_teacher)
    for url in [
        f"/send/pupils/{other_class_pupil.pk}/",
        f"/send/cycles/{cycle.pk}/",
        f"/send/cycles/{cycle.pk}/plan.pdf",
        f"/send/documents/{document.pk}/download/",
    ]:
        assert client.get(url).status_code == 404, url
    foreign = login(sendco)
    assert foreign.get(f"/send/pupils/{other_school_pupil.pk}/").status_code == 404


def test_register_export_in_census_shape_and_formula_safe(login, sendco, school):
    k = f.SendRecordFactory(
        pupil=f.PupilFactory(school=school), status="sen_support", primary_need="SPLD", secondary_need="SEMH"
    )
    e = f.SendRecordFactory(pupil=f.PupilFactory(school=school), status="ehc_plan", primary_need="ASD")
    f.SendRecordFactory(pupil=f.PupilFactory(school=school), status="monitoring")
    f.SendRecordFactory(
        pupil=f.PupilFactory(school=school, leaving_date=date(2026, 10, 1)), status="sen_support"
    )
    response = login(sendco).get("/send/register.csv")
    lines = response.content.decode().splitlines()
    assert lines[0] == "UPN,SEN provision,Primary need,Secondary need"
    assert sorted(lines[1:]) == sorted([f"{k.pupil.upn},K,SPLD,SEMH", f"{e.pupil.upn},E,ASD,"])
    assert response["Content-Disposition"].startswith("attachment")
