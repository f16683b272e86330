"""Edits never overwrite each other in the SEND record: of two people saving one record at once, the
second is refused, told who changed it, and the database keeps the first (school.editing)."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from school.models import AuditEntry
from send.models import SendRecord, SendStatusChange, SupportCycle, ViewsRequest
from tests import factories as f

pytestmark = pytest.mark.django_db
AT = "2026-12-01 10:42"


def _jane(user):
    user.first_name, user.last_name = "Jane", "Smith"
    user.save()
    return user


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


TRIAGE = {"outcome": "monitor", "notes": "Watch in class"}


@time_machine.travel(AT, tick=False)
def test_second_triage_of_one_concern_is_told_who_triaged_it(client_for, sendco, headteacher, pupil):
    concern = f.ConcernFactory(pupil=pupil, raised_at=datetime(2026, 11, 30, 10, tzinfo=UTC))
    jane, head = client_for(_jane(sendco)), client_for(headteacher)
    url = reverse("send:concern_triage", args=[concern.pk])
    jane.get(url), head.get(url)

    assert jane.post(url, TRIAGE).status_code == 302
    page = head.post(url, TRIAGE | {"outcome": "no_further_action", "notes": "Nothing to add"}, follow=True)

    text = _text(page)
    assert "This concern was already triaged by Jane Smith (SENDCo) at 10:42" in text
    assert "Your triage was not saved" in text
    concern.refresh_from_db()
    assert (concern.outcome, concern.triage_notes, concern.triaged_by) == (
        "monitor",
        "Watch in class",
        sendco,
    )
    assert AuditEntry.objects.filter(action="send.concern.triaged").count() == 1


@time_machine.travel(AT, tick=False)
def test_register_status_changed_by_someone_else_is_not_changed_again(client_for, sendco, headteacher, pupil):
    f.SendRecordFactory(pupil=pupil, status="monitoring")
    jane, head = client_for(_jane(sendco)), client_for(headteacher)
    url = reverse("send:status_change", args=[pupil.pk])
    seen = [_hidden(c.get(url).content.decode(), "expected_status") for c in (jane, head)]
    post = {"to_status": "sen_support", "parents_agreed_by": "Ms Parent", "parents_agreed_on": "2026-11-30"}

    assert jane.post(url, post | {"reason": "Plan agreed", "expected_status": seen[0]}).status_code == 302
    page = head.post(url, post | {"reason": "Second reason", "expected_status": seen[1]})

    text = _text(page)
    assert "The status was already changed to SEN support by Jane Smith (SENDCo) at 10:42" in text
    assert SendRecord.objects.get(pupil=pupil).status == "sen_support"
    assert list(SendStatusChange.objects.values_list("reason", flat=True)) == ["Plan agreed"]


@time_machine.travel(AT, tick=False)
def test_a_refused_status_change_shows_the_form_at_the_current_status(client_for, sendco, headteacher, pupil):
    f.SendRecordFactory(pupil=pupil, status="monitoring")
    jane, head = client_for(_jane(sendco)), client_for(headteacher)
    url = reverse("send:status_change", args=[pupil.pk])
    seen = [_hidden(c.get(url).content.decode(), "expected_status") for c in (jane, head)]
    agreed = {"parents_agreed_by": "Ms Parent", "parents_agreed_on": "2026-11-30"}

    jane.post(url, agreed | {"to_status": "sen_support", "reason": "Plan agreed", "expected_status": seen[0]})
    page = head.post(url, {"to_status": "removed", "reason": "Needs met", "expected_status": seen[1]})

    html = page.content.decode()
    assert "The status was already changed to SEN support by Jane Smith (SENDCo) at 10:42" in _text(page)
    assert "Current status: SEN support." in _text(page)
    assert _hidden(html, "expected_status") == "sen_support"
    assert 'value="ehc_plan"' in html and 'value="sen_support"' not in html.split("expected_status")[0]
    # The head can now choose again from the page they were shown, without reloading it.
    again = head.post(url, {"to_status": "removed", "reason": "Needs met", "expected_status": "sen_support"})
    assert again.status_code == 302
    assert SendRecord.objects.get(pupil=pupil).status == "removed"


@time_machine.travel(AT, tick=False)
def test_after_a_refused_status_change_the_page_offers_the_moves_from_the_status_now(
    client_for, sendco, headteacher, pupil
):
    f.SendRecordFactory(pupil=pupil, status="monitoring")
    jane, head = client_for(_jane(sendco)), client_for(headteacher)
    url = reverse("send:status_change", args=[pupil.pk])
    seen = _hidden(head.get(url).content.decode(), "expected_status")
    jane.post(url, {"to_status": "removed", "reason": "Good progress", "expected_status": "monitoring"})

    refused = head.post(url, {"to_status": "removed", "reason": "Also progress", "expected_status": seen})
    html = refused.content.decode()
    assert "The status was already changed to Removed from the register" in html
    assert _hidden(html, "expected_status") == "removed"
    assert '<option value="removed"' not in html  # no move from Removed to Removed
    assert '<option value="monitoring"' in html

    again = {"to_status": "monitoring", "reason": "Back to watching", "expected_status": "removed"}
    assert head.post(url, again).status_code == 302
    assert SendRecord.objects.get(pupil=pupil).status == "monitoring"


@time_machine.travel(AT, tick=False)
def test_needs_saved_by_someone_else_are_not_overwritten(client_for, sendco, headteacher, pupil):
    f.SendRecordFactory(pupil=pupil, primary_need="SLCN")
    jane, head = client_for(_jane(sendco)), client_for(headteacher)
    url = reverse("send:needs_edit", args=[pupil.pk])
    versions = [_hidden(c.get(url).content.decode(), "expected_version") for c in (jane, head)]

    assert jane.post(url, {"primary_need": "ASD", "expected_version": versions[0]}).status_code == 302
    page = head.post(url, {"primary_need": "SEMH", "expected_version": versions[1]})

    text = _text(page)
    assert "Someone else changed this while you were editing: Jane Smith (SENDCo) at 10:42 changed" in text
    assert SendRecord.objects.get(pupil=pupil).primary_need == "ASD"


@time_machine.travel(AT, tick=False)
def test_cycle_moved_by_someone_else_is_not_moved_again(client_for, sendco, headteacher, pupil):
    cycle = f.SupportCycleFactory(pupil=pupil, stage="review")
    f.TargetFactory(cycle=cycle)
    jane, head = client_for(_jane(sendco)), client_for(headteacher)
    url = reverse("send:cycle_stage", args=[cycle.pk])
    page = jane.get(reverse("send:cycle_detail", args=[cycle.pk])).content.decode()
    assert 'name="from_stage" value="review"' in page

    jane.post(url, {"to_stage": "plan", "from_stage": "review"})
    # The head opened the page at Review too, and meant to go back to planning as well.
    page = head.post(url, {"to_stage": "plan", "from_stage": "review"}, follow=True)

    text = _text(page)
    assert "This cycle was already moved to Plan by Jane Smith (SENDCo) at 10:42" in text
    assert SupportCycle.objects.get(pk=cycle.pk).stage == "plan"
    assert cycle.stage_history.count() == 1


@time_machine.travel(AT, tick=False)
def test_views_recorded_by_someone_else_are_not_overwritten(client_for, sendco, headteacher, pupil):
    cycle = f.SupportCycleFactory(pupil=pupil, stage="review")
    request_ = ViewsRequest.objects.create(
        cycle=cycle, respondent="parent", method="printed", requested_by=sendco
    )
    jane, head = client_for(_jane(sendco)), client_for(headteacher)
    url = reverse("send:views_record", args=[request_.pk])
    versions = [_hidden(c.get(url).content.decode(), "expected_version") for c in (jane, head)]

    jane.post(
        url, {"views": "Happy with progress", "received_on": "2026-11-30", "expected_version": versions[0]}
    )
    page = head.post(url, {"views": "Worried", "received_on": "2026-11-30", "expected_version": versions[1]})

    assert "Someone else changed this while you were editing: Jane Smith (SENDCo)" in _text(page)
    assert ViewsRequest.objects.get(pk=request_.pk).views == "Happy with progress"
