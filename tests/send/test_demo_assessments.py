"""The demo's needs-assessment pupil has an educational psychologist's report linked to an EP
involvement (send/demo_assessments.py), so the demo's evidence pack has an outside agencies section
with the report attached after the drawn pages."""

import io
import re
from datetime import date

import pytest
import time_machine
from django.core.management import call_command
from pypdf import PdfReader

from school.private_files import read_private_file
from send.demo_assessments import EP_REPORT_AUTHOR, EP_REPORT_TITLE
from send.models import EhcNeedsAssessment, EvidencePack, SendDocument
from send.services.evidence_packs import evidence_pack_request

pytestmark = pytest.mark.django_db


@time_machine.travel(date(2026, 11, 23))
def test_demo_assessment_pupil_has_an_agency_report_and_the_pack_attaches_it(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--seed", "5", stdout=io.StringIO())
    assessment = EhcNeedsAssessment.objects.select_related("pupil", "created_by").get()
    pupil = assessment.pupil
    report = SendDocument.objects.get(pupil=pupil, title=EP_REPORT_TITLE)
    assert report.kind == "report" and not report.confidential
    assert report.agency.agency == "EP" and report.agency.agency_detail == EP_REPORT_AUTHOR
    assert report.agency.last_report_received_on == date(2026, 11, 2)
    assert "fictional" in EP_REPORT_AUTHOR

    with django_capture_on_commit_callbacks(execute=True):
        evidence_pack_request(assessment=assessment, actor=assessment.created_by)
    pack = EvidencePack.objects.get(assessment=assessment)
    assert pack.status == "ready", pack.error
    pages = [
        re.sub(r"\s+", " ", page.extract_text())
        for page in PdfReader(io.BytesIO(read_private_file(pack.private_file_name()))).pages
    ]
    text = " ".join(pages)
    agencies_at = text.index("Outside agencies and their reports", text.index("Contents") + 200)
    assert "Educational psychology" in text[agencies_at:]
    # The report itself is appended, and the contents page says from which page.
    report_page = next(
        i for i, page in enumerate(pages, start=1) if "Working memory and processing speed" in page
    )
    assert report_page > 1 and pupil.display_name in pages[report_page - 1]
    assert f"Attached from page {report_page} (1 page)" in text
