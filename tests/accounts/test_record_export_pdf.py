"""The records export PDF: a key to the register codes that appear, and sections that follow on
from each other instead of a long record being pushed whole to a new page."""

import io
import os
from datetime import date

import pytest
import time_machine
from pypdf import PdfReader

from accounts import record_export, services
from school import audit
from tests import factories as f

pytestmark = pytest.mark.django_db


def _export(pupil, headteacher):
    request = services.record_request_create(
        actor=headteacher,
        school=pupil.school,
        pupil=pupil,
        kind="subject_access",
        requester_name="Dana Whitlow",
        requester_relationship="Mother",
        received_on=date(2026, 11, 20),
        identity_checked=True,
    )
    pdf = record_export.to_pdf(record_export.build(request, {}))
    if os.environ.get("KEEP_PDF"):  # to look at it: KEEP_PDF=/tmp/export.pdf, then pdftoppm -png
        with open(os.environ["KEEP_PDF"], "wb") as out:
            out.write(pdf)
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@time_machine.travel("2026-12-01 10:00", tick=False)
def test_the_pdf_has_a_key_to_the_codes_that_appear(pupil, headteacher):
    for day, session, code in ((2, "AM", "/"), (2, "PM", "I"), (3, "AM", "G"), (3, "PM", "/")):
        f.RegisterMarkFactory(pupil=pupil, date=date(2026, 11, day), session=session, code=code)
    text = "\n".join(_export(pupil, headteacher))
    key = text.split("Key to register codes", 1)[1].split("Special educational needs", 1)[0]
    assert "I Illness" in key and "G Holiday not granted by the school" in key
    assert "M " not in key and "Medical" not in key  # only the codes on this pupil's register


@time_machine.travel("2026-12-01 10:00", tick=False)
def test_a_long_record_starts_on_the_page_it_follows(pupil, headteacher):
    for n in range(30):
        audit.record(
            actor=headteacher,
            action="school.pupil.changed",
            obj=pupil,
            before={"year_group": 3},
            after={"year_group": 4},
            reason=f"Check {n}",
            school=pupil.school,
            pupil=pupil,
        )
    pages = _export(pupil, headteacher)
    # Before, the audit table (less than a page) was kept whole, so it was pushed to a fresh page
    # and left the short sections before it alone on a nearly empty one.
    last_short = next(n for n, page in enumerate(pages) if "Attendance cases" in page)
    assert "Who changed or viewed" in pages[last_short] and "Check 0" in pages[last_short]
