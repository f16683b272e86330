"""Concerns, provision places, funding applications, agency involvements and documents: a mistaken one
is withdrawn with a reason, never deleted. It leaves the pupil's SEND page and the counts, costs and
downloads it fed, and the SENDCo (or head) can restore it for 30 days."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import record_export
from school.models import AuditEntry
from school.record_sections import WITHDRAWN
from send import selectors, services
from send.forms import DocumentForm
from send.models import AgencyInvolvement, Concern, FundingApplication, ProvisionEnrolment, SendDocument
from tests import factories as f

PDF = b"%PDF-1.4\n%%EOF\n"
WITHDRAWN_ON = "2026-11-02 09:00"
LAST_RESTORE_MOMENT = "2026-12-02 09:00"  # exactly 30 days later
TOO_LATE = "2026-12-02 09:01"


def _concern(pupil, *, sendco, class_teacher):
    return f.ConcernFactory(pupil=pupil, raised_by=class_teacher, what_we_see="Mixes up b and d")


def _place(pupil, *, sendco, class_teacher):
    intervention = f.InterventionFactory(school=pupil.school, name="Toe by Toe")
    return f.ProvisionEnrolmentFactory(pupil=pupil, intervention=intervention)


def _funding(pupil, *, sendco, class_teacher):
    return FundingApplication.objects.create(
        school=pupil.school,
        pupil=pupil,
        kind="high_needs_top_up",
        submitted_on=date(2026, 10, 1),
        amount_asked=Decimal("4321"),
        created_by=sendco,
    )


def _agency(pupil, *, sendco, class_teacher):
    return AgencyInvolvement.objects.create(
        school=pupil.school,
        pupil=pupil,
        agency="SALT",
        agency_detail="Ms Quillfeather",
        referral_date=date(2026, 10, 1),
    )


def _document(pupil, *, sendco, class_teacher):
    return services.document_upload(
        actor=sendco,
        pupil=pupil,
        uploaded_file=SimpleUploadedFile("r.pdf", PDF),
        kind="report",
        title="Hearing test for another pupil",
        confidential=False,
    )


# What each record fed besides the list on the pupil's page; True while the record counts.
def _awaiting_triage(obj, client):
    panel = client.get(reverse("send:panel_home")).content.decode()
    dashboard = client.get(reverse("send:dashboard")).content.decode()
    counted = selectors.concerns_awaiting_triage(school=obj.school).count()
    assert (f'data-testid="send-awaiting-triage">{counted}<' in panel) and counted in (0, 1)
    return counted == 1 and "concern-row" in dashboard


def _costed(obj, client):
    data = selectors.provision_map(school=obj.school, today=date(2026, 11, 2))
    page = client.get(reverse("send:pupil_send", args=[obj.pupil_id])).content.decode()
    costed = data["total_projected"] > 0 and 'data-testid="projected-total"' in page
    assert costed == bool(data["rows"])
    return costed


def _funding_listed(obj, client):
    return "£4,321" in client.get(reverse("send:pupil_send", args=[obj.pupil_id])).content.decode()


def _offered_for_documents(obj, client):
    form = DocumentForm(pupil=obj.pupil)
    return obj.pk in {involvement.pk for involvement in form.fields["agency"].queryset}


def _downloadable(obj, client):
    return client.get(reverse("send:document_download", args=[obj.pk])).status_code == 200


@dataclass(frozen=True)
class Kind:
    make: object
    model: type
    url: str  # the withdraw and restore URLs are send:<url>_withdraw / send:<url>_restore
    shown: str  # text the pupil's SEND page shows for it
    things: str  # the withdrawn section's heading, "Withdrawn <things> (1)"
    counts: object  # (obj, client) -> bool: whether it still feeds its count, cost or download
    withdrawer: str  # who withdraws it in this test

    def __str__(self):
        return self.url


KINDS = [
    Kind(_concern, Concern, "concern", "Communication", "concerns", _awaiting_triage, "class_teacher"),
    Kind(_place, ProvisionEnrolment, "enrolment", "Toe by Toe", "provision places", _costed, "sendco"),
    Kind(
        _funding, FundingApplication, "funding", "£4,321", "funding applications", _funding_listed, "sendco"
    ),
    Kind(
        _agency,
        AgencyInvolvement,
        "agency",
        "Ms Quillfeather",
        "agency involvements",
        _offered_for_documents,
        "sendco",
    ),
    Kind(_document, SendDocument, "document", "Hearing test", "documents", _downloadable, "sendco"),
]


def _pupil_page(client, pupil):
    page = client.get(reverse("send:pupil_send", args=[pupil.pk])).content.decode()
    current = page.split("<details", 1)[0]  # the withdrawn sections come after the lists
    return page, current


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_withdraw_hides_it_everywhere_and_the_sendco_restores_it_for_30_days(
    kind, client_for, sendco, class_teacher, pupil
):
    obj = kind.make(pupil, sendco=sendco, class_teacher=class_teacher)
    sendco_client = client_for(sendco)
    teacher = client_for(class_teacher)
    withdrawer = {"sendco": sendco_client, "class_teacher": teacher}[kind.withdrawer]
    withdraw = reverse(f"send:{kind.url}_withdraw", args=[obj.pk])
    restore = reverse(f"send:{kind.url}_restore", args=[obj.pk])
    with time_machine.travel(WITHDRAWN_ON, tick=False):
        page, _ = _pupil_page(sendco_client, pupil)
        assert kind.shown in page and withdraw in page  # a "Withdraw" link on its row
        assert kind.counts(obj, sendco_client)

        assert withdrawer.post(withdraw, {"reason": "  "}).status_code == 200
        assert kind.model.objects.current().filter(pk=obj.pk).exists()  # no reason: nothing withdrawn
        response = withdrawer.post(withdraw, {"reason": "Entered for the wrong pupil"})
        assert response.status_code == 302 and response["Location"] == f"/send/pupils/{pupil.pk}/"

        assert kind.model.objects.filter(pk=obj.pk).exists()  # never deleted
        entry = AuditEntry.objects.get(action=f"send.{kind.model._meta.model_name}.withdrawn")
        assert entry.reason == "Entered for the wrong pupil" and entry.object_id == str(obj.pk)
        page, current = _pupil_page(sendco_client, pupil)
        assert kind.shown not in current
        assert f"Withdrawn {kind.things} (1)" in page and "Entered for the wrong pupil" in page
        assert restore in page  # the SENDCo sees a Restore button
        assert not kind.counts(obj, sendco_client)
        # Its own page is gone too: nothing edits, triages or downloads a withdrawn record.
        assert withdrawer.get(withdraw).status_code == 404

        # A class teacher cannot restore it, and sees no Restore button.
        assert teacher.post(restore).status_code == 403
        assert restore not in _pupil_page(teacher, pupil)[0]
        assert kind.model.objects.withdrawn().filter(pk=obj.pk).exists()

    # A month on: fresh sign-ins (the old sessions have long timed out).
    with time_machine.travel(TOO_LATE, tick=False):
        sendco_client = client_for(sendco)
        sendco_client.post(restore)
        assert kind.model.objects.withdrawn().filter(pk=obj.pk).exists()  # too late: still withdrawn
        page, _ = _pupil_page(sendco_client, pupil)
        assert restore not in page and "can no longer be restored" in page
    with time_machine.travel(LAST_RESTORE_MOMENT, tick=False):
        sendco_client = client_for(sendco)
        assert sendco_client.post(restore).status_code == 302
    assert kind.model.objects.current().filter(pk=obj.pk).exists()
    assert AuditEntry.objects.filter(action=f"send.{kind.model._meta.model_name}.restored").count() == 1
    with time_machine.travel(WITHDRAWN_ON, tick=False):
        sendco_client = client_for(sendco)
        assert kind.counts(obj, sendco_client)  # back in its count, cost or download


@pytest.mark.parametrize("kind", [k for k in KINDS if k.withdrawer == "sendco"], ids=str)
def test_a_class_teacher_cannot_withdraw_provision_funding_agencies_or_documents(
    kind, login, sendco, class_teacher, pupil
):
    obj = kind.make(pupil, sendco=sendco, class_teacher=class_teacher)
    teacher = login(class_teacher)
    url = reverse(f"send:{kind.url}_withdraw", args=[obj.pk])
    assert teacher.post(url, {"reason": "Oops"}).status_code == 403
    assert kind.model.objects.current().filter(pk=obj.pk).exists()
    assert url not in teacher.get(reverse("send:pupil_send", args=[pupil.pk])).content.decode()


def test_only_the_raiser_or_the_sendco_withdraws_a_concern_and_the_raiser_only_before_triage(
    client_for, school, own_class, sendco, class_teacher, pupil
):
    colleague = f.staff(school, "class_teacher")  # shares the class with class_teacher
    own_class.staff.add(colleague)
    concern = f.ConcernFactory(pupil=pupil, raised_by=colleague)
    url = reverse("send:concern_withdraw", args=[concern.pk])
    assert client_for(class_teacher).post(url, {"reason": "Not mine"}).status_code == 403
    Concern.objects.filter(pk=concern.pk).update(status=Concern.Status.TRIAGED)
    assert client_for(colleague).post(url, {"reason": "Mine, but triaged"}).status_code == 403
    assert client_for(sendco).post(url, {"reason": "Duplicate"}).status_code == 302
    assert Concern.objects.withdrawn().filter(pk=concern.pk).exists()


def test_the_records_export_keeps_a_withdrawn_record_flagged_for_review(sendco, class_teacher, pupil):
    """A withdrawn record is still held, so a subject access request must see it; it may be about
    another pupil, so it is flagged for the reviewer, with when and why it was withdrawn."""
    document = _document(pupil, sendco=sendco, class_teacher=class_teacher)
    place = _place(pupil, sendco=sendco, class_teacher=class_teacher)
    from school.withdrawal import record_withdraw

    record_withdraw(actor=sendco, obj=document, reason="Another pupil's test")
    record_withdraw(actor=sendco, obj=place, reason="Entered twice")
    flagged = {item.title: item for _, item in record_export.flagged_items(record_export.gather(pupil))}
    assert WITHDRAWN in flagged["Hearing test for another pupil"].flag
    assert "Another pupil's test" in flagged["Hearing test for another pupil"].data["Withdrawn"]
    assert "Entered twice" in flagged["Provision: Toe by Toe"].data["Withdrawn"]
    sections = record_export.gather(pupil)
    provision_rows = [i for s in sections for i in s.items if i.title == "Provision"]
    assert not provision_rows  # the current provision table no longer lists it
