"""Penalty notices by the national framework (docs/rules.md section 4): the pure rules as boundary
tables (no database), then the service: per-parent counting, withdrawn notices, refusals kept."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from graduated_response import measures
from graduated_response import penalty_notices as pn
from graduated_response.models import Case, PenaltyNotice, PenaltyNoticeRefusal
from school.models import AuditEntry
from tests import factories as f
from tests.graduated_response.conftest import fill_marks

RECEIVED = date(2026, 3, 2)
SUPPORT = ["Notice to improve issued 1 February 2026"]


# --- amounts and deadlines ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sequence", "day", "expected"),
    [
        (1, 0, Decimal("80")),
        (1, 21, Decimal("80")),
        (1, 22, Decimal("160")),
        (1, 28, Decimal("160")),
        (1, 29, None),
        (2, 0, Decimal("160")),
        (2, 21, Decimal("160")),
        (2, 22, Decimal("160")),
        (2, 28, Decimal("160")),
        (2, 29, None),
    ],
)
def test_amount_due_by_day_after_receipt(sequence, day, expected):
    paid = RECEIVED + timedelta(days=day)
    assert pn.amount_due(sequence=sequence, received_on=RECEIVED, paid_on=paid) == expected


def test_deadlines_are_counted_from_receipt():
    assert pn.deadlines(sequence=1, received_on=RECEIVED) == [
        (Decimal("80"), date(2026, 3, 23)),
        (Decimal("160"), date(2026, 3, 30)),
    ]
    assert pn.deadlines(sequence=2, received_on=RECEIVED) == [(Decimal("160"), date(2026, 3, 30))]


@pytest.mark.parametrize(
    ("issued", "by_post", "expected"),
    [
        (date(2026, 3, 2), True, date(2026, 3, 4)),  # Monday: Wednesday
        (date(2026, 3, 5), True, date(2026, 3, 9)),  # Thursday: Monday
        (date(2026, 3, 6), True, date(2026, 3, 10)),  # Friday: Tuesday
        (date(2026, 3, 6), False, date(2026, 3, 6)),
    ],
)
def test_deemed_receipt(issued, by_post, expected):
    assert pn.deemed_received(issued_on=issued, by_post=by_post) == expected


# --- may a notice be issued ---------------------------------------------------------------------------
FIRST = date(2026, 1, 10)


def _decide(prior, on, count=12, support=SUPPORT):
    return pn.decide(prior=prior, on=on, unauthorised_10_weeks=count, support=support)


@pytest.mark.parametrize(
    ("count", "allowed"),
    [(0, False), (9, False), (10, True), (11, True)],
)
def test_threshold_is_10_unauthorised_sessions_in_10_weeks(count, allowed):
    d = _decide([], date(2026, 3, 1), count=count)
    assert d.allowed is allowed
    if not allowed:
        assert "threshold is not met" in d.reasons[0]
        assert f"{count} unauthorised session" in d.reasons[0]


def test_no_support_on_record_is_refused_with_what_counts():
    d = _decide([], date(2026, 3, 1), support=[])
    assert not d.allowed
    assert "No support is on record" in d.reasons[0]
    assert "notice to improve" in d.reasons[0] and "attendance contract" in d.reasons[0]


def test_both_reasons_are_given_together():
    d = _decide([], date(2026, 3, 1), count=3, support=[])
    assert len(d.reasons) == 2


@pytest.mark.parametrize(
    ("prior_statuses", "expected_sequence"),
    [
        ([], 1),
        ([pn.PAID], 2),
        ([pn.UNPAID], 2),
        ([pn.PROSECUTED], 2),
        ([pn.ISSUED], 2),
        ([pn.WITHDRAWN], 1),
        ([pn.WITHDRAWN, pn.WITHDRAWN], 1),
        ([pn.PAID, pn.WITHDRAWN], 2),
        ([pn.WITHDRAWN, pn.PAID], 2),
        ([pn.PAID, pn.PAID], None),
        ([pn.PAID, pn.UNPAID], None),
        ([pn.PROSECUTED, pn.ISSUED], None),
        ([pn.PAID, pn.WITHDRAWN, pn.PAID], None),
    ],
)
def test_which_notice_this_is_and_withdrawn_ones_do_not_count(prior_statuses, expected_sequence):
    prior = [pn.Prior(FIRST + timedelta(days=30 * i), s) for i, s in enumerate(prior_statuses)]
    d = _decide(prior, date(2027, 6, 1))
    assert d.sequence == expected_sequence
    assert d.allowed is (expected_sequence is not None)


def test_first_notice_amounts_and_second_notice_amount():
    assert _decide([], date(2026, 3, 1)).amounts == [(Decimal("80"), 21), (Decimal("160"), 28)]
    assert _decide([pn.Prior(FIRST, pn.PAID)], date(2026, 3, 1)).amounts == [(Decimal("160"), 28)]


@pytest.mark.parametrize(
    ("on", "allowed", "sequence"),
    [
        (date(2029, 1, 9), False, None),  # 3 years minus one day
        (date(2029, 1, 10), True, 1),  # the third anniversary: a new period
        (date(2029, 1, 11), True, 1),  # 3 years plus one day
    ],
)
def test_no_third_within_3_years_of_the_first_notices_issue_date(on, allowed, sequence):
    prior = [pn.Prior(FIRST, pn.PAID), pn.Prior(date(2026, 6, 1), pn.UNPAID)]
    d = _decide(prior, on)
    assert (d.allowed, d.sequence) == (allowed, sequence)
    if not allowed:
        assert d.reasons[0].startswith("No third penalty notice to the same parent for the same child")
        assert "10 January 2026" in d.reasons[0] and "10 January 2029" in d.reasons[0]
        assert any("prosecution" in a for a in d.alternatives)
        assert any("education supervision order" in a for a in d.alternatives)


def test_the_3_years_run_from_the_first_counted_notice_not_a_withdrawn_one():
    prior = [
        pn.Prior(date(2025, 1, 5), pn.WITHDRAWN),
        pn.Prior(FIRST, pn.PAID),
        pn.Prior(date(2026, 6, 1), pn.PAID),
    ]
    assert not _decide(prior, date(2028, 2, 1)).allowed  # 3 years from 2025 have passed, not from FIRST
    assert _decide(prior, date(2029, 1, 10)).allowed


def test_a_second_notice_after_3_years_is_a_first_again():
    d = _decide([pn.Prior(FIRST, pn.PAID)], date(2029, 1, 10))
    assert d.sequence == 1 and d.amounts[0] == (Decimal("80"), 21)
    d = _decide([pn.Prior(FIRST, pn.PAID)], date(2029, 1, 9))
    assert d.sequence == 2


def test_leap_day_anniversary():
    assert pn.anniversary(date(2028, 2, 29)) == date(2031, 3, 1)
    prior = [pn.Prior(date(2028, 2, 29), pn.PAID), pn.Prior(date(2028, 5, 1), pn.PAID)]
    assert not _decide(prior, date(2031, 2, 28)).allowed
    assert _decide(prior, date(2031, 3, 1)).allowed


def test_refusal_for_the_threshold_offers_support_not_prosecution():
    d = _decide([], date(2026, 3, 1), count=2)
    assert not any("prosecution" in a for a in d.alternatives)
    assert d.alternatives


# --- the service: per parent, per child --------------------------------------------------------------
@pytest.fixture
def family(school, own_class, attendance_officer):
    """A pupil over the threshold with two parents (both with parental responsibility), a
    grandparent without it, a sibling, a notice to improve on record, on 16 November 2026."""
    pupil = f.PupilFactory(school=school, registration_class=own_class, legal_first_name="Ava")
    sibling = f.PupilFactory(school=school, registration_class=own_class, legal_first_name="Ben")
    mum = f.PupilContactFactory(pupil=pupil, contact__first_name="Mum").contact
    dad = f.PupilContactFactory(pupil=pupil, contact__first_name="Dad").contact
    gran = f.PupilContactFactory(
        pupil=pupil, contact__first_name="Gran", parental_responsibility=False
    ).contact
    f.PupilContactFactory(pupil=sibling, contact=mum)
    for child in (pupil, sibling):
        # 12 unauthorised sessions in the last weeks before 16 November
        fill_marks(
            child,
            date(2026, 9, 1),
            date(2026, 11, 13),
            lambda d, s, i: "O" if d >= date(2026, 11, 2) and i % 2 == 0 else "/",
        )
    case = Case.objects.create(school=school, pupil=pupil, current_tier=4, opened_on=date(2026, 10, 1))
    sibling_case = Case.objects.create(
        school=school, pupil=sibling, current_tier=4, opened_on=date(2026, 10, 1)
    )
    with time_machine.travel(date(2026, 10, 2)):
        for c in (case, sibling_case):
            measures.notice_to_improve_issue(
                actor=attendance_officer,
                case=c,
                issued_on=date(2026, 10, 2),
                period_start=date(2026, 10, 2),
                period_end=date(2026, 10, 30),
                record="Absences in September",
                support_offered="Breakfast club",
                sufficient_improvement="No unauthorised absence",
            )
    return {
        "pupil": pupil,
        "sibling": sibling,
        "mum": mum,
        "dad": dad,
        "gran": gran,
        "case": case,
        "sibling_case": sibling_case,
    }


def _issue(actor, case, parent, on):
    with time_machine.travel(on):
        return measures.penalty_notice_issue(
            actor=actor, case=case, parent=parent, issued_on=on, received_on=on
        )


@pytest.mark.django_db
def test_threshold_is_the_statistics_engines_10_week_count(family):
    count = measures.unauthorised_10_weeks(case=family["case"], on=date(2026, 11, 16))
    assert count == 10  # the mornings of 2-13 November (O), nothing earlier


@pytest.mark.django_db
def test_each_parent_is_counted_separately_and_each_child(family, attendance_officer):
    on = date(2026, 11, 16)
    a = _issue(attendance_officer, family["case"], family["mum"], on)
    b = _issue(attendance_officer, family["case"], family["mum"], on + timedelta(days=1))
    c = _issue(attendance_officer, family["case"], family["dad"], on + timedelta(days=1))
    d = _issue(attendance_officer, family["sibling_case"], family["mum"], on + timedelta(days=2))
    assert [a.sequence, b.sequence, c.sequence, d.sequence] == [1, 2, 1, 1]
    with pytest.raises(measures.PenaltyNoticeRefused) as refused:
        _issue(attendance_officer, family["case"], family["mum"], on + timedelta(days=3))
    assert "No third penalty notice" in refused.value.messages[0]
    assert PenaltyNotice.objects.filter(parent=family["mum"], pupil=family["pupil"]).count() == 2
    # Dad's second notice for Ava is still allowed.
    assert _issue(attendance_officer, family["case"], family["dad"], on + timedelta(days=3)).sequence == 2


@pytest.mark.django_db
def test_a_withdrawn_notice_does_not_count(family, attendance_officer):
    on = date(2026, 11, 16)
    first = _issue(attendance_officer, family["case"], family["mum"], on)
    _issue(attendance_officer, family["case"], family["mum"], on + timedelta(days=1))
    with time_machine.travel(on + timedelta(days=1)):
        measures.penalty_notice_withdraw(actor=attendance_officer, notice=first, reason="Issued in error")
    third = _issue(attendance_officer, family["case"], family["mum"], on + timedelta(days=2))
    assert third.sequence == 2
    assert AuditEntry.objects.filter(action="graduated_response.penalty_notice.withdrawn").count() == 1


# --- one notice per parent per offence: not two on one day ----------------------------------------------
@pytest.mark.parametrize(
    ("prior", "on", "refused"),
    [
        ([(FIRST, pn.ISSUED)], FIRST, True),
        ([(FIRST, pn.PAID)], FIRST, True),
        ([(FIRST, pn.UNPAID)], FIRST, True),
        ([(FIRST, pn.PROSECUTED)], FIRST, True),
        ([(FIRST, pn.WITHDRAWN)], FIRST, False),
        ([(FIRST, pn.ISSUED)], FIRST + timedelta(days=1), False),
        ([(FIRST, pn.ISSUED)], FIRST - timedelta(days=1), False),
        ([], FIRST, False),
    ],
)
def test_a_second_notice_on_the_same_day_is_refused(prior, on, refused):
    reason = pn.same_day_refusal([pn.Prior(day, status) for day, status in prior], on)
    assert (reason is not None) is refused
    if refused:
        assert "one penalty notice per parent for each offence" in reason


@pytest.mark.django_db
def test_same_parent_same_child_same_day_is_refused_beside_the_date(family, attendance_officer):
    on = date(2026, 11, 16)
    _issue(attendance_officer, family["case"], family["mum"], on)
    with pytest.raises(ValidationError) as refused:
        _issue(attendance_officer, family["case"], family["mum"], on)
    assert "already recorded on 16 November 2026" in refused.value.message_dict["issued_on"][0]
    assert PenaltyNotice.objects.filter(parent=family["mum"], pupil=family["pupil"]).count() == 1
    assert not PenaltyNoticeRefusal.objects.exists()  # a double entry, not a framework refusal
    # The other parent, and the same parent for the sibling, on the same day, are other offences.
    assert _issue(attendance_officer, family["case"], family["dad"], on).sequence == 1
    assert _issue(attendance_officer, family["sibling_case"], family["mum"], on).sequence == 1


@pytest.mark.django_db
def test_same_day_refusal_shows_beside_the_date_field(client, family, attendance_officer, login):
    from django.urls import reverse

    on = date(2026, 11, 16)
    _issue(attendance_officer, family["case"], family["mum"], on)
    login(attendance_officer)
    with time_machine.travel(on):
        response = client.post(
            reverse("graduated_response:penalty_notice_create", args=[family["case"].pk]),
            {"parent": family["mum"].pk, "issued_on": on.isoformat(), "sent_by": "hand"},
        )
    assert response.status_code == 400
    form = response.context["form"]
    assert "already recorded on 16 November 2026" in form.errors["issued_on"][0]
    assert PenaltyNotice.objects.filter(parent=family["mum"]).count() == 1


@pytest.mark.django_db
def test_a_parent_without_parental_responsibility_gets_none(family, attendance_officer):
    with pytest.raises(ValidationError) as error, time_machine.travel(date(2026, 11, 16)):
        measures.penalty_notice_issue(
            actor=attendance_officer, case=family["case"], parent=family["gran"], issued_on=date(2026, 11, 16)
        )
    assert "parental responsibility" in error.value.message_dict["parent"][0]


@pytest.mark.django_db
def test_below_the_threshold_is_refused_and_the_refusal_kept(family, attendance_officer):
    on = date(2026, 10, 5)  # before the November absences
    with time_machine.travel(on):
        with pytest.raises(measures.PenaltyNoticeRefused) as refused:
            measures.penalty_notice_issue(
                actor=attendance_officer, case=family["case"], parent=family["mum"], issued_on=on
            )
        measures.penalty_notice_refusal_record(
            actor=attendance_officer,
            case=family["case"],
            parent=family["mum"],
            on=on,
            decision=refused.value.decision,
        )
    assert not PenaltyNotice.objects.exists()
    refusal = PenaltyNoticeRefusal.objects.get()
    assert "threshold is not met" in refusal.reasons[0]
    assert AuditEntry.objects.filter(action="graduated_response.penalty_notice.refused").count() == 1


@pytest.mark.django_db
def test_no_support_on_record_is_refused(school, own_class, attendance_officer):
    pupil = f.PupilFactory(school=school, registration_class=own_class)
    mum = f.PupilContactFactory(pupil=pupil).contact
    fill_marks(pupil, date(2026, 9, 1), date(2026, 11, 13), lambda d, s, i: "O" if i % 2 == 0 else "/")
    case = Case.objects.create(school=school, pupil=pupil, current_tier=5, opened_on=date(2026, 10, 1))
    with time_machine.travel(date(2026, 11, 16)), pytest.raises(measures.PenaltyNoticeRefused) as refused:
        measures.penalty_notice_issue(
            actor=attendance_officer, case=case, parent=mum, issued_on=date(2026, 11, 16)
        )
    assert refused.value.messages == [refused.value.decision.reasons[0]]
    assert "No support is on record" in refused.value.messages[0]


@pytest.mark.django_db
def test_payment_amount_follows_the_notices_history(family, attendance_officer):
    on = date(2026, 11, 16)
    notice = _issue(attendance_officer, family["case"], family["mum"], on)
    with time_machine.travel(on + timedelta(days=22)):
        with pytest.raises(ValidationError) as error:
            measures.penalty_notice_payment_record(
                actor=attendance_officer, notice=notice, paid_on=on + timedelta(days=22), amount=Decimal("80")
            )
        assert "£160" in error.value.message_dict["amount"][0]
        measures.penalty_notice_payment_record(
            actor=attendance_officer, notice=notice, paid_on=on + timedelta(days=22), amount=Decimal("160")
        )
    notice.refresh_from_db()
    assert (notice.status, notice.amount_paid) == ("paid", Decimal("160.00"))


@pytest.mark.django_db
def test_unpaid_only_after_the_last_day_then_prosecution_referral(family, attendance_officer):
    on = date(2026, 11, 16)
    notice = _issue(attendance_officer, family["case"], family["mum"], on)
    with time_machine.travel(on + timedelta(days=40)):
        with pytest.raises(ValidationError):
            measures.penalty_notice_unpaid_record(
                actor=attendance_officer, notice=notice, on=on + timedelta(days=28)
            )
        measures.penalty_notice_unpaid_record(
            actor=attendance_officer, notice=notice, on=on + timedelta(days=29)
        )
        step = measures.penalty_notice_refer_for_prosecution(
            actor=attendance_officer, notice=notice, on=on + timedelta(days=30)
        )
    notice.refresh_from_db()
    assert notice.status == "prosecuted"
    assert step.kind == "prosecution" and step.penalty_notice == notice
    # A prosecuted notice still counts.
    assert _issue(attendance_officer, family["case"], family["mum"], on + timedelta(days=41)).sequence == 2
