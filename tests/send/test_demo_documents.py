"""seed_demo's SEND part adds two uploaded reports (one confidential), the needs-assessment pupil's
educational psychologist's report (send/demo_assessments.py) and one printed letter; every letter the
demo writes is rendered."""

import io
from datetime import date

import time_machine
from django.core.management import call_command
from pypdf import PdfReader

from letters.models import Letter
from school.private_files import private_storage
from send.models import SendDocument, ViewsRequest


@time_machine.travel(date(2026, 11, 23))
def test_demo_documents_and_letter_are_real_files(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--seed", "5", stdout=io.StringIO())
    documents = list(SendDocument.objects.filter(kind="report").order_by("title"))
    assert [(d.title, d.confidential) for d in documents] == [
        ("Educational psychologist's report", False),
        ("Educational psychology report", True),
        ("Speech and language therapy report", False),
    ]
    for document in documents:
        pdf = private_storage().open(document.private_file_name()).read()
        text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
        assert document.title in text and document.pupil.display_name in text
    # The demo's attendance cases also have letters (Letters 1-3, meetings, measures): this is the SEND one.
    letter = Letter.objects.get(kind=Letter.Kind.VIEWS_REQUEST)
    assert Letter.objects.exclude(status=Letter.Status.RENDERED).count() == 0
    assert letter.status == Letter.Status.RENDERED and private_storage().exists(letter.private_file_name())
    assert ViewsRequest.objects.get(letter=letter).respondent == "parent"
