"""Deleting a pupil at the end of retention removes everything about them: their documents and letter
PDFs on disk, and their and their contacts' personal details in the audit trail, which keeps who did
what and when under a stable pseudonym and still verifies."""

from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from accounts.services import pupil_delete_for_retention
from letters.models import Letter
from letters.services import letter_create
from school.audit import record, snapshot
from school.models import AuditEntry, AuditSubject
from school.private_files import private_storage
from send import services as send_services
from send.models import SendDocument
from tests import factories as f

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def leaver(school, sendco, headteacher, django_capture_on_commit_callbacks):
    with time_machine.travel("2014-06-02 10:00", tick=False):
        pupil = f.PupilFactory(
            school=school,
            legal_first_name="Zephyrine",
            legal_last_name="Quartermaine",
            date_of_birth=date(2003, 1, 5),
            admission_date=date(2007, 9, 1),
            leaving_date=date(2014, 7, 18),
        )
        link = f.PupilContactFactory(
            pupil=pupil,
            contact__first_name="Ottoline",
            contact__last_name="Quartermaine",
            contact__address="7 Lantern Yard\nMarbleton",
            contact__postcode="ZZ9 9ZZ",
            contact__phone="01632 960777",
        )
        contact = link.contact
        record(actor=headteacher, action="school.pupil.created", obj=pupil, after=snapshot(pupil))
        before = snapshot(contact)
        contact.phone = "01632 960888"
        contact.save()
        record(
            actor=headteacher,
            action="school.contact.changed",
            obj=contact,
            pupil=pupil,
            before=before,
            after=snapshot(contact),
            reason="Ottoline rang with a new number",
        )
        documents = [
            send_services.document_upload(
                actor=sendco,
                pupil=pupil,
                uploaded_file=SimpleUploadedFile("plan.pdf", PDF),
                kind=kind,
                title=f"{kind} for Zephyrine",
                confidential=False,
            )
            for kind in ("report", "ehc_plan")
        ]
        with django_capture_on_commit_callbacks(execute=True):
            letter_create(
                actor=sendco,
                pupil=pupil,
                kind=Letter.Kind.VIEWS_REQUEST,
                subject="Your views",
                body_template="send/letters/views_request_body.html",
                context={"request_": {"respondent": "parent"}, "cycle": {"review_due": date(2014, 7, 1)}},
                recipient_name=str(contact),
                recipient_address=contact.address,
            )
    letter = Letter.objects.get(pupil=pupil)
    files = [d.private_file_name() for d in documents] + [letter.private_file_name()]
    assert all(private_storage().exists(name) for name in files)
    return pupil, files


PERSONAL = [
    "Zephyrine",
    "Quartermaine",
    "Ottoline",
    "Lantern Yard",
    "ZZ9 9ZZ",
    "960777",
    "960888",
    "2003-01-05",
]


def everything_in_the_trail() -> str:
    rows = AuditEntry.objects.select_related("subject")
    return " ".join(
        str(
            [
                e.sealed_repr,
                e.sealed_before,
                e.sealed_after,
                e.sealed_reason,
                e.object_repr,
                e.before,
                e.after,
                e.reason,
            ]
        )
        for e in rows
    ) + str(list(AuditSubject.objects.values_list("values", flat=True)))


@time_machine.travel("2034-02-01 10:00")  # the SEN file rule: birth + 31 years
def test_deletion_removes_files_and_personal_details_and_the_trail_still_verifies(
    login, headteacher, leaver, django_capture_on_commit_callbacks
):
    pupil, files = leaver
    client = login(headteacher)
    page = client.get(reverse("school:audit_log"), {"pupil": pupil.pk}).content.decode()
    assert "Zephyrine Quartermaine" in page and "01632 960888" in page  # real names while the pupil exists
    upn = pupil.upn
    rows_before = AuditEntry.objects.filter(pupil_id=pupil.pk).count()
    assert upn in everything_in_the_trail()

    with django_capture_on_commit_callbacks(execute=True):
        pupil_delete_for_retention(actor=headteacher, school=pupil.school, pupil=pupil)

    assert not any(private_storage().exists(name) for name in files)
    assert not SendDocument.objects.filter(pupil_id=pupil.pk).exists()
    trail = everything_in_the_trail()
    for value in [*PERSONAL, upn]:
        assert value not in trail
    kept = AuditEntry.objects.filter(pupil_id=pupil.pk).select_related("subject")
    assert kept.count() == rows_before  # who did what and when is kept
    pseudonym = AuditSubject.objects.get(pupil_id=pupil.pk).pseudonym
    changed = kept.get(action="school.contact.changed")
    assert changed.actor == headteacher and changed.after["phone"] == pseudonym
    assert changed.reason == f"{pseudonym} rang with a new number"
    page = client.get(reverse("school:audit_log")).content.decode()
    assert pseudonym in page and "Quartermaine" not in page
    call_command("audit_verify")
