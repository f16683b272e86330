"""The SEND gate: for a pupil on SEN support or with an EHC plan, a letter that warns of sanctions waits
for a joint SENDCo review recorded with an outcome (graduated_response/send_gate.py)."""

from datetime import date

import pytest
import time_machine

from graduated_response.models import Case
from graduated_response.send_gate import SANCTION_CODES, review_counts_from, sanction_gate, sanction_refusal
from letters.models import Meeting
from tests import factories as f


@pytest.mark.parametrize(
    ("code", "provision", "review_held", "refused"),
    [
        ("letter_3", "K", False, True),
        ("letter_3", "E", False, True),
        ("letter_3a", "K", False, True),
        ("notice_to_improve", "E", False, True),
        ("penalty_warning", "K", False, True),
        ("letter_3", "K", True, False),
        ("penalty_warning", "E", True, False),
        ("letter_3", "N", False, False),
        ("penalty_warning", "N", False, False),
        # Letters that do not warn of sanctions are never held back.
        ("letter_1", "E", False, False),
        ("letter_2", "K", False, False),
        ("letter_3b", "K", False, False),
        ("certificate_full", "E", False, False),
    ],
)
def test_sanction_refusal_table(code, provision, review_held, refused):
    reason = sanction_refusal(code=code, provision=provision, review_held=review_held)
    assert (reason is not None) is refused
    if refused:
        assert "joint review with the SENDCo" in reason


def test_every_sanction_code_is_held_back():
    assert {"letter_3", "letter_3a", "notice_to_improve", "penalty_warning"} <= set(SANCTION_CODES)


@pytest.mark.parametrize(
    ("opened", "today", "since"),
    [
        (date(2026, 11, 2), date(2026, 12, 1), date(2026, 11, 2)),
        (date(2026, 12, 1), date(2026, 12, 1), date(2026, 12, 1)),
        (None, date(2026, 12, 1), date(2025, 12, 1)),
    ],
)
def test_review_counts_from(opened, today, since):
    assert review_counts_from(case_opened_on=opened, today=today) == since


def _review(pupil, by, *, held_on, outcome="adjustments", status="held"):
    return Meeting.objects.create(
        school=pupil.school,
        pupil=pupil,
        kind=Meeting.Kind.SEND_REVIEW,
        status=status,
        planned_on=held_on,
        held_on=held_on if status == "held" else None,
        outcome=outcome if status == "held" else "",
        created_by=by,
    )


@time_machine.travel("2026-12-01 10:00Z")
@pytest.mark.parametrize("register_status", ["sen_support", "ehc_plan"])
def test_gate_refuses_until_the_review_is_recorded(pupil, sendco, register_status):
    f.SendRecordFactory(pupil=pupil, status=register_status)
    Case.objects.create(school=pupil.school, pupil=pupil, current_tier=3, opened_on=date(2026, 11, 9))
    for code in ("letter_3", "notice_to_improve", "penalty_warning"):
        assert "joint review with the SENDCo" in sanction_gate(pupil=pupil, code=code)
    assert sanction_gate(pupil=pupil, code="letter_2") is None

    # A planned review, or one held before this case opened, does not count.
    _review(pupil, sendco, held_on=date(2026, 12, 3), status="planned")
    _review(pupil, sendco, held_on=date(2026, 11, 6))
    assert sanction_gate(pupil=pupil, code="letter_3") is not None

    _review(pupil, sendco, held_on=date(2026, 11, 9), outcome="no_change")
    for code in ("letter_3", "notice_to_improve", "penalty_warning"):
        assert sanction_gate(pupil=pupil, code=code) is None


@time_machine.travel("2026-12-01 10:00Z")
def test_pupil_with_no_sen_is_never_held_back(pupil):
    Case.objects.create(school=pupil.school, pupil=pupil, current_tier=3, opened_on=date(2026, 11, 9))
    assert sanction_gate(pupil=pupil, code="penalty_warning") is None


@time_machine.travel("2026-12-01 10:00Z")
def test_census_field_alone_holds_the_letter_back(pupil, sendco):
    """An imported pupil marked K with no SEN register record yet is still held back."""
    pupil.sen_provision = "K"
    pupil.save(update_fields=["sen_provision"])
    assert sanction_gate(pupil=pupil, code="letter_3") is not None
    # No open case: a review in the last 365 days counts.
    _review(pupil, sendco, held_on=date(2026, 1, 5))
    assert sanction_gate(pupil=pupil, code="letter_3") is None


@time_machine.travel("2026-12-01 10:00Z")
def test_pupil_removed_from_register_is_not_held_back(pupil):
    f.SendRecordFactory(pupil=pupil, status="removed")
    assert sanction_gate(pupil=pupil, code="letter_3") is None


@time_machine.travel("2026-12-01 10:00Z")
def test_recording_the_joint_review_acknowledges_its_alert(pupil, sendco):
    from graduated_response.models import Alert
    from letters import meetings

    f.SendRecordFactory(pupil=pupil, status="sen_support")
    case = Case.objects.create(school=pupil.school, pupil=pupil, current_tier=3, opened_on=date(2026, 11, 9))
    alert = Alert.objects.create(
        school=pupil.school,
        pupil=pupil,
        case=case,
        kind="send_joint_review",
        period_key=f"{case.pk}-tier3",
        message="Hold a joint review with the SENDCo",
        for_roles=",sendco,attendance_officer,",
        created_on=date(2026, 11, 9),
    )
    other = Alert.objects.create(
        school=pupil.school,
        pupil=pupil,
        case=case,
        kind="ehcp_review_requested",
        period_key=f"{case.pk}-tier3",
        message="An early review of the plan has been asked for",
        for_roles=",sendco,",
        created_on=date(2026, 11, 9),
    )
    review, _ = meetings.meeting_plan(
        actor=sendco, pupil=pupil, kind="send_review", planned_on=date(2026, 12, 1)
    )
    alert.refresh_from_db()
    assert alert.status == "open"  # planning it is not enough
    meetings.meeting_record_held(actor=sendco, meeting=review, held_on=date(2026, 12, 1), outcome="no_change")
    alert.refresh_from_db()
    other.refresh_from_db()
    assert (alert.status, alert.acknowledged_by) == ("acknowledged", sendco)
    assert other.status == "open"
    assert sanction_gate(pupil=pupil, code="letter_3") is None


# --- a batch review: the gate for the whole set, in a fixed number of queries -----------------------------
def _send_pupils(school, own_class, sendco, n):
    """n pupils on SEN support, each with an open case; every other one has had the joint review."""
    pupils = []
    for i in range(n):
        pupil = f.PupilFactory(school=school, registration_class=own_class)
        f.SendRecordFactory(pupil=pupil, status="sen_support" if i % 3 else "ehc_plan")
        f.PupilContactFactory(pupil=pupil)
        Case.objects.create(school=school, pupil=pupil, current_tier=3, opened_on=date(2026, 11, 9))
        if i % 2:
            _review(pupil, sendco, held_on=date(2026, 11, 16))
        pupils.append(pupil)
    return pupils


@time_machine.travel("2026-12-01 10:00Z")
def test_batch_review_gate_is_a_fixed_number_of_queries(
    school, own_class, sendco, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from graduated_response.send_gate import sanction_refusals
    from letters import batches

    counts = {}
    for n in (5, 30):
        pupils = _send_pupils(school, own_class, sendco, n)
        # Register statuses, open cases, joint reviews and addressees: the same bound for 5 and 30.
        with django_assert_max_num_queries(6), CaptureQueriesContext(connection) as queries:
            rows = batches.batch_review(pupils=pupils, code="letter_3", gate=sanction_refusals)
        counts[n] = len(queries.captured_queries)
        held = [row for row in rows if row.reason]
        assert len(held) == n - n // 2  # those without the joint review
        assert all("joint review with the SENDCo" in row.reason for row in held)
        assert all(row.addressees for row in rows if not row.reason)
    assert counts[5] == counts[30]


@time_machine.travel("2026-12-01 10:00Z")
def test_batch_gate_agrees_with_the_one_pupil_gate(school, own_class, sendco):
    from graduated_response.send_gate import sanction_refusals

    pupils = _send_pupils(school, own_class, sendco, 6)
    pupils.append(f.PupilFactory(school=school, registration_class=own_class))  # no SEN: never held
    together = sanction_refusals(pupils=pupils, code="notice_to_improve")
    one_by_one = {p.pk: r for p in pupils if (r := sanction_gate(pupil=p, code="notice_to_improve"))}
    assert together == one_by_one and len(together) == 3
    assert sanction_refusals(pupils=pupils, code="letter_1") == {}
