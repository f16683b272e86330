"""A class teacher logs a concern; the SENDCo triages it: actions with dates, and an outcome."""

from datetime import UTC, datetime

import pytest
import time_machine

from school.models import AuditEntry, Pupil
from send.models import Concern, SendRecord, SendStatusChange
from tests import factories as f

CONCERN = {
    "area_of_need": "communication",
    "what_we_see": "Struggles to follow <b>two-step</b> instructions",
    "evidence": "Speech screen: 2 of 10",
    "adjustments_in_place": "Visual timetable, chunked instructions",
}


@time_machine.travel("2026-11-23 10:00", tick=False)
def test_teacher_raises_a_concern(login, class_teacher, pupil):
    client = login(class_teacher)
    assert "Initial concerns form" in client.get(f"/send/pupils/{pupil.pk}/concern/").content.decode()
    response = client.post(f"/send/pupils/{pupil.pk}/concern/", CONCERN)
    concern = Concern.objects.get(pupil=pupil)
    assert response.status_code == 302 and response["Location"] == f"/send/concerns/{concern.pk}/"
    assert concern.raised_by == class_teacher and concern.status == Concern.Status.AWAITING_TRIAGE
    entry = AuditEntry.objects.get(action="send.concern.raised")
    assert entry.pupil_id == pupil.pk and entry.school_id == pupil.school_id
    page = client.get(response["Location"]).content.decode()
    assert "Awaiting triage" in page
    assert "&lt;b&gt;two-step&lt;/b&gt;" in page  # escaped
    # A second visit to the form says one is already waiting, and still allows another.
    again = client.get(f"/send/pupils/{pupil.pk}/concern/").content.decode()
    assert 'data-testid="concern-waiting"' in again and "already waiting for the SENDCo" in again


def test_concern_needs_every_part_of_the_form(login, class_teacher, pupil):
    response = login(class_teacher).post(
        f"/send/pupils/{pupil.pk}/concern/", {**CONCERN, "adjustments_in_place": ""}
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not Concern.objects.exists() and not AuditEntry.objects.exists()


def test_teacher_cannot_raise_a_concern_about_another_class(
    login, class_teacher, other_class_pupil, other_school_pupil
):
    client = login(class_teacher)
    assert client.post(f"/send/pupils/{other_class_pupil.pk}/concern/", CONCERN).status_code == 404
    assert client.post(f"/send/pupils/{other_school_pupil.pk}/concern/", CONCERN).status_code == 404
    assert not Concern.objects.exists()


@time_machine.travel(
    "2026-11-30 10:00", tick=False
)  # the triage dates follow the concern, none in the future
def test_sendco_triages_and_adds_to_the_register(login, sendco, pupil):
    concern = f.ConcernFactory(pupil=pupil, raised_at=datetime(2026, 11, 23, 10, tzinfo=UTC))
    client = login(sendco)
    assert "Concerns awaiting triage" in client.get("/send/").content.decode()
    response = client.post(
        f"/send/concerns/{concern.pk}/triage/",
        {
            "observe": "on",
            "observe_on": "2026-11-25",
            "meet_parents": "on",
            "parents_meeting_on": "2026-11-27",
            "outcome": "add_to_register",
            "parents_agreed_by": "Ms Parent",
            "parents_agreed_on": "2026-11-27",
            "primary_need": "SLCN",
            "notes": "Agreed at the parents' meeting",
        },
    )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.status == Concern.Status.TRIAGED and concern.triaged_by == sendco
    assert concern.observe_on.isoformat() == "2026-11-25" and concern.outcome == "add_to_register"
    record = SendRecord.objects.get(pupil=pupil)
    assert record.status == "sen_support" and record.primary_need == "SLCN"
    assert Pupil.objects.get(pk=pupil.pk).sen_provision == "K"
    change = SendStatusChange.objects.get(pupil=pupil)
    assert change.concern == concern and change.parents_agreed_by == "Ms Parent"
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "send.concern.triaged",
        "send.register.status_changed",
        "school.pupil.sen_provision_changed",
        "send.needs.changed",
    } <= actions


def test_triage_refuses_missing_dates_and_agreement_and_saves_nothing(login, sendco, pupil):
    concern = f.ConcernFactory(pupil=pupil)
    response = login(sendco).post(
        f"/send/concerns/{concern.pk}/triage/",
        {
            "observe": "on",
            "outcome": "add_to_register",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Give the date." in page and "Record which parent agreed" in page
    concern.refresh_from_db()
    assert concern.status == Concern.Status.AWAITING_TRIAGE
    assert not SendRecord.objects.exists() and not AuditEntry.objects.exists()


@time_machine.travel("2026-11-23 10:00", tick=False)  # the triage dates follow the concern
@pytest.mark.parametrize(("outcome", "status"), [("monitor", "monitoring"), ("no_further_action", None)])
def test_triage_monitor_or_no_further_action(login, sendco, pupil, outcome, status):
    concern = f.ConcernFactory(pupil=pupil)
    login(sendco).post(
        f"/send/concerns/{concern.pk}/triage/",
        {"outcome": outcome, "discuss_at_progress_meeting": "on", "progress_meeting_on": "2026-12-01"},
    )
    assert Concern.objects.get(pk=concern.pk).status == "triaged"
    assert SendRecord.objects.filter(pupil=pupil).values_list("status", flat=True).first() == status
    assert Pupil.objects.get(pk=pupil.pk).sen_provision == "N"


def test_teacher_cannot_triage(login, class_teacher, pupil):
    concern = f.ConcernFactory(pupil=pupil)
    assert (
        login(class_teacher).post(f"/send/concerns/{concern.pk}/triage/", {"outcome": "monitor"}).status_code
        == 403
    )
    assert Concern.objects.get(pk=concern.pk).status == "awaiting_triage"
