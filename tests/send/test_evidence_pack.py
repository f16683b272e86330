"""The EHC needs assessment evidence pack: one chronological PDF with a contents page, made by a task
queued on commit, downloaded through a checked view (send/evidence_pack.py, send/views/evidence_packs.py)."""

from datetime import date
from io import BytesIO

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from letters.rendering import html_to_pdf
from school import policy
from school.models import AuditEntry, Role
from school.private_files import private_storage, read_private_file
from send.evidence_pack import evidence_pack_render
from send.models import AgencyInvolvement, CycleReview, EvidencePack, PupilPassport
from send.selectors_evidence import evidence_contents
from send.services import documents as document_services
from send.services import ehc_assessments
from send.services.evidence_packs import evidence_pack_request
from tests import factories as f
from tests.send.ehcp_factories import LocalAuthorityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-11-20 10:00", tick=False):
        yield


def _pdf(text: str) -> bytes:
    return html_to_pdf(f"<html><body><p>{text}</p></body></html>")


def _upload(pupil, user, name, data, **kwargs):
    return document_services.document_upload(
        actor=user,
        pupil=pupil,
        uploaded_file=SimpleUploadedFile(name, data),
        **{"kind": "report", "confidential": False, "title": name, **kwargs},
    )


def _reviewed_cycle(pupil, user, *, number, start, reviewed, target, outcome="achieved", stage="closed"):
    cycle = f.SupportCycleFactory(
        pupil=pupil, number=number, start_date=start, review_due=reviewed, stage=stage, created_by=user
    )
    cycle.reviewed_on = reviewed
    cycle.assessment_evidence = f"Assessment notes for cycle {number}"
    cycle.save()
    t = f.TargetFactory(cycle=cycle, target=target, outcome=outcome, outcome_evidence="Seen in class")
    CycleReview.objects.create(
        cycle=cycle,
        reviewed_on=reviewed,
        reviewed_by=user,
        next_steps=f"Next steps after cycle {number}",
        outcomes=[
            {
                "target": t.target,
                "outcome": outcome,
                "outcome_label": t.get_outcome_display(),
                "evidence": "Seen",
            }
        ],
    )
    return cycle


@pytest.fixture
def assessment(sendco, pupil):
    return ehc_assessments.assessment_open(
        actor=sendco,
        pupil=pupil,
        local_authority=LocalAuthorityFactory(trust=pupil.school.trust),
        requested_by="school",
        request_date=date(2026, 11, 2),
        la_received_on=date(2026, 11, 3),
    )


@pytest.fixture
def records(sendco, pupil):
    f.SendRecordFactory(pupil=pupil)
    PupilPassport.objects.create(
        school=pupil.school,
        pupil=pupil,
        liked_and_admired="I am kind <b>and funny</b>",
        important_to_me="My dog Biscuit",
        how_to_support_me="Give me time to answer",
        updated_by=sendco,
        updated_at=timezone.now(),
    )
    # Made out of order on purpose: the pack prints them oldest first, and leaves out the open,
    # unreviewed cycle.
    _reviewed_cycle(
        pupil,
        sendco,
        number=2,
        start=date(2026, 10, 19),
        reviewed=date(2026, 11, 13),
        target="Second cycle target",
    )
    _reviewed_cycle(
        pupil,
        sendco,
        number=1,
        start=date(2026, 9, 7),
        reviewed=date(2026, 10, 16),
        target="First cycle target",
        outcome="partly",
    )
    f.SupportCycleFactory(
        pupil=pupil,
        number=3,
        start_date=date(2026, 11, 16),
        review_due=date(2027, 1, 29),
        stage="do",
        created_by=sendco,
    )
    f.TargetFactory(cycle=pupil.send_cycles.get(number=3), target="Unreviewed cycle target")
    f.ProvisionEnrolmentFactory(
        pupil=pupil, intervention__name="Reading catch-up", start_date=date(2026, 9, 7)
    )
    for day in (2, 3, 4, 5, 6):
        f.RegisterMarkFactory(pupil=pupil, date=date(2026, 11, day), session="AM", code="/")
        f.RegisterMarkFactory(
            pupil=pupil, date=date(2026, 11, day), session="PM", code="N" if day == 6 else "/"
        )
    ep = AgencyInvolvement.objects.create(
        school=pupil.school,
        pupil=pupil,
        agency="EP",
        agency_detail="Dr Rowan Ash",
        referral_date=date(2026, 9, 14),
    )
    _upload(
        pupil,
        sendco,
        "ep-report.pdf",
        _pdf("Educational psychologist report ZEBRA-EP-FINDINGS"),
        agency=ep,
        title="EP report",
    )
    _upload(pupil, sendco, "salt-notes.docx", _docx(), title="Speech therapy notes")
    _upload(
        pupil,
        sendco,
        "camhs.pdf",
        _pdf("Secret CAMHS letter OTTER-CONFIDENTIAL"),
        confidential=True,
        title="CAMHS letter",
    )


def _docx() -> bytes:
    import zipfile

    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _make(client, assessment, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"/send/assessments/{assessment.pk}/")
        token = response.context["pack_form"]["submission_token"].value()
        client.post(f"/send/assessments/{assessment.pk}/evidence-pack/", {"submission_token": token})
    return EvidencePack.objects.get(assessment=assessment)


def _text(pack) -> tuple[list[str], str]:
    reader = PdfReader(BytesIO(read_private_file(pack.private_file_name())))
    pages = [page.extract_text() for page in reader.pages]
    return pages, "\n".join(pages)


def _in_order(text: str, *parts: str) -> None:
    positions = [text.index(part) for part in parts]
    assert positions == sorted(positions), parts


def test_pack_has_contents_and_sections_in_order(
    login, sendco, assessment, records, django_capture_on_commit_callbacks
):
    pack = _make(login(sendco), assessment, django_capture_on_commit_callbacks)
    assert pack.status == "ready" and pack.include_confidential
    pages, text = _text(pack)
    assert "Contents" in pages[0] and "Pupil passport" in pages[0] and "Cycle 1" in pages[0]
    _in_order(
        text,
        "Contents",
        "What people like and admire about me",
        "First cycle target",
        "Next steps after cycle 1",
        "Second cycle target",
        "Next steps after cycle 2",
        "Additional provision this academic year",
        "£67.50",
        "This academic year, 2 Sep 2026",
        "Agency Service or professional",
        "ZEBRA-EP-FINDINGS",
    )
    assert "Unreviewed cycle target" not in text
    assert "I am kind <b>and funny</b>" in text  # escaped, printed as typed
    assert "90.0%" in text  # 9 of 10 sessions
    assert "Speech therapy notes (salt-notes.docx): not attachable, it is not a PDF" in text
    assert "OTTER-CONFIDENTIAL" in text  # the SENDCo may open confidential documents
    # The appended report starts on the page the contents page gives.
    ep_page = next(i for i, page in enumerate(pages, start=1) if "ZEBRA-EP-FINDINGS" in page)
    assert f"Attached from page {ep_page} (1 page)" in text
    assert pack.pages == len(pages)
    assert (
        AuditEntry.objects.filter(action="send.evidence_pack.requested", object_id=str(pack.pk)).count() == 1
    )
    assert AuditEntry.objects.filter(action="send.evidence_pack.ready", object_id=str(pack.pk)).count() == 1


def test_confidential_documents_left_out_without_the_capability(
    login, monkeypatch, sendco, assessment, records, django_capture_on_commit_callbacks
):
    without = policy.ROLE_CAPABILITIES[Role.SENDCO] - {policy.VIEW_CONFIDENTIAL_DOCUMENTS}
    monkeypatch.setitem(policy.ROLE_CAPABILITIES, Role.SENDCO, without)
    client = login(sendco)
    pack = _make(client, assessment, django_capture_on_commit_callbacks)
    _, text = _text(pack)
    assert "OTTER-CONFIDENTIAL" not in text and "CAMHS letter" not in text
    assert "Confidential documents are left out" in text
    assert "ZEBRA-EP-FINDINGS" in text
    assert client.get(f"/send/evidence-packs/{pack.pk}/download/").status_code == 200


def test_pack_with_confidential_documents_not_found_by_someone_without_the_capability(
    login, monkeypatch, sendco, assessment, records, django_capture_on_commit_callbacks
):
    pack = _make(login(sendco), assessment, django_capture_on_commit_callbacks)
    without = policy.ROLE_CAPABILITIES[Role.SENDCO] - {policy.VIEW_CONFIDENTIAL_DOCUMENTS}
    monkeypatch.setitem(policy.ROLE_CAPABILITIES, Role.SENDCO, without)
    sendco.__dict__.pop("_roles_cache", None)
    assert login(sendco).get(f"/send/evidence-packs/{pack.pk}/download/").status_code == 404


def test_download_is_audited_and_page_shows_ready(
    login, sendco, assessment, records, django_capture_on_commit_callbacks
):
    client = login(sendco)
    pack = _make(client, assessment, django_capture_on_commit_callbacks)
    page = client.get(f"/send/assessments/{assessment.pk}/").content.decode()
    assert "Make the evidence pack" in page and "Download the evidence pack" in page
    # The task ran after the view answered (on commit), so the message says it was being made.
    assert "The evidence pack is being made." in page
    response = client.get(f"/send/evidence-packs/{pack.pk}/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert (
        AuditEntry.objects.filter(action="send.evidence_pack.downloaded", object_id=str(pack.pk)).count() == 1
    )


def test_permissions(
    client_for, school, other_school, sendco, class_teacher, assessment, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pack = evidence_pack_request(assessment=assessment, actor=sendco)
    other_sendco = f.staff(other_school, Role.SENDCO, username="othersendco")
    request_url = f"/send/assessments/{assessment.pk}/evidence-pack/"
    download_url = f"/send/evidence-packs/{pack.pk}/download/"
    other = client_for(other_sendco)
    assert other.post(request_url).status_code == 404
    assert other.get(download_url).status_code == 404
    teacher = client_for(class_teacher)
    assert teacher.post(request_url).status_code == 403
    assert teacher.get(download_url).status_code == 403
    assert EvidencePack.objects.count() == 1


def test_double_submit_makes_one_pack(login, sendco, assessment, django_capture_on_commit_callbacks):
    client = login(sendco)
    token = client.get(f"/send/assessments/{assessment.pk}/").context["pack_form"]["submission_token"].value()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            client.post(f"/send/assessments/{assessment.pk}/evidence-pack/", {"submission_token": token})
    assert EvidencePack.objects.filter(assessment=assessment).count() == 1


def test_queued_on_commit_and_idempotent(sendco, assessment, records, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        pack = evidence_pack_request(assessment=assessment, actor=sendco)
    pack.refresh_from_db()
    assert pack.status == "pending" and len(callbacks) == 1
    assert read_private_file(pack.private_file_name()) is None  # nothing made before the commit
    callbacks[0]()
    pack.refresh_from_db()
    assert pack.status == "ready" and pack.enqueued_at is not None
    assert evidence_pack_render(pack_id=pack.pk) == "ready"  # a second run changes nothing
    _, files = private_storage().listdir(f"send/{pack.school_id}/evidence")
    assert files == [pack.stored_name]
    assert AuditEntry.objects.filter(action="send.evidence_pack.ready").count() == 1
    assert EvidencePack.objects.get(pk=pack.pk).attempts == 1


def test_failing_render_marks_failed(
    login, monkeypatch, sendco, assessment, django_capture_on_commit_callbacks
):
    def broken(html):
        raise RuntimeError("the renderer fell over")

    monkeypatch.setattr("send.evidence_pack.html_to_pdf", broken)
    client = login(sendco)
    pack = _make(client, assessment, django_capture_on_commit_callbacks)
    assert pack.status == "failed" and "the renderer fell over" in pack.error
    assert read_private_file(pack.private_file_name()) is None
    page = client.get(f"/send/assessments/{assessment.pk}/").content.decode()
    assert "Could not be made" in page and "Download the evidence pack" not in page
    assert client.get(f"/send/evidence-packs/{pack.pk}/download/").status_code == 404
    assert AuditEntry.objects.filter(action="send.evidence_pack.failed").count() == 1


def test_pending_pack_is_not_shown_as_ready(login, sendco, assessment, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        evidence_pack_request(assessment=assessment, actor=sendco)
    page = login(sendco).get(f"/send/assessments/{assessment.pk}/").content.decode()
    assert "Waiting" in page and "Download the evidence pack" not in page


def test_contents_read_in_a_fixed_number_of_queries(sendco, pupil, records):
    def count():
        with CaptureQueriesContext(connection) as queries:
            evidence_contents(pupil=pupil, include_confidential=True, today=date(2026, 11, 20))
        return len(queries)

    before = count()
    _reviewed_cycle(
        pupil, sendco, number=4, start=date(2026, 9, 1), reviewed=date(2026, 9, 4), target="Extra"
    )
    f.ProvisionEnrolmentFactory(pupil=pupil, start_date=date(2026, 9, 14))
    assert count() == before


def test_sweep_queues_a_pack_the_broker_missed_and_gives_up_on_a_stuck_one(sendco, assessment):
    from send.services.evidence_packs import evidence_pack_sweep

    with time_machine.travel("2026-11-20 09:00", tick=False):
        missed = EvidencePack.objects.create(
            school=assessment.school, pupil=assessment.pupil, assessment=assessment, requested_by=sendco
        )
        stuck = EvidencePack.objects.create(
            school=assessment.school,
            pupil=assessment.pupil,
            assessment=assessment,
            requested_by=sendco,
            enqueued_at=timezone.now(),
            attempts=3,
        )
    assert evidence_pack_sweep() == {"queued": 1, "given_up": 1, "down": 0}
    missed.refresh_from_db()
    stuck.refresh_from_db()
    assert missed.status == "ready" and read_private_file(missed.private_file_name())
    assert stuck.status == "failed" and "tried 3 times" in stuck.error
    assert evidence_pack_sweep() == {"queued": 0, "given_up": 0, "down": 0}


def test_a_ready_pack_is_in_the_pupils_records_export_with_its_file(
    sendco, assessment, django_capture_on_commit_callbacks
):
    from send.record_section import evidence_packs

    with django_capture_on_commit_callbacks(execute=True):
        pack = evidence_pack_request(assessment=assessment, actor=sendco)
    [item] = evidence_packs(assessment.pupil)
    assert item.file.storage_name == pack.private_file_name() and item.flag
    assert item.data["Holds confidential documents"] == "Yes"


def test_a_damaged_agency_pdf_is_listed_not_attached_and_the_pack_is_still_made(
    sendco, pupil, assessment, django_capture_on_commit_callbacks
):
    _upload(pupil, sendco, "broken.pdf", b"%PDF-1.4 this is not really a PDF", title="Broken report")
    with django_capture_on_commit_callbacks(execute=True):
        pack = evidence_pack_request(assessment=assessment, actor=sendco)
    pack.refresh_from_db()
    assert pack.status == "ready"
    _, text = _text(pack)
    assert "Broken report (broken.pdf): not attachable, the file is damaged" in text
