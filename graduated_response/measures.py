"""Every write to the formal measures on a case: attendance contracts and their reviews, notices to
improve, penalty notices (refusals recorded too) and legal steps. Keyword-only, atomic, validated,
audited; status changes through ``school.transitions.move`` with the tables in
``graduated_response.transitions`` (history rows: ``MeasureStatusEvent``). The rules are pure modules:
``penalty_notices``, ``notice_to_improve``, ``attendance_contracts``, ``legal_steps`` (docs/rules.md
section 4).

Audit action codes: graduated_response.contract.created / .updated / .moved / .letters,
graduated_response.review.added / .recorded, graduated_response.notice_to_improve.issued / .outcome /
.letters, graduated_response.penalty_notice.issued / .refused / .received / .paid / .unpaid / .withdrawn /
.prosecuted / .warning_letters, graduated_response.legal_step.created / .moved / .extended, and
graduated_response.communication.added for each letter's log entry.

Letters (notice to improve, penalty notice warning, attendance contract) go through
``letters.services.letter_produce`` to each of ``letters.recipients.addressees(pupil)``, the first two
held back by ``graduated_response.send_gate.sanction_gate``.

What counts as support on record before a penalty notice (``support_on_record``): a notice to improve
that was not withdrawn, an attendance contract (offered or agreed: an offer the family did not take up
is still support offered), or a meeting or home visit in the case's communication log, on any of the
pupil's cases.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from attendance import statistics
from letters.recipients import addressees
from letters.services import letter_produce
from school import audit, editing
from school.calendar import SchoolCalendar
from school.models import Contact, Pupil
from school.transitions import move

from . import attendance_contracts as contract_rules
from . import legal_steps as legal_rules
from . import notice_to_improve as nti_rules
from . import penalty_notices as pn_rules
from . import selectors, services, transitions
from .models import (
    AttendanceContract,
    Case,
    CommunicationLog,
    LegalStep,
    MeasureReview,
    MeasureStatusEvent,
    NoticeToImprove,
    PenaltyNotice,
    PenaltyNoticeRefusal,
    ResponseSettings,
)
from .send_gate import sanction_gate


class PenaltyNoticeRefused(ValidationError):
    """The framework does not allow this notice; `decision` holds the reasons and the alternatives."""

    def __init__(self, decision: pn_rules.Decision):
        super().__init__(decision.reasons, code="refused")
        self.decision = decision


# --- helpers ------------------------------------------------------------------------------------------
def _history(obj, *, actor, on: date, reason: str = ""):
    def row(from_status: str, to_status: str) -> MeasureStatusEvent:
        return MeasureStatusEvent(
            measure_type=obj._meta.label_lower,
            measure_id=obj.pk,
            from_status=from_status,
            to_status=to_status,
            on=on,
            by=actor,
            reason=reason,
        )

    return row


def _audit(actor, action: str, obj, *, before=None, after=None, reason: str = "") -> None:
    audit.record(
        actor=actor,
        action=f"graduated_response.{action}",
        obj=obj,
        school=obj.school,
        pupil=obj.pupil,
        before=before,
        after=after if after is not None else audit.snapshot(obj),
        reason=reason,
    )


def _clean(obj) -> None:
    obj.full_clean(exclude=["created_by"] if getattr(obj, "created_by_id", None) else None)


def _parents_with_responsibility(pupil: Pupil):
    return Contact.objects.filter(
        pupil_links__pupil=pupil, pupil_links__parental_responsibility=True, school=pupil.school
    ).distinct()


def parents_for(*, case: Case):
    """The contacts a penalty notice may be issued to: those with parental responsibility."""
    return _parents_with_responsibility(case.pupil).order_by("last_name", "first_name", "pk")


def history_of(obj) -> list[MeasureStatusEvent]:
    """The measure's status history; each event carries ``from_label`` and ``to_label``, the words
    the page shows ("In its improvement period", not the stored code "in_period")."""
    labels = dict(obj._meta.get_field("status").choices)
    events = list(
        MeasureStatusEvent.objects.filter(
            measure_type=obj._meta.label_lower, measure_id=obj.pk
        ).select_related("by")
    )
    for event in events:
        event.from_label = labels.get(event.from_status, event.from_status)  # type: ignore[attr-defined]
        event.to_label = labels.get(event.to_status, event.to_status)  # type: ignore[attr-defined]
    return events


# --- support and threshold ------------------------------------------------------------------------------
def support_on_record(*, pupil: Pupil, on: date) -> list[str]:
    """What support the school has recorded for this pupil's family up to `on` (see the module doc)."""
    found: list[str] = []
    for n in NoticeToImprove.objects.filter(case__pupil=pupil, issued_on__lte=on).exclude(
        status=nti_rules.WITHDRAWN
    ):
        found.append(f"Notice to improve issued {n.issued_on:%-d %B %Y}")
    for c in AttendanceContract.objects.filter(case__pupil=pupil, start_on__lte=on):
        found.append(f"Attendance contract from {c.start_on:%-d %B %Y} ({c.get_status_display().lower()})")
    logs = CommunicationLog.objects.current().filter(
        case__pupil=pupil,
        kind__in=[CommunicationLog.Kind.MEETING, CommunicationLog.Kind.HOME_VISIT],
        happened_on__lte=on,
    )
    for entry in logs.order_by("happened_on")[:5]:
        found.append(f"{entry.get_kind_display()} on {entry.happened_on:%-d %B %Y}")
    return found


def unauthorised_10_weeks(*, case: Case, on: date) -> int:
    """The statistics engine's count of G, N, O and U sessions in the 10 school weeks to `on`, plus those
    recorded at a previous school when the school's setting counts them (docs/rules.md section 4)."""
    calendar = SchoolCalendar.for_school(case.school)
    own = selectors.pupil_case_figures(case=case, on=on, calendar=calendar).figures.unauthorised_last_10_weeks
    window = statistics.ten_week_window(calendar, on)
    if not (window and previous_school_counted(case.school)):
        return own
    return own + selectors.previous_school_unauthorised(case.school, window, pupil_ids=[case.pupil_id]).get(
        case.pupil_id, 0
    )


def previous_school_counted(school) -> bool:
    """The school's reading: do a previous school's unauthorised sessions count towards 10 in 10?"""
    return ResponseSettings.objects.filter(school=school, count_previous_school_sessions=True).exists()


def _check_parent(case: Case, parent: Contact) -> None:
    if not _parents_with_responsibility(case.pupil).filter(pk=parent.pk).exists():
        raise ValidationError(
            {"parent": "A penalty notice goes to a parent with parental responsibility for this pupil."}
        )


def _prior_notices(*, case: Case, parent: Contact) -> list[pn_rules.Prior]:
    """This parent's notices (any status) for the case's pupil, for the framework's rules."""
    return [
        pn_rules.Prior(n.issued_on, n.status)
        for n in PenaltyNotice.objects.filter(pupil=case.pupil, parent=parent).only("issued_on", "status")
    ]


def penalty_notice_check(*, case: Case, parent: Contact, on: date) -> pn_rules.Decision:
    """What the framework says about a notice to `parent` for this case's pupil on `on` (no writes)."""
    return pn_rules.decide(
        prior=_prior_notices(case=case, parent=parent),
        on=on,
        unauthorised_10_weeks=unauthorised_10_weeks(case=case, on=on),
        support=support_on_record(pupil=case.pupil, on=on),
    )


# --- penalty notices -----------------------------------------------------------------------------------
@transaction.atomic
def penalty_notice_issue(
    *,
    actor,
    case: Case,
    parent: Contact,
    issued_on: date,
    received_on: date | None = None,
    reference: str = "",
) -> PenaltyNotice:
    """Record a penalty notice issued to one parent for the case's pupil, if the framework allows it.

    Refused (PenaltyNoticeRefused, nothing saved) with every reason; the caller records the refusal
    with ``penalty_notice_refusal_record`` so the case shows it was considered."""
    # One parent's notices for one child are counted under a lock on the pupil: two people issuing at
    # once cannot both issue "the second".
    Pupil.objects.select_for_update().filter(pk=case.pupil_id).first()
    if case.status != Case.Status.OPEN:
        raise ValidationError("This case is closed.")
    _check_parent(case, parent)
    if issued_on > timezone.localdate():
        raise ValidationError({"issued_on": "The date cannot be in the future."})
    if received_on is not None and received_on < issued_on:
        raise ValidationError({"received_on": "A notice cannot be received before it is issued."})
    same_day = pn_rules.same_day_refusal(_prior_notices(case=case, parent=parent), issued_on)
    if same_day:
        raise ValidationError({"issued_on": same_day})
    decision = penalty_notice_check(case=case, parent=parent, on=issued_on)
    if not decision.allowed or decision.sequence is None:
        raise PenaltyNoticeRefused(decision)
    notice = PenaltyNotice(
        case=case,
        pupil=case.pupil,
        parent=parent,
        sequence=decision.sequence,
        reference=reference.strip(),
        issued_on=issued_on,
        received_on=received_on,
        unauthorised_10_weeks=unauthorised_10_weeks(case=case, on=issued_on),
        support_on_record="; ".join(support_on_record(pupil=case.pupil, on=issued_on))[:2000],
        created_by=actor,
    )
    _clean(notice)
    move(
        table=transitions.PENALTY_NOTICE,
        obj=notice,
        to=pn_rules.ISSUED,
        from_state="",
        save=notice.save,
        history=_history(notice, actor=actor, on=issued_on),
    )
    _audit(actor, "penalty_notice.issued", notice)
    return notice


@transaction.atomic
def penalty_notice_refusal_record(
    *, actor, case: Case, parent: Contact, on: date, decision: pn_rules.Decision
) -> PenaltyNoticeRefusal:
    refusal = PenaltyNoticeRefusal(
        case=case,
        parent=parent,
        on=on,
        reasons=list(decision.reasons),
        alternatives=list(decision.alternatives),
        by=actor,
    )
    refusal.full_clean()
    refusal.save()
    _audit(actor, "penalty_notice.refused", refusal, reason=" ".join(decision.reasons)[:2000])
    return refusal


@transaction.atomic
def penalty_notice_receipt_record(
    *, actor, notice: PenaltyNotice, received_on: date, expected_version: int | None = None
) -> PenaltyNotice:
    editing.ensure_unchanged(notice, expected_version=expected_version)
    notice.refresh_from_db()
    if received_on < notice.issued_on:
        raise ValidationError({"received_on": "A notice cannot be received before it is issued."})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "The date cannot be in the future."})
    before = {"received_on": notice.received_on.isoformat() if notice.received_on else None}
    notice.received_on = received_on
    notice.save(update_fields=["received_on"])
    _audit(
        actor,
        "penalty_notice.received",
        notice,
        before=before,
        after={"received_on": received_on.isoformat()},
    )
    return notice


def _move_measure(
    obj, *, actor, table, to: str, on: date, done, reason: str = "", expected_status: str | None = None
) -> str:
    """Move a measure along its table with a history row; refuses the move if someone else moved it
    first (``done`` says how). Returns the status it moved from."""
    if expected_status is not None:
        editing.ensure_still(obj, done=done, status=expected_status)
    obj.refresh_from_db()
    before = obj.status
    move(table=table, obj=obj, to=to, save=obj.save, history=_history(obj, actor=actor, on=on, reason=reason))
    return before


def _move_notice(notice, *, actor, to: str, on: date, reason: str = "", expected_status: str | None = None):
    _move_measure(
        notice,
        actor=actor,
        table=transitions.PENALTY_NOTICE,
        to=to,
        on=on,
        reason=reason,
        expected_status=expected_status,
        done=lambda n: f"This notice is already {n.get_status_display().lower()}",
    )


@transaction.atomic
def penalty_notice_payment_record(
    *,
    actor,
    notice: PenaltyNotice,
    paid_on: date,
    amount: Decimal,
    expected_status: str | None = None,
) -> PenaltyNotice:
    """Record a payment: the amount must be what the framework asks for on that day (from receipt)."""
    if notice.received_on is None:
        raise ValidationError({"paid_on": "Record when the parent received the notice first."})
    if paid_on < notice.received_on:
        raise ValidationError({"paid_on": "A payment cannot come before the notice was received."})
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": "The date cannot be in the future."})
    due = pn_rules.amount_due(sequence=notice.sequence, received_on=notice.received_on, paid_on=paid_on)
    if due is None:
        last = pn_rules.last_day_to_pay(sequence=notice.sequence, received_on=notice.received_on)
        raise ValidationError(
            {"paid_on": f"The last day to pay was {last:%-d %B %Y}: record the notice as unpaid instead."}
        )
    if Decimal(amount) != due:
        raise ValidationError({"amount": f"The amount due when paid on {paid_on:%-d %B %Y} is £{due}."})
    notice.paid_on, notice.amount_paid = paid_on, due
    _move_notice(notice, actor=actor, to=pn_rules.PAID, on=paid_on, expected_status=expected_status)
    notice.paid_on, notice.amount_paid = paid_on, due
    notice.save(update_fields=["paid_on", "amount_paid"])
    _audit(actor, "penalty_notice.paid", notice, after={"paid_on": paid_on.isoformat(), "amount": str(due)})
    return notice


@transaction.atomic
def penalty_notice_unpaid_record(
    *, actor, notice: PenaltyNotice, on: date, expected_status: str | None = None
) -> PenaltyNotice:
    """Record that the notice was not paid in time (only after the last day to pay)."""
    if notice.received_on is None:
        raise ValidationError({"on": "Record when the parent received the notice first."})
    last = pn_rules.last_day_to_pay(sequence=notice.sequence, received_on=notice.received_on)
    if on <= last:
        raise ValidationError({"on": f"The parent may still pay until {last:%-d %B %Y}."})
    _move_notice(notice, actor=actor, to=pn_rules.UNPAID, on=on, expected_status=expected_status)
    _audit(actor, "penalty_notice.unpaid", notice, after={"status": pn_rules.UNPAID})
    return notice


@transaction.atomic
def penalty_notice_withdraw(
    *, actor, notice: PenaltyNotice, reason: str, on: date | None = None, expected_status: str | None = None
) -> PenaltyNotice:
    """Withdraw a notice (it then no longer counts towards the parent's notices for this child)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the notice is withdrawn."})
    on = on or timezone.localdate()
    _move_notice(
        notice, actor=actor, to=pn_rules.WITHDRAWN, on=on, reason=reason, expected_status=expected_status
    )
    notice.withdrawal_reason = reason
    notice.save(update_fields=["withdrawal_reason"])
    _audit(actor, "penalty_notice.withdrawn", notice, after={"status": pn_rules.WITHDRAWN}, reason=reason)
    return notice


@transaction.atomic
def penalty_notice_refer_for_prosecution(
    *, actor, notice: PenaltyNotice, on: date, notes: str = "", expected_status: str | None = None
) -> LegalStep:
    """An unpaid notice goes to the local authority for prosecution: the notice moves and a
    prosecution referral is recorded on the case."""
    _move_notice(notice, actor=actor, to=pn_rules.PROSECUTED, on=on, expected_status=expected_status)
    _audit(actor, "penalty_notice.prosecuted", notice, after={"status": pn_rules.PROSECUTED})
    return legal_step_create(
        actor=actor,
        case=notice.case,
        kind=LegalStep.Kind.PROSECUTION,
        status=LegalStep.Status.ACTIVE,
        started_on=on,
        notes=notes or f"Unpaid penalty notice issued {notice.issued_on:%-d %B %Y} to {notice.parent}.",
        penalty_notice=notice,
    )


# --- attendance contracts ------------------------------------------------------------------------------
@transaction.atomic
def attendance_contract_create(
    *,
    actor,
    case: Case,
    parties: str,
    parent_requirements: str,
    school_requirements: str,
    support_offered: str,
    start_on: date,
    duration_months: int,
    pupil_requirements: str = "",
    reasons_given: str = "",
    status: str = contract_rules.PROPOSED,
    review_dates: list[date] | None = None,
) -> AttendanceContract:
    contract = AttendanceContract(
        case=case,
        parties=parties.strip(),
        parent_requirements=parent_requirements.strip(),
        school_requirements=school_requirements.strip(),
        pupil_requirements=pupil_requirements.strip(),
        support_offered=support_offered.strip(),
        reasons_given=reasons_given.strip(),
        start_on=start_on,
        duration_months=duration_months,
        created_by=actor,
    )
    _clean(contract)
    problems = {}
    for day in review_dates or []:
        if not start_on < day <= contract.end_on:
            problems["review_dates"] = (
                f"Review dates fall within the contract: after {start_on:%-d %B %Y} and by "
                f"{contract.end_on:%-d %B %Y}."
            )
    if problems:
        raise ValidationError(problems)
    move(
        table=transitions.CONTRACT,
        obj=contract,
        to=status,
        from_state="",
        save=contract.save,
        history=_history(contract, actor=actor, on=timezone.localdate()),
    )
    for day in sorted(set(review_dates or [])):
        MeasureReview.objects.create(contract=contract, due_on=day)
    _audit(
        actor,
        "contract.created",
        contract,
        after={
            **audit.snapshot(contract),
            "review_dates": [d.isoformat() for d in sorted(set(review_dates or []))],
        },
    )
    return contract


CONTRACT_EDIT_FIELDS = (
    "parties",
    "reasons_given",
    "parent_requirements",
    "school_requirements",
    "pupil_requirements",
    "support_offered",
    "start_on",
    "duration_months",
)


@transaction.atomic
def attendance_contract_update(
    *,
    actor,
    contract: AttendanceContract,
    expected_version: int | None = None,
    new_review_on: date | None = None,
    **fields,
) -> AttendanceContract:
    """Amend a contract (the seed: "consider amending the contract if parents are willing"), and
    optionally add a review date. Refused if someone saved it after the form was opened."""
    editing.ensure_unchanged(contract, expected_version=expected_version)
    contract.refresh_from_db()
    if contract.status in (contract_rules.ENDED, contract_rules.BROKEN):
        raise ValidationError("This contract has ended; record a new one instead.")
    unknown = set(fields) - set(CONTRACT_EDIT_FIELDS)
    if unknown:
        raise ValidationError(f"Not a contract field: {', '.join(sorted(unknown))}.")
    before = audit.snapshot(contract)
    for name, value in fields.items():
        setattr(contract, name, value.strip() if isinstance(value, str) else value)
    contract.full_clean()
    if new_review_on is not None and not contract.start_on < new_review_on <= contract.end_on:
        raise ValidationError(
            {
                "new_review_on": f"Review dates fall within the contract: after {contract.start_on:%-d %B %Y} "
                f"and by {contract.end_on:%-d %B %Y}."
            }
        )
    after = audit.snapshot(contract)
    if after != before:
        contract.save()
        _audit(actor, "contract.updated", contract, before=before, after=after)
    if new_review_on is not None:
        measure_review_add(actor=actor, due_on=new_review_on, contract=contract)
    return contract


@transaction.atomic
def attendance_contract_move(
    *, actor, contract: AttendanceContract, to: str, reason: str = "", expected_status: str | None = None
) -> AttendanceContract:
    before = _move_measure(
        contract,
        actor=actor,
        table=transitions.CONTRACT,
        to=to,
        on=timezone.localdate(),
        reason=reason.strip(),
        expected_status=expected_status,
        done=lambda c: f"This contract was already moved to {c.get_status_display().lower()}",
    )
    _audit(actor, "contract.moved", contract, before={"status": before}, after={"status": to}, reason=reason)
    return contract


@transaction.atomic
def measure_review_record(
    *, actor, review: MeasureReview, held_on: date, outcome: str, expected_version: int | None = None
) -> MeasureReview:
    editing.ensure_unchanged(review, expected_version=expected_version)
    review.refresh_from_db()
    outcome = outcome.strip()
    if not outcome:
        raise ValidationError({"outcome": "Say what the review found."})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "The date cannot be in the future."})
    before = {"held_on": review.held_on.isoformat() if review.held_on else None, "outcome": review.outcome}
    review.held_on, review.outcome, review.recorded_by = held_on, outcome, actor
    review.full_clean()
    review.save()
    audit.record(
        actor=actor,
        action="graduated_response.review.recorded",
        obj=review,
        school=review.school,
        pupil=review.pupil,
        before=before,
        after={"held_on": held_on.isoformat(), "outcome": outcome},
    )
    return review


@transaction.atomic
def measure_review_add(
    *, actor, due_on: date, contract: AttendanceContract | None = None, legal_step: LegalStep | None = None
) -> MeasureReview:
    review = MeasureReview(contract=contract, legal_step=legal_step, due_on=due_on)
    review.full_clean()
    review.save()
    audit.record(
        actor=actor,
        action="graduated_response.review.added",
        obj=review,
        school=review.school,
        pupil=review.pupil,
        after={"due_on": due_on.isoformat()},
    )
    return review


# --- notices to improve --------------------------------------------------------------------------------
@transaction.atomic
def notice_to_improve_issue(
    *,
    actor,
    case: Case,
    issued_on: date,
    period_start: date,
    period_end: date,
    record: str,
    support_offered: str,
    sufficient_improvement: str,
    produce_letters: bool = False,
) -> NoticeToImprove:
    """Record a notice to improve. Its improvement period must be 3 to 6 weeks (notice_to_improve.py).

    `produce_letters`: also write its letter to each parent now; then the SEND gate applies to the
    notice itself (refused, nothing saved, until the joint SENDCo review is recorded)."""
    problems: dict[str, str] = {}
    if (problem := nti_rules.period_problem(period_start, period_end)) is not None:
        problems["period_end"] = problem
    if period_start < issued_on:
        problems["period_start"] = "The improvement period starts on or after the day the notice is issued."
    if issued_on > timezone.localdate():
        problems["issued_on"] = "The date cannot be in the future."
    if problems:
        raise ValidationError(problems)
    notice = NoticeToImprove(
        case=case,
        issued_on=issued_on,
        period_start=period_start,
        period_end=period_end,
        record=record.strip(),
        support_offered=support_offered.strip(),
        sufficient_improvement=sufficient_improvement.strip(),
        created_by=actor,
    )
    _clean(notice)
    move(
        table=transitions.NOTICE_TO_IMPROVE,
        obj=notice,
        to=nti_rules.IN_PERIOD,
        from_state="",
        save=notice.save,
        history=_history(notice, actor=actor, on=issued_on),
    )
    _audit(actor, "notice_to_improve.issued", notice)
    if produce_letters:
        notice_to_improve_letters_produce(actor=actor, notice=notice)
    return notice


@transaction.atomic
def notice_to_improve_outcome(
    *,
    actor,
    notice: NoticeToImprove,
    outcome: str,
    note: str = "",
    on: date | None = None,
    expected_status: str | None = None,
) -> NoticeToImprove:
    """Improved or not improved, once the period has ended (withdrawn at any time, with a note)."""
    on = on or timezone.localdate()
    if expected_status is not None:
        editing.ensure_still(
            notice, done="The outcome of this notice was already recorded", status=expected_status
        )
    notice.refresh_from_db()
    if outcome != nti_rules.WITHDRAWN and not nti_rules.is_over(notice.period_end, on):
        raise ValidationError(
            {
                "outcome": f"The improvement period runs until {notice.period_end:%-d %B %Y}; record the outcome then."
            }
        )
    if outcome == nti_rules.WITHDRAWN and not note.strip():
        raise ValidationError({"note": "Say why the notice is withdrawn."})
    move(
        table=transitions.NOTICE_TO_IMPROVE,
        obj=notice,
        to=outcome,
        save=lambda: None,
        history=_history(notice, actor=actor, on=on, reason=note.strip()),
    )
    notice.outcome_on, notice.outcome_note = on, note.strip()
    notice.save(update_fields=["status", "outcome_on", "outcome_note"])
    _audit(actor, "notice_to_improve.outcome", notice, after={"status": outcome, "note": notice.outcome_note})
    return notice


# --- legal steps -----------------------------------------------------------------------------------------
@transaction.atomic
def legal_step_create(
    *,
    actor,
    case: Case,
    kind: str,
    started_on: date,
    status: str = LegalStep.Status.PROPOSED,
    ends_on: date | None = None,
    next_review_on: date | None = None,
    notes: str = "",
    penalty_notice: PenaltyNotice | None = None,
) -> LegalStep:
    """An education supervision order (one year unless given; reviews every 3 months, written as
    review rows) or a prosecution referral (with its next review date)."""
    if kind == LegalStep.Kind.ESO:
        ends_on = ends_on or legal_rules.eso_default_end(started_on)
        if ends_on <= started_on:
            raise ValidationError({"ends_on": "The order must end after it is made."})
        if ends_on > legal_rules.add_months(started_on, 12 * legal_rules.MAX_EXTENSION_YEARS):
            raise ValidationError(
                {"ends_on": "An education supervision order lasts at most 3 years at a time."}
            )
    elif ends_on is not None and ends_on <= started_on:
        raise ValidationError({"ends_on": "The end date must be after the start."})
    step = LegalStep(
        case=case,
        kind=kind,
        started_on=started_on,
        ends_on=ends_on,
        next_review_on=next_review_on,
        notes=notes.strip(),
        penalty_notice=penalty_notice,
        created_by=actor,
    )
    reviews = (
        legal_rules.eso_review_dates(started_on, ends_on)
        if kind == LegalStep.Kind.ESO and ends_on is not None
        else []
    )
    if kind == LegalStep.Kind.ESO and next_review_on is None and reviews:
        step.next_review_on = reviews[0]
    _clean(step)
    move(
        table=transitions.LEGAL_STEP,
        obj=step,
        to=status,
        from_state="",
        save=step.save,
        history=_history(step, actor=actor, on=started_on),
    )
    for day in reviews:
        MeasureReview.objects.create(legal_step=step, due_on=day)
    _audit(actor, "legal_step.created", step)
    return step


@transaction.atomic
def legal_step_move(
    *, actor, step: LegalStep, to: str, reason: str = "", expected_status: str | None = None
) -> LegalStep:
    before = _move_measure(
        step,
        actor=actor,
        table=transitions.LEGAL_STEP,
        to=to,
        on=timezone.localdate(),
        reason=reason.strip(),
        expected_status=expected_status,
        done=lambda s: f"This step was already moved to {s.get_status_display().lower()}",
    )
    _audit(actor, "legal_step.moved", step, before={"status": before}, after={"status": to}, reason=reason)
    return step


@transaction.atomic
def eso_extend(*, actor, step: LegalStep, new_end: date, expected_version: int | None = None) -> LegalStep:
    editing.ensure_unchanged(step, expected_version=expected_version)
    step.refresh_from_db()
    if step.kind != LegalStep.Kind.ESO or step.ends_on is None:
        raise ValidationError("Only an education supervision order is extended.")
    if (problem := legal_rules.eso_extension_problem(step.started_on, step.ends_on, new_end)) is not None:
        raise ValidationError({"ends_on": problem})
    before = step.ends_on
    existing = set(step.reviews.values_list("due_on", flat=True))
    for day in legal_rules.eso_review_dates(step.started_on, new_end):
        if day > before and day not in existing:
            MeasureReview.objects.create(legal_step=step, due_on=day)
    step.ends_on = new_end
    step.save(update_fields=["ends_on"])
    _audit(
        actor,
        "legal_step.extended",
        step,
        before={"ends_on": before.isoformat()},
        after={"ends_on": new_end.isoformat()},
    )
    return step


# --- letters (the templates' letter_produce, gated by the SEND gate) ------------------------------------
def _letters_for_every_addressee(*, actor, case: Case, code: str, extra_for, trigger: str) -> list:
    """One letter per postal address of the pupil's parents with parental responsibility, each with
    an entry in the case's communication log. Refused (nothing written) when the SEND gate says the
    joint review with the SENDCo must come first, or nobody has parental responsibility."""
    if (reason := sanction_gate(pupil=case.pupil, code=code)) is not None:
        raise ValidationError(reason, code="send_gate")
    people = addressees(case.pupil)
    if not people:
        raise ValidationError(
            f"Nobody has parental responsibility for {case.pupil} on the pupil's record, so there is "
            "nobody to write to. Add the parents' details first."
        )
    letters = []
    for person in people:
        extra = {"staff_name": str(actor), **extra_for(person)}
        letter = letter_produce(
            actor=actor, pupil=case.pupil, code=code, addressee=person, extra=extra, trigger=trigger
        )
        services.communication_log_add(
            actor=actor,
            case=case,
            kind=CommunicationLog.Kind.LETTER,
            happened_on=timezone.localdate(),
            with_whom=person.name,
            summary=f"{letter.subject}: {trigger}",
            letter=letter,
        )
        letters.append(letter)
    return letters


@transaction.atomic
def notice_to_improve_letters_produce(*, actor, notice: NoticeToImprove) -> list:
    """The notice to improve letter (template ``notice_to_improve``) to each addressee."""
    letters = _letters_for_every_addressee(
        actor=actor,
        case=notice.case,
        code="notice_to_improve",
        extra_for=lambda person: {"period_start": notice.period_start, "period_end": notice.period_end},
        trigger=f"notice to improve issued {notice.issued_on:%-d %B %Y}",
    )
    _audit(actor, "notice_to_improve.letters", notice, after={"letters": [letter.pk for letter in letters]})
    return letters


def warning_amount(*, pupil: Pupil, contact_ids, on: date) -> str:
    """What a penalty notice would cost the parents at one address now (the dearest of them)."""
    sequences = [
        pn_rules.sequence_on(
            [
                pn_rules.Prior(n.issued_on, n.status)
                for n in PenaltyNotice.objects.filter(pupil=pupil, parent_id=cid)
            ],
            on,
        )[0]
        for cid in contact_ids
    ]
    if sequences and max(sequences) >= 2:
        return "£160"
    return "£80 if paid within 21 days (£160 if paid within 28 days)"


@transaction.atomic
def penalty_warning_letters_produce(*, actor, case: Case) -> list:
    """The penalty notice warning (template ``penalty_warning``) to each addressee."""
    today = timezone.localdate()
    letters = _letters_for_every_addressee(
        actor=actor,
        case=case,
        code="penalty_warning",
        extra_for=lambda person: {
            "penalty_amount": warning_amount(pupil=case.pupil, contact_ids=person.contact_ids, on=today)
        },
        trigger="penalty notice warning",
    )
    audit.record(
        actor=actor,
        action="graduated_response.penalty_notice.warning_letters",
        obj=case,
        school=case.school,
        pupil=case.pupil,
        after={"letters": [letter.pk for letter in letters]},
    )
    return letters


def _agreed_items(contract: AttendanceContract) -> list[dict]:
    """The contract's requirements as the letters' target list: one line each, with who and when."""
    review = contract.reviews.filter(held_on__isnull=True).order_by("due_on").first()
    review_on = review.due_on if review else contract.end_on
    items = []
    for owner, text in (
        ("Parents or carers", contract.parent_requirements),
        (contract.case.school.name, contract.school_requirements),
        ("The pupil", contract.pupil_requirements),
    ):
        for line in text.splitlines():
            if line.strip():
                items.append({"text": line.strip(), "owner": owner, "review_on": review_on})
    return items


@transaction.atomic
def attendance_contract_letters_produce(*, actor, contract: AttendanceContract) -> list:
    """The attendance contract letter (template ``attendance_contract``) to each addressee, with the
    contract's period and what each side agreed."""
    letters = _letters_for_every_addressee(
        actor=actor,
        case=contract.case,
        code="attendance_contract",
        extra_for=lambda person: {
            "period_start": contract.start_on,
            "period_end": contract.end_on,
            "meeting_targets": _agreed_items(contract),
        },
        trigger=f"attendance contract from {contract.start_on:%-d %B %Y}",
    )
    _audit(actor, "contract.letters", contract, after={"letters": [letter.pk for letter in letters]})
    return letters
