"""The records export holds the files too: one ZIP with the PDF, the JSON, every uploaded document and
letter PDF not withheld, and a manifest of checksums. Each file is an item the reviewer decides."""

import hashlib
import io
import json
import zipfile
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from accounts import services
from accounts.models import RecordRequest
from letters.models import Letter
from letters.services import letter_create, letter_render
from school.models import AuditEntry
from school.private_files import private_storage, read_private_file
from send import services as send_services

TODAY = date(2026, 12, 1)
REPORT = b"%PDF-1.4\n% a speech and language report, as the therapist sent it\n%%EOF\n"
DRAWING = b"\x89PNG\r\n\x1a\n" + b"a drawing that names another child" * 3


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def _upload(actor, pupil, name, data, *, title, confidential=False):
    return send_services.document_upload(
        actor=actor,
        pupil=pupil,
        uploaded_file=SimpleUploadedFile(name, data),
        kind="report",
        title=title,
        confidential=confidential,
    )


def _letter(actor, pupil, *, render=True):
    letter = letter_create(
        actor=actor,
        pupil=pupil,
        kind=Letter.Kind.VIEWS_REQUEST,
        subject="Your views before the review",
        body_template="send/letters/views_request_body.html",
        context={
            "request_": {"respondent": "parent"},
            "cycle": {"get_plan_type_display": "Support plan", "review_due": date(2026, 12, 11)},
        },
    )
    if render:
        assert letter_render(letter_id=letter.pk) == Letter.Status.RENDERED
    letter.refresh_from_db()
    return letter


def _request(pupil, headteacher):
    return services.record_request_create(
        actor=headteacher,
        school=pupil.school,
        pupil=pupil,
        kind=RecordRequest.Kind.SUBJECT_ACCESS,
        requester_name="Jo Parent",
        requester_relationship="Mother",
        received_on=TODAY,
        identity_checked=True,
    )


@pytest.fixture
def files(headteacher, pupil):
    report = _upload(headteacher, pupil, "Speech report.pdf", REPORT, title="Speech and language report")
    drawing = _upload(headteacher, pupil, "drawing.png", DRAWING, title="Class drawing", confidential=True)
    letter = _letter(headteacher, pupil)
    return {"report": report, "drawing": drawing, "letter": letter, "request": _request(pupil, headteacher)}


def _decide(client, request, decisions):
    url = reverse("accounts:record_item_decide", args=[request.pk])
    for obj, decision in decisions:
        key = f"{obj._meta.label_lower}:{obj.pk}"
        assert client.post(url, {"item_key": key, "decision": decision}).status_code == 302


def _open(response):
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return archive, {name: archive.read(name) for name in archive.namelist()}


def test_the_final_zip_holds_the_released_files_byte_for_byte_and_a_manifest(
    login, headteacher, pupil, files
):
    client = login(headteacher)
    request = files["request"]
    _decide(
        client,
        request,
        [(files["report"], "release"), (files["drawing"], "withhold"), (files["letter"], "release")],
    )
    archive, content = _open(client.get(reverse("accounts:record_request_export", args=[request.pk])))
    stem = f"records-request-{request.pk}-final-20261201"
    letter_name = f"files/02-{files['letter'].filename}"
    assert set(content) == {
        f"{stem}.pdf",
        f"{stem}.json",
        "manifest.json",
        "files/01-Speech report.pdf",
        letter_name,
    }
    assert content["files/01-Speech report.pdf"] == REPORT
    assert content[letter_name] == read_private_file(files["letter"].private_file_name())
    assert content[letter_name].startswith(b"%PDF-")
    assert not any(DRAWING in data for data in content.values())

    manifest = json.loads(content["manifest.json"])
    assert manifest["status"] == "Final" and manifest["items_withheld"] == 1
    listed = {entry["file"]: entry for entry in manifest["files"]}
    assert set(listed) == {"files/01-Speech report.pdf", letter_name}
    for name, entry in listed.items():
        assert entry["sha256"] == hashlib.sha256(content[name]).hexdigest()
        assert entry["bytes"] == len(content[name])
    assert listed["files/01-Speech report.pdf"]["original_name"] == "Speech report.pdf"
    assert {entry["file"]: entry["sha256"] for entry in manifest["export"]} == {
        name: hashlib.sha256(content[name]).hexdigest() for name in (f"{stem}.pdf", f"{stem}.json")
    }

    data = json.loads(content[f"{stem}.json"])
    items = {item["key"]: item for section in data["sections"] for item in section["items"]}
    assert items[f"send.senddocument:{files['report'].pk}"]["file"]["file"] == "files/01-Speech report.pdf"
    assert f"send.senddocument:{files['drawing'].pk}" not in items
    assert "Class drawing" not in content[f"{stem}.json"].decode()  # nor its upload in the audit trail
    pdf_text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content[f"{stem}.pdf"])).pages)
    assert "The file is in this download: files/01-Speech report.pdf" in pdf_text
    assert "Class drawing" not in pdf_text and "drawing.png" not in pdf_text

    entry = AuditEntry.objects.get(action="accounts.record_request.exported")
    assert entry.pupil_id == pupil.pk and entry.actor_id == headteacher.pk
    assert entry.after == {
        "draft": False,
        "items": entry.after["items"],
        "withheld": 1,
        "to_review": 0,
        "files": 2,
        "files_missing": 0,
    }


def test_every_file_is_an_item_to_review_with_a_link_to_open_it(login, headteacher, pupil, files):
    pending = _letter(headteacher, pupil, render=False)  # no PDF yet: nothing to hold or review
    page = login(headteacher).get(reverse("accounts:record_request_detail", args=[files["request"].pk]))
    text = page.content.decode()
    assert "3 items to review" in text
    assert "A file held about the pupil: open it and check it before release" in text
    assert reverse("send:document_download", args=[files["report"].pk]) in text
    assert reverse("letters:letter_download", args=[files["letter"].pk]) in text
    assert reverse("letters:letter_download", args=[pending.pk]) not in text


def test_the_draft_holds_every_file_and_names_a_missing_one(login, headteacher, pupil, files):
    private_storage().delete(
        files["report"].private_file_name()
    )  # lost from storage: the export says so, and goes on
    response = login(headteacher).get(reverse("accounts:record_request_export", args=[files["request"].pk]))
    archive, content = _open(response)
    assert sorted(name for name in content if name.startswith("files/")) == [
        "files/01-drawing.png",
        f"files/02-{files['letter'].filename}",
    ]
    assert content["files/01-drawing.png"] == DRAWING
    manifest = json.loads(content["manifest.json"])
    missing = [entry for entry in manifest["files"] if "missing" in entry]
    assert [entry["original_name"] for entry in missing] == ["Speech report.pdf"]
    entry = AuditEntry.objects.get(action="accounts.record_request.exported")
    assert entry.after["draft"] is True and entry.after["files"] == 2 and entry.after["files_missing"] == 1


def test_a_file_name_cannot_climb_out_of_the_files_folder(headteacher, pupil):
    from accounts.record_export import _zip_name
    from school.record_sections import HeldFile

    held = HeldFile(name="..\\..\\etc/pass\x00wd .pdf", storage_name="unused", content_type="")
    assert _zip_name(7, held) == "files/07-pass_wd .pdf"
