"""The SEN register state machine: the pure table, and the service that applies it with history and audit."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from school.models import AuditEntry, Pupil
from school.transitions import IllegalMove
from send import register_status as rs
from send import services
from send.models import SendRecord, SendStatusChange


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [
        (rs.NONE, rs.MONITORING),
        (rs.NONE, rs.SEN_SUPPORT),
        (rs.NONE, rs.EHC_PLAN),
        (rs.MONITORING, rs.SEN_SUPPORT),
        (rs.MONITORING, rs.REMOVED),
        (rs.SEN_SUPPORT, rs.EHC_PLAN),
        (rs.SEN_SUPPORT, rs.MONITORING),  # a review's "Move to monitoring"
        (rs.SEN_SUPPORT, rs.REMOVED),
        (rs.EHC_PLAN, rs.SEN_SUPPORT),
        (rs.EHC_PLAN, rs.REMOVED),
        (rs.REMOVED, rs.MONITORING),
        (rs.REMOVED, rs.SEN_SUPPORT),
    ],
)
def test_allowed_moves(from_status, to_status):
    rs.REGISTER.check(from_status, to_status)


@pytest.mark.parametrize(
    ("from_status", "to_status", "message"),
    [
        (
            rs.MONITORING,
            rs.EHC_PLAN,
            "from Monitoring to SEN support or Removed from the register, not to EHC plan",
        ),
        (
            rs.REMOVED,
            rs.EHC_PLAN,
            "from Removed from the register to Monitoring or SEN support, not to EHC plan",
        ),
        (rs.EHC_PLAN, rs.MONITORING, "to SEN support or Removed from the register, not to Monitoring"),
        (rs.SEN_SUPPORT, rs.SEN_SUPPORT, "already SEN support"),
        (rs.NONE, rs.REMOVED, "from Not recorded to Monitoring or SEN support or EHC plan, not to Removed"),
        (rs.MONITORING, rs.NONE, "not to Not recorded"),
        (rs.MONITORING, "graduated", "'graduated' is not a pupil status"),
    ],
)
def test_illegal_moves_are_refused_with_a_reason(from_status, to_status, message):
    with pytest.raises(IllegalMove, match=message):
        rs.REGISTER.check(from_status, to_status)


def test_census_codes_and_parents_agreement():
    assert [rs.census_code(s) for s in (rs.NONE, rs.MONITORING, rs.SEN_SUPPORT, rs.EHC_PLAN, rs.REMOVED)] == [
        "N",
        "N",
        "K",
        "E",
        "N",
    ]
    assert rs.needs_parents_agreement(rs.MONITORING, rs.SEN_SUPPORT)
    assert not rs.needs_parents_agreement(
        rs.EHC_PLAN, rs.SEN_SUPPORT
    )  # a plan ceasing: already on the register


def test_status_change_writes_history_audit_and_census_code(pupil, sendco):
    services.send_status_change(actor=sendco, pupil=pupil, to_status=rs.MONITORING, reason="Concern raised")
    services.send_status_change(
        actor=sendco,
        pupil=pupil,
        to_status=rs.SEN_SUPPORT,
        reason="Little progress after a term",
        parents_agreed_by="Mrs Example",
        parents_agreed_on=date(2026, 11, 20),
    )
    pupil.refresh_from_db()
    assert pupil.sen_provision == "K"
    record = SendRecord.objects.get(pupil=pupil)
    assert record.status == rs.SEN_SUPPORT
    history = list(SendStatusChange.objects.filter(pupil=pupil).order_by("id"))
    assert [(h.from_status, h.to_status) for h in history] == [
        ("none", "monitoring"),
        ("monitoring", "sen_support"),
    ]
    assert history[1].changed_by == sendco and history[1].reason == "Little progress after a term"
    assert history[1].parents_agreed_by == "Mrs Example"
    actions = list(AuditEntry.objects.filter(pupil=pupil).order_by("id").values_list("action", flat=True))
    assert actions == [
        "send.register.status_changed",
        "send.register.status_changed",
        "school.pupil.sen_provision_changed",
    ]
    census = AuditEntry.objects.get(action="school.pupil.sen_provision_changed")
    assert census.before == {"sen_provision": "N"} and census.after == {"sen_provision": "K"}
    assert census.actor == sendco


def test_ehc_plan_then_ceasing_keeps_census_in_step(pupil, sendco):
    services.send_status_change(actor=sendco, pupil=pupil, to_status=rs.EHC_PLAN, reason="Joined with a plan")
    assert Pupil.objects.get(pk=pupil.pk).sen_provision == "E"
    services.send_status_change(actor=sendco, pupil=pupil, to_status=rs.SEN_SUPPORT, reason="Plan ceased")
    assert Pupil.objects.get(pk=pupil.pk).sen_provision == "K"
    services.send_status_change(actor=sendco, pupil=pupil, to_status=rs.REMOVED, reason="Needs met")
    assert Pupil.objects.get(pk=pupil.pk).sen_provision == "N"
    services.send_status_change(
        actor=sendco, pupil=pupil, to_status=rs.MONITORING, reason="Watch after removal"
    )
    assert SendStatusChange.objects.filter(pupil=pupil).count() == 4


def test_illegal_move_changes_nothing(pupil, sendco):
    services.send_status_change(actor=sendco, pupil=pupil, to_status=rs.MONITORING, reason="Concern")
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.send_status_change(actor=sendco, pupil=pupil, to_status=rs.EHC_PLAN, reason="Skip ahead")
    assert "not to EHC plan" in str(exc.value)
    assert AuditEntry.objects.count() == before
    assert SendRecord.objects.get(pupil=pupil).status == rs.MONITORING
    assert Pupil.objects.get(pk=pupil.pk).sen_provision == "N"


def test_joining_the_register_needs_the_parents_agreement(pupil, sendco):
    with pytest.raises(ValidationError) as exc:
        services.send_status_change(
            actor=sendco, pupil=pupil, to_status=rs.SEN_SUPPORT, reason="Needs support"
        )
    assert "parents_agreed_by" in exc.value.message_dict and "parents_agreed_on" in exc.value.message_dict
    assert not SendRecord.objects.filter(pupil=pupil).exists()


def test_status_change_view(login, sendco, pupil):
    client = login(sendco)
    response = client.post(
        f"/send/pupils/{pupil.pk}/status/", {"to_status": "ehc_plan", "reason": "Joined with a plan"}
    )
    assert response.status_code == 302
    assert Pupil.objects.get(pk=pupil.pk).sen_provision == "E"
    # Only the table's next steps are offered, and an illegal one is refused beside the field.
    page = client.get(f"/send/pupils/{pupil.pk}/status/").content.decode()
    assert 'value="sen_support"' in page and 'value="monitoring"' not in page
    response = client.post(f"/send/pupils/{pupil.pk}/status/", {"to_status": "monitoring", "reason": "x"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
