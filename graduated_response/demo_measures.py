"""Demo formal measures (fictional): an attendance contract under review (agreed, one review held, the
next due), a notice to improve in its improvement period, a paid penalty notice, and a third notice
to the same parent for the same child that the framework refuses, kept on the case with its reasons.
Called by graduated_response/demo.py once the demo's cases exist.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError

from school import audit
from school.models import Membership, Role

from . import measures, services
from . import penalty_notices as pn_rules
from .models import Case, MeasureStatusEvent, PenaltyNotice


def _officer(school):
    found = (
        Membership.objects.filter(school=school, role=Role.ATTENDANCE_OFFICER, is_active=True)
        .select_related("user")
        .first()
    )
    return found.user if found else None


def _cases_with_parents(school) -> list[Case]:
    cases = (
        Case.objects.open()
        .filter(school=school, pupil__contact_links__parental_responsibility=True)
        .select_related("pupil", "school")
        .order_by("-current_tier", "pk")
        .distinct()
    )
    return list(cases[:12])


def build(*, school, rng, today: date) -> None:
    officer = _officer(school)
    cases = _cases_with_parents(school)
    if officer is None or len(cases) < 3:
        return
    _contract_under_review(officer, cases[2], today)
    _notice_in_period(officer, cases[1], today)
    _paid_and_refused_third(officer, cases[0], today)


def _contract_under_review(officer, case, today):
    start = today - timedelta(days=70)
    contract = measures.attendance_contract_create(
        actor=officer,
        case=case,
        parties="Both parents, the pupil, the attendance officer and the class teacher.",
        reasons_given="Mornings are difficult since a younger sibling was born; the family car is often unavailable.",
        parent_requirements="Bring the pupil to the school gate by 8:45 every day.\nRing the office by 9:00 on any day of illness.",
        school_requirements="A place at breakfast club at no cost.\nA daily check-in with the key adult.\nA fortnightly call with the family.",
        pupil_requirements="Go to breakfast club and tell the key adult if anything is worrying them.",
        support_offered="Breakfast club; a referral to the family hub for help with transport.",
        start_on=start,
        duration_months=6,
        status="agreed",
        review_dates=[start + timedelta(days=42), today + timedelta(days=14), start + timedelta(days=160)],
    )
    first = contract.reviews.order_by("due_on").first()
    measures.measure_review_record(
        actor=officer,
        review=first,
        held_on=first.due_on,
        outcome="Attendance up from 86% to 91% since the contract began. Breakfast club is working; keep going.",
    )


def _notice_in_period(officer, case, today):
    issued = today - timedelta(days=7)
    try:
        measures.notice_to_improve_issue(
            actor=officer,
            case=case,
            issued_on=issued,
            period_start=issued,
            period_end=issued + timedelta(weeks=4),
            record="Unauthorised absence on several mornings this half-term, after the attendance meeting.",
            support_offered="An attendance contract was offered; a place at breakfast club; a call each Monday.",
            sufficient_improvement="No unauthorised absence during the improvement period.",
            produce_letters=True,
        )
    except ValidationError:  # the SEND gate holds the letters back: the notice without them
        measures.notice_to_improve_issue(
            actor=officer,
            case=case,
            issued_on=issued,
            period_start=issued,
            period_end=issued + timedelta(weeks=4),
            record="Unauthorised absence on several mornings this half-term.",
            support_offered="A place at breakfast club; a call each Monday.",
            sufficient_improvement="No unauthorised absence during the improvement period.",
        )


def _history_notice(officer, case, parent, *, sequence, issued_on, paid_after_days, amount):
    """Demo data only: a notice from last school year, before this demo's registers begin, so its
    threshold cannot be recomputed; it stands in for one recorded then through penalty_notice_issue."""
    notice = PenaltyNotice.objects.create(
        case=case,
        pupil=case.pupil,
        parent=parent,
        sequence=sequence,
        reference=f"LA-DEMO-{sequence:03d}",
        issued_on=issued_on,
        received_on=pn_rules.deemed_received(issued_on=issued_on, by_post=True),
        unauthorised_10_weeks=12,
        support_on_record="Attendance contract; meetings with the family",
        status=pn_rules.PAID,
        paid_on=pn_rules.deemed_received(issued_on=issued_on, by_post=True) + timedelta(days=paid_after_days),
        amount_paid=amount,
        created_by=officer,
    )
    for frm, to, on in (("", "issued", notice.issued_on), ("issued", "paid", notice.paid_on)):
        MeasureStatusEvent.objects.create(
            measure_type=notice._meta.label_lower,
            measure_id=notice.pk,
            from_status=frm,
            to_status=to,
            on=on,
            by=officer,
        )
    audit.record(
        actor=officer,
        action="graduated_response.penalty_notice.issued",
        obj=notice,
        after=audit.snapshot(notice),
    )
    return notice


def _paid_and_refused_third(officer, case, today):
    parent = measures.parents_for(case=case).first()
    services.communication_log_add(
        actor=officer,
        case=case,
        kind="home_visit",
        happened_on=today - timedelta(days=320),
        with_whom=str(parent),
        summary="Home visit last school year: talked about mornings and offered breakfast club.",
    )
    _history_notice(
        officer,
        case,
        parent,
        sequence=1,
        issued_on=today - timedelta(days=300),
        paid_after_days=12,
        amount=Decimal("80"),
    )
    _history_notice(
        officer,
        case,
        parent,
        sequence=2,
        issued_on=today - timedelta(days=120),
        paid_after_days=20,
        amount=Decimal("160"),
    )
    try:
        measures.penalty_notice_issue(
            actor=officer, case=case, parent=parent, issued_on=today, received_on=today
        )
    except measures.PenaltyNoticeRefused as refused:
        measures.penalty_notice_refusal_record(
            actor=officer, case=case, parent=parent, on=today, decision=refused.decision
        )
