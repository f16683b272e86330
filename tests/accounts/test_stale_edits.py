"""Two people correcting one request for records at once: the second is refused and told who
changed it, and the first correction stays (school.editing)."""

import re
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from accounts import services
from accounts.models import LegalHold, RecordItemDecision, RecordRequest
from school.models import AuditEntry
from tests import factories as f

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-12-01 10:42", tick=False)
def test_second_correction_of_a_request_is_refused_and_says_who(client_for, headteacher, school, pupil):
    headteacher.first_name, headteacher.last_name = "Jane", "Smith"
    headteacher.save()
    deputy = f.staff(school, "headteacher", username="head2")
    record_request = services.record_request_create(
        actor=headteacher,
        school=school,
        pupil=pupil,
        kind="subject_access",
        requester_name="Dana Whitlow",
        requester_relationship="Mother",
        received_on=date(2026, 11, 20),
        identity_checked=True,
    )
    url = reverse("accounts:record_request_edit", args=[record_request.pk])
    jane, other = client_for(headteacher), client_for(deputy)
    versions = [
        re.search(r'name="expected_version" value="(\d+)"', c.get(url).content.decode()).group(1)
        for c in (jane, other)
    ]
    post = {"kind": "subject_access", "requester_relationship": "Mother", "received_on": "2026-11-20"}

    assert (
        jane.post(
            url, post | {"requester_name": "Dana Whitlow-Reed", "expected_version": versions[0]}
        ).status_code
        == 302
    )
    page = other.post(url, post | {"requester_name": "D. Whitlow", "expected_version": versions[1]})

    text = re.sub(r"\s+", " ", page.content.decode())
    assert "Someone else changed this while you were editing: Jane Smith" in text and "at 10:42" in text
    assert RecordRequest.objects.get(pk=record_request.pk).requester_name == "Dana Whitlow-Reed"


def _two_heads_and_a_request(headteacher, school, pupil):
    headteacher.first_name, headteacher.last_name = "Jane", "Smith"
    headteacher.save()
    deputy = f.staff(school, "headteacher", username="head2")
    record_request = services.record_request_create(
        actor=headteacher,
        school=school,
        pupil=pupil,
        kind="subject_access",
        requester_name="Dana Whitlow",
        requester_relationship="Mother",
        received_on=date(2026, 11, 20),
        identity_checked=True,
    )
    return deputy, record_request


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@time_machine.travel("2026-12-01 10:42", tick=False)
def test_second_status_move_of_a_request_is_refused_and_says_who(client_for, headteacher, school, pupil):
    deputy, record_request = _two_heads_and_a_request(headteacher, school, pupil)
    detail = reverse("accounts:record_request_detail", args=[record_request.pk])
    url = reverse("accounts:record_request_move", args=[record_request.pk])
    jane, other = client_for(headteacher), client_for(deputy)
    seen = [
        re.search(r'name="expected_status" value="(\w+)"', c.get(detail).content.decode()).group(1)
        for c in (jane, other)
    ]

    jane.post(url, {"to_status": "refused", "note": "No proof of identity", "expected_status": seen[0]})
    page = other.post(url, {"to_status": "in_preparation", "expected_status": seen[1]}, follow=True)

    assert "This request was already marked refused by Jane Smith (Headteacher) at 10:42" in _text(page)
    record_request.refresh_from_db()
    assert record_request.status == "refused"
    assert list(record_request.events.values_list("to_status", flat=True)) == ["received", "refused"]


@time_machine.travel("2026-12-01 10:42", tick=False)
def test_second_extension_of_a_request_is_refused_and_says_who(client_for, headteacher, school, pupil):
    deputy, record_request = _two_heads_and_a_request(headteacher, school, pupil)
    url = reverse("accounts:record_request_extend", args=[record_request.pk])
    jane, other = client_for(headteacher), client_for(deputy)
    for c in (jane, other):
        assert 'name="reason"' in c.get(url).content.decode()

    assert jane.post(url, {"reason": "Ten years of files"}).status_code == 302
    page = other.post(url, {"reason": "Many documents"})

    assert "The deadline was already extended by Jane Smith (Headteacher) at 10:42" in _text(page)
    record_request.refresh_from_db()
    assert record_request.extension_reason == "Ten years of files"
    assert AuditEntry.objects.filter(action="accounts.record_request.extended").count() == 1


@time_machine.travel("2026-12-01 10:42", tick=False)
def test_second_decision_on_an_item_is_refused_and_says_who(client_for, headteacher, school, pupil):
    pupil.safeguarding_status = "cp"  # the child protection plan is flagged for review
    pupil.save()
    deputy, record_request = _two_heads_and_a_request(headteacher, school, pupil)
    detail = reverse("accounts:record_request_detail", args=[record_request.pk])
    url = reverse("accounts:record_item_decide", args=[record_request.pk])
    key = f"school.pupil:{pupil.pk}:safeguarding"
    jane, other = client_for(headteacher), client_for(deputy)
    for c in (jane, other):
        assert 'name="expected_decision" value=""' in c.get(detail).content.decode()

    jane.post(url, {"item_key": key, "decision": "withhold", "expected_decision": ""})
    page = other.post(url, {"item_key": key, "decision": "release", "expected_decision": ""}, follow=True)

    assert "This item was already marked withhold by Jane Smith (Headteacher) at 10:42" in _text(page)
    assert RecordItemDecision.objects.get(request=record_request, item_key=key).decision == "withhold"


@time_machine.travel("2026-12-01 10:42", tick=False)
def test_a_hold_placed_while_someone_else_placed_one_is_refused_and_says_who(
    client_for, headteacher, school, pupil
):
    headteacher.first_name, headteacher.last_name = "Jane", "Smith"
    headteacher.save()
    deputy = f.staff(school, "headteacher", username="head2")
    url = reverse("accounts:legal_hold_create", args=[pupil.pk])
    jane, other = client_for(headteacher), client_for(deputy)
    versions = [
        re.search(r'name="expected_version" value="(\d+)"', c.get(url).content.decode()).group(1)
        for c in (jane, other)
    ]

    assert jane.post(url, {"reason": "Tribunal appeal", "expected_version": versions[0]}).status_code == 302
    page = other.post(url, {"reason": "Insurance claim", "expected_version": versions[1]})

    text = _text(page)
    assert "Someone else changed this while you were editing: Jane Smith (Headteacher) at 10:42" in text
    assert "Tribunal appeal" in text
    assert list(LegalHold.objects.filter(pupil=pupil).values_list("reason", flat=True)) == ["Tribunal appeal"]


@time_machine.travel("2026-12-01 10:42", tick=False)
def test_lifting_a_hold_someone_just_lifted_is_refused_and_says_who(client_for, headteacher, school, pupil):
    headteacher.first_name, headteacher.last_name = "Jane", "Smith"
    headteacher.save()
    deputy = f.staff(school, "headteacher", username="head2")
    hold = services.legal_hold_place(actor=deputy, school=school, pupil=pupil, reason="Tribunal appeal")
    url = reverse("accounts:legal_hold_lift", args=[hold.pk])
    jane, other = client_for(headteacher), client_for(deputy)
    for c in (jane, other):
        assert url in c.get(reverse("accounts:retention_report")).content.decode()

    jane.post(url)
    page = other.post(url, follow=True)

    assert "This legal hold was already lifted by Jane Smith (Headteacher) at 10:42" in _text(page)
    hold.refresh_from_db()
    assert hold.lifted_by == headteacher
    assert AuditEntry.objects.filter(action="accounts.legal_hold.lifted").count() == 1
