"""Reviews of EHC plans: schedule or request one, add the people to invite, prepare the invitations
(letters through letters.services.letter_produce), record the advice, the meeting, the report, the
local authority's decision and the amended plan. One function per step, atomic, validated, audited;
a step taken from a stale page is refused (school.editing.ensure_still on the status the page showed).

Every date a step records is the day it was done, so it cannot be in the future; dates after the
meeting cannot be before it (AnnualReview.clean). The invitations are "prepared" when their letters
exist: the school prints and posts them, or hands them over; a professional with an e-mail address is
also e-mailed theirs: the e-mail is written pending with the letters and sent after commit through the
letters outbox (send/review_emails.py), and only the e-mail's own status says it went.

Action codes: send.ehc_review.scheduled, send.ehc_review.requested, send.ehc_review.meeting_set,
send.ehc_review.invitee_added, send.ehc_review.invitations_prepared, send.ehc_review.advice_recorded,
send.ehc_review.meeting_recorded, send.ehc_review.report_sent, send.ehc_review.la_decided,
send.ehc_review.amended_plan_issued, send.ehc_review.meeting_moved (and letters.letter.created for
each letter).
"""

from __future__ import annotations

import re
from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from letters.recipients import Addressee, addressees
from letters.services import letter_produce
from school import audit, editing
from school.calendar import SchoolCalendar
from school.models import Membership, Role

from .. import annual_review_dates, review_emails, review_meeting
from ..models import AnnualReview, EhcPlan, ReviewInvitee, ReviewStatusChange
from ..models_reviews import OPEN_STATUSES, REVIEW, ReviewStatus
from .parent_letters import sendco_name


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def outcome_lines(plan: EhcPlan) -> list[str]:
    """The plan's outcomes (section E), one per non-empty line, without list bullets or numbers."""
    lines = []
    for line in (plan.outcomes or "").splitlines():
        text = re.sub(r"^\s*(?:[-*\u2022]|\d+[.)])\s*", "", line).strip()
        if text:
            lines.append(text)
    return lines


def _audit(*, actor, review: AnnualReview, action: str, before=None, extra=None, reason: str = ""):
    audit.record(
        actor=actor,
        action=action,
        obj=review,
        before=before,
        after={**audit.snapshot(review), **(extra or {})},
        reason=reason,
        school=review.school,
        pupil=review.pupil,
    )


def _history(review: AnnualReview, *, actor, on: date, note: str = ""):
    def row(from_status: str, to_status: str) -> ReviewStatusChange:
        return ReviewStatusChange(
            review=review,
            from_status=from_status,
            to_status=to_status,
            on=on,
            note=note[:300],
            changed_by=actor,
            changed_at=timezone.now(),
        )

    return row


def _move(review: AnnualReview, to: str, *, actor, on: date, note: str = "") -> None:
    """Check the move, save the review (validated) and write its history row (school.transitions)."""
    from school.transitions import move

    def save():
        review.full_clean()
        review.save()

    move(
        table=REVIEW,
        obj=review,
        to=to,
        save=save,
        history=_history(review, actor=actor, on=on, note=note),
        from_state="" if review.pk is None else None,
    )


def _save_step(
    review: AnnualReview,
    *,
    actor,
    action: str,
    before: dict,
    fields: dict | None = None,
    to: str | None = None,
    on: date | None = None,
    note: str = "",
    extra: dict | None = None,
    reason: str = "",
) -> AnnualReview:
    """The end of every step: set `fields`, then move the review `to` a status on day `on` (validated,
    with its history row) or, with no move, validate and save it; then one audit entry `action` from
    `before` (the snapshot taken before anything changed)."""
    for name, value in (fields or {}).items():
        setattr(review, name, value)
    if to is not None:
        _move(review, to, actor=actor, on=on or timezone.localdate(), note=note)
    else:
        review.full_clean()
        review.save()
    _audit(actor=actor, review=review, action=action, before=before, extra=extra, reason=reason)
    return review


def _locked(review: AnnualReview, expected_status: str | None) -> AnnualReview:
    """The review, locked and read again; refused if it was withdrawn, or moved on since the page showed
    `expected_status` (None: the caller is not a page)."""
    if expected_status is None:
        locked = AnnualReview.objects.select_for_update().get(pk=review.pk)
    else:
        locked = editing.ensure_still(
            review,
            done=lambda r: f"This review moved on to {r.get_status_display().lower()}",
            status=expected_status,
        )
    if locked.is_withdrawn:
        raise ValidationError("This review was withdrawn, so nothing more can be recorded on it.")
    return AnnualReview.objects.select_related("school", "pupil", "plan__local_authority").get(pk=locked.pk)


def _meeting_date(review: AnnualReview) -> date:
    if review.meeting_date is None:
        raise ValidationError("Plan the meeting first.")
    return review.meeting_date


def _not_future(errors: dict, name: str, value: date | None, *, today: date, label: str) -> None:
    if value is None:
        errors[name] = f"Give the date {label}."
    elif value > today:
        errors[name] = f"The date {label} cannot be in the future."


def _meeting_errors(school, meeting_date, meeting_time, meeting_place) -> dict:
    """The same refusals as a SEN support review's meeting (send/review_meeting.py): a day the school
    is open, not in the past, and a time today not already gone."""
    now = timezone.localtime()
    moment = (now.date(), now.time().replace(second=0, microsecond=0))
    errors = {}
    if meeting_date is None:
        errors["meeting_date"] = "Give the date of the review meeting."
    else:
        refusal = review_meeting.meeting_date_refusal(
            SchoolCalendar.for_school(school), meeting_date, now=moment
        )
        if refusal:
            errors["meeting_date"] = refusal
    if meeting_time is None:
        errors["meeting_time"] = "Give the time of the meeting."
    elif meeting_date is not None and "meeting_date" not in errors:
        refusal = review_meeting.meeting_time_refusal(meeting_date, meeting_time, now=moment)
        if refusal:
            errors["meeting_time"] = refusal
    if not (meeting_place or "").strip():
        errors["meeting_place"] = "Say where the meeting is, for example: the SENDCo's room."
    return errors


def _refuse_second_open(plan: EhcPlan) -> None:
    open_review = (
        AnnualReview.objects.current().filter(plan=plan, status__in=OPEN_STATUSES).order_by("id").first()
    )
    if open_review is not None:
        raise ValidationError(
            f"This plan already has a review in progress ({open_review.get_kind_display().lower()}, "
            f"{open_review.get_status_display().lower()}): finish or withdraw it first."
        )


def _default_invitees(review: AnnualReview) -> None:
    """The head teacher and the local authority's SEN officer, invited to every review (the parents are
    written to through their contacts when the invitations are prepared)."""
    plan = review.plan
    head = (
        Membership.objects.filter(school=review.school, role=Role.HEADTEACHER, is_active=True)
        .select_related("user")
        .order_by("id")
        .first()
    )
    rows = []
    if head is not None:
        rows.append(
            ReviewInvitee(
                review=review,
                role=ReviewInvitee.Role.HEAD_TEACHER,
                name=head.user.get_full_name() or head.user.username,
                organisation=review.school.name,
                email=head.user.email or "",
            )
        )
    la = plan.local_authority
    rows.append(
        ReviewInvitee(
            review=review,
            role=ReviewInvitee.Role.LA_OFFICER,
            name=plan.la_officer_name or f"The SEN team, {la.name}",
            organisation=la.name,
            email=plan.la_officer_email or la.sen_team_email,
        )
    )
    for row in rows:
        row.full_clean(exclude=["review", "letter", "contact"])
    ReviewInvitee.objects.bulk_create(rows)


@transaction.atomic
def review_schedule(
    *,
    actor,
    plan: EhcPlan,
    kind: str,
    meeting_date: date,
    meeting_time: time,
    meeting_place: str,
    requested_by: str = "",
    reason: str = "",
) -> AnnualReview:
    """Plan a review meeting of `plan`: the head teacher and the LA's SEN officer are listed to invite.
    Refused beside the field for a date that has passed, and when the plan already has a review in
    progress (plan that one instead)."""
    plan = (
        EhcPlan.objects.select_for_update()
        .select_related("local_authority", "school", "pupil")
        .get(pk=plan.pk)
    )
    today = timezone.localdate()
    if not EhcPlan.objects.in_force(today).filter(pk=plan.pk).exists():
        raise ValidationError("This plan is not in force, so it is not reviewed.")
    errors = _meeting_errors(plan.school, meeting_date, meeting_time, meeting_place)
    if errors:
        raise ValidationError(errors)
    _refuse_second_open(plan)
    review = AnnualReview(
        school=plan.school,
        plan=plan,
        pupil=plan.pupil,
        kind=kind,
        requested_by=(requested_by or "").strip(),
        reason=(reason or "").strip(),
        meeting_date=meeting_date,
        meeting_time=meeting_time,
        meeting_place=meeting_place.strip(),
        created_by=actor,
        created_at=timezone.now(),
    )
    _move(review, ReviewStatus.PLANNED, actor=actor, on=today)
    _default_invitees(review)
    _audit(actor=actor, review=review, action="send.ehc_review.scheduled")
    return review


@transaction.atomic
def review_request(*, actor, plan: EhcPlan, kind: str, requested_by: str, reason: str) -> AnnualReview:
    """Record that an early, emergency or interim review was asked for; the meeting is planned later."""
    plan = (
        EhcPlan.objects.select_for_update()
        .select_related("local_authority", "school", "pupil")
        .get(pk=plan.pk)
    )
    today = timezone.localdate()
    if kind not in AnnualReview.ON_REQUEST_KINDS:
        raise ValidationError({"kind": "Choose an early, emergency or interim review."})
    if not (requested_by or "").strip():
        raise ValidationError({"requested_by": "Say who asked for the review."})
    _refuse_second_open(plan)
    review = AnnualReview(
        school=plan.school,
        plan=plan,
        pupil=plan.pupil,
        kind=kind,
        requested_by=requested_by.strip(),
        reason=(reason or "").strip(),
        created_by=actor,
        created_at=timezone.now(),
    )
    _move(review, ReviewStatus.REQUESTED, actor=actor, on=today, note=f"Asked for by {review.requested_by}")
    _default_invitees(review)
    _audit(actor=actor, review=review, action="send.ehc_review.requested")
    return review


@transaction.atomic
def review_meeting_set(
    *,
    actor,
    review: AnnualReview,
    meeting_date: date,
    meeting_time: time,
    meeting_place: str,
    expected_status=None,
) -> AnnualReview:
    """Set the meeting of a requested review (it becomes planned), or move a planned meeting not yet
    written about (once invitations exist, a new date needs new invitations: withdraw and schedule)."""
    review = _locked(review, expected_status)
    if review.status not in (ReviewStatus.REQUESTED, ReviewStatus.PLANNED):
        raise ValidationError(
            "The invitations have been prepared for this meeting: use 'Change the meeting date', which "
            "writes to everyone invited."
        )
    errors = _meeting_errors(review.school, meeting_date, meeting_time, meeting_place)
    if errors:
        raise ValidationError(errors)
    return _save_step(
        review,
        actor=actor,
        action="send.ehc_review.meeting_set",
        before=audit.snapshot(review),
        fields={
            "meeting_date": meeting_date,
            "meeting_time": meeting_time,
            "meeting_place": meeting_place.strip(),
        },
        to=ReviewStatus.PLANNED if review.status == ReviewStatus.REQUESTED else None,
    )


@transaction.atomic
def review_invitee_add(
    *,
    actor,
    review: AnnualReview,
    role: str,
    name: str,
    organisation: str = "",
    email: str = "",
    postal_address: str = "",
) -> ReviewInvitee:
    """Add someone to invite (health, social care, another professional). A professional needs an
    e-mail or a postal address, so the invitation can reach them."""
    review = _locked(review, None)
    if review.status not in (ReviewStatus.REQUESTED, ReviewStatus.PLANNED):
        raise ValidationError("The invitations have already been prepared for this review.")
    if role == ReviewInvitee.Role.PARENT:
        raise ValidationError(
            {"role": "The parents are written to through their contacts with parental responsibility."}
        )
    if not (email or "").strip() and not (postal_address or "").strip():
        raise ValidationError({"postal_address": "Give an e-mail or a postal address for the invitation."})
    invitee = ReviewInvitee(
        review=review,
        role=role,
        name=(name or "").strip(),
        organisation=(organisation or "").strip(),
        email=(email or "").strip(),
        postal_address=(postal_address or "").strip(),
    )
    invitee.full_clean()
    invitee.save()
    audit.record(
        actor=actor,
        action="send.ehc_review.invitee_added",
        obj=invitee,
        after=audit.snapshot(invitee),
        school=review.school,
        pupil=review.pupil,
    )
    return invitee


def _professional_addressee(invitee: ReviewInvitee) -> Addressee:
    lines = [invitee.name, invitee.organisation, invitee.postal_address]
    return Addressee(
        name=invitee.name,
        address="\n".join(line for line in lines[1:] if line),
        contact_ids=(),
        language="English",
        email=invitee.email,
    )


def _signatory_for(invitee: ReviewInvitee, *, school, actor) -> tuple[str, str] | None:
    """Who signs this invitee's letter when it is not the school's signatory: the head teacher is not
    invited over their own signature (the school's letters are signed by the head), so the SENDCo signs
    the head's; everyone else's is signed as the school's letters are (None)."""
    if invitee.role == ReviewInvitee.Role.HEAD_TEACHER:
        return (sendco_name(school=school, actor=actor), "SENDCo")
    return None


@transaction.atomic
def review_invitations_send(*, actor, review: AnnualReview, override_reason: str = "", expected_status=None):
    """Prepare the invitation letters (``ehcp_review_invite``): one for each postal address of the
    contacts with parental responsibility, and one for each professional invited. Refused when the
    meeting is less than 2 weeks away, unless a reason is given (kept on the review); refused when
    nobody with parental responsibility is recorded. `invitations_sent_on` is set once the letters
    exist, in the same transaction."""
    review = _locked(review, expected_status)
    REVIEW.check(review.status, ReviewStatus.INVITED)
    meeting = _meeting_date(review)
    today = timezone.localdate()
    refusal = annual_review_dates.notice_refusal(meeting, today=today)
    reason = (override_reason or "").strip()
    if meeting < today:
        raise ValidationError("The meeting date has passed: plan the meeting again first.")
    if refusal and not reason:
        raise ValidationError({"override_reason": refusal})
    pupil = review.pupil
    parents = addressees(pupil)
    if not parents:
        raise ValidationError(
            f"No contact with parental responsibility is recorded for {pupil.display_name}, so there is "
            "nobody to write to. Add one on the pupil's record first."
        )
    extra = {
        "meeting_date": review.meeting_date,
        "meeting_time": review.time_text,
        "meeting_place": review.meeting_place,
        "review_date": review.meeting_date,
        "staff_name": sendco_name(school=review.school, actor=actor),
    }
    trigger = f"{review.get_kind_display()} of the EHC plan on {_day(meeting)}"
    letters = []
    for addressee in parents:
        letter = letter_produce(
            actor=actor,
            pupil=pupil,
            code="ehcp_review_invite",
            addressee=addressee,
            extra=extra,
            trigger=trigger,
        )
        letters.append(letter)
        ReviewInvitee.objects.create(
            review=review,
            role=ReviewInvitee.Role.PARENT,
            name=addressee.name,
            email=addressee.email,
            postal_address=addressee.address,
            contact_id=addressee.contact_ids[0] if addressee.contact_ids else None,
            letter=letter,
        )
    professionals = list(review.invitees.exclude(role=ReviewInvitee.Role.PARENT).filter(letter__isnull=True))
    for invitee in professionals:
        invitee.letter = letter_produce(
            actor=actor,
            pupil=pupil,
            code="ehcp_review_invite",
            addressee=_professional_addressee(invitee),
            extra=extra,
            trigger=trigger,
            signatory=_signatory_for(invitee, school=review.school, actor=actor),
        )
        letters.append(invitee.letter)
    ReviewInvitee.objects.bulk_update(professionals, ["letter"])
    for invitee in professionals:
        review_emails.invitation_email_write(actor=actor, invitee=invitee)
    review.letters.add(*letters)
    return _save_step(
        review,
        actor=actor,
        action="send.ehc_review.invitations_prepared",
        before=audit.snapshot(review),
        fields={"invitations_sent_on": today, "notice_override_reason": reason if refusal else ""},
        to=ReviewStatus.INVITED,
        on=today,
        note=f"{len(letters)} invitation letters prepared",
        extra={"letter_ids": [letter.pk for letter in letters]},
        reason=reason if refusal else "",
    )


@transaction.atomic
def review_advice_record(
    *, actor, review: AnnualReview, advice_requested_on=None, advice_circulated_on=None, expected_version=None
) -> AnnualReview:
    """The days advice was asked for and circulated to everyone invited (either may be left empty)."""
    editing.ensure_unchanged(review, expected_version=expected_version)
    review = _locked(review, None)
    today = timezone.localdate()
    errors = {}
    for name, value in (
        ("advice_requested_on", advice_requested_on),
        ("advice_circulated_on", advice_circulated_on),
    ):
        if value and value > today:
            errors[name] = "This date cannot be in the future."
    if advice_requested_on and advice_circulated_on and advice_circulated_on < advice_requested_on:
        errors["advice_circulated_on"] = "Advice cannot be circulated before it was asked for."
    if errors:
        raise ValidationError(errors)
    return _save_step(
        review,
        actor=actor,
        action="send.ehc_review.advice_recorded",
        before=audit.snapshot(review),
        fields={"advice_requested_on": advice_requested_on, "advice_circulated_on": advice_circulated_on},
    )


@transaction.atomic
def review_meeting_record(
    *,
    actor,
    review: AnnualReview,
    pupil_views: str,
    parent_views: str,
    professional_views: str,
    outcome_progress: list[dict],
    recommended_amendments: str,
    expected_status=None,
) -> AnnualReview:
    """Record the meeting (held on its planned date, which cannot be in the future): the views, the
    progress towards each of the plan's outcomes and the amendments recommended."""
    review = _locked(review, expected_status)
    REVIEW.check(review.status, ReviewStatus.HELD)
    meeting = _meeting_date(review)
    if meeting > timezone.localdate():
        raise ValidationError(f"The meeting is on {_day(meeting)}: record it once it has taken place.")
    if not (pupil_views or "").strip() and not (parent_views or "").strip():
        raise ValidationError(
            {"pupil_views": "Record the pupil's views or the parents' views: the review is built on them."}
        )
    progress = [
        {"outcome": row["outcome"], "progress": (row.get("progress") or "").strip()}
        for row in outcome_progress
    ]
    return _save_step(
        review,
        actor=actor,
        action="send.ehc_review.meeting_recorded",
        before=audit.snapshot(review),
        fields={
            "pupil_views": (pupil_views or "").strip(),
            "parent_views": (parent_views or "").strip(),
            "professional_views": (professional_views or "").strip(),
            "outcome_progress": progress,
            "recommended_amendments": (recommended_amendments or "").strip(),
        },
        to=ReviewStatus.HELD,
        on=meeting,
    )


def _dated_step(review, *, actor, to, field: str, value: date, label: str, action: str, extra_fields=None):
    errors: dict = {}
    _not_future(errors, field, value, today=timezone.localdate(), label=label)
    if errors:
        raise ValidationError(errors)
    REVIEW.check(review.status, to)
    return _save_step(
        review,
        actor=actor,
        action=action,
        before=audit.snapshot(review),
        fields={field: value, **(extra_fields or {})},
        to=to,
        on=value,
    )


@transaction.atomic
def review_report_record(*, actor, review: AnnualReview, report_sent_on: date, expected_status=None):
    """The day the school's report of the meeting went to everyone invited."""
    review = _locked(review, expected_status)
    return _dated_step(
        review,
        actor=actor,
        to=ReviewStatus.REPORT_SENT,
        field="report_sent_on",
        value=report_sent_on,
        label="the report was sent",
        action="send.ehc_review.report_sent",
    )


@transaction.atomic
def review_decision_record(
    *, actor, review: AnnualReview, la_decision: str, la_decision_on: date, expected_status=None
):
    """The local authority's decision (amend, keep or cease the plan) and its date. A plan kept or
    ceased closes the review; an amendment waits for the amended plan."""
    review = _locked(review, expected_status)
    if la_decision not in AnnualReview.Decision.values:
        raise ValidationError({"la_decision": "Choose the local authority's decision."})
    review = _dated_step(
        review,
        actor=actor,
        to=ReviewStatus.LA_DECIDED,
        field="la_decision_on",
        value=la_decision_on,
        label="the local authority decided",
        action="send.ehc_review.la_decided",
        extra_fields={"la_decision": la_decision},
    )
    if la_decision != AnnualReview.Decision.AMEND:
        _move(
            review, ReviewStatus.CLOSED, actor=actor, on=la_decision_on, note=review.get_la_decision_display()
        )
    return review


@transaction.atomic
def review_amended_plan_record(*, actor, review: AnnualReview, amended_plan_on: date, expected_status=None):
    """The day the local authority issued the amended plan."""
    review = _locked(review, expected_status)
    if review.la_decision != AnnualReview.Decision.AMEND:
        raise ValidationError("The local authority did not decide to amend the plan.")
    if review.la_decision_on and amended_plan_on and amended_plan_on < review.la_decision_on:
        raise ValidationError(
            {"amended_plan_on": "The amended plan cannot be issued before the decision to amend."}
        )
    return _dated_step(
        review,
        actor=actor,
        to=ReviewStatus.AMENDED,
        field="amended_plan_on",
        value=amended_plan_on,
        label="the amended plan was issued",
        action="send.ehc_review.amended_plan_issued",
    )


def _invited_addressee(invitee: ReviewInvitee, parents: dict[int, Addressee]) -> Addressee:
    """Where the "meeting has moved" letter goes: a parent's contact as recorded now (address and
    language), else as they were invited; a professional as they were invited."""
    if invitee.role == ReviewInvitee.Role.PARENT:
        current = parents.get(invitee.contact_id) if invitee.contact_id else None
        if current is not None:
            return current
        return Addressee(
            name=invitee.name,
            address=invitee.postal_address,
            contact_ids=(invitee.contact_id,) if invitee.contact_id else (),
            language="English",
            email=invitee.email,
        )
    return _professional_addressee(invitee)


@transaction.atomic
def review_meeting_move(
    *,
    actor,
    review: AnnualReview,
    meeting_date: date,
    meeting_time: time,
    meeting_place: str,
    reason: str,
    expected_status=None,
) -> AnnualReview:
    """Change the meeting after the invitations went, without withdrawing the review: the timeline's
    dates are counted from the meeting (send/annual_review_dates.py), so they follow the new date; each
    person invited gets a "the meeting has moved" letter (``ehcp_review_moved``, signed as their
    invitation was), e-mailed to a professional with an address through the outbox. Refused before the
    invitations (move the meeting), once the meeting is recorded, without a reason, for a day the school
    is closed or gone, and when nothing changes. Audited send.ehc_review.meeting_moved with the letters."""
    review = _locked(review, expected_status)
    if review.status != ReviewStatus.INVITED:
        raise ValidationError(
            "Only a meeting whose invitations have been prepared, and which is not yet recorded, is moved "
            "this way."
        )
    errors = _meeting_errors(review.school, meeting_date, meeting_time, meeting_place)
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "Say why the meeting moved: it is kept with the review."
    place = (meeting_place or "").strip()
    if not errors and (meeting_date, meeting_time, place) == (
        review.meeting_date,
        review.meeting_time,
        review.meeting_place,
    ):
        errors["meeting_date"] = "This is already the meeting's date, time and place."
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(review)
    moved_from = _meeting_date(review)
    review.meeting_date, review.meeting_time, review.meeting_place = meeting_date, meeting_time, place
    extra = {
        "meeting_date": meeting_date,
        "meeting_time": review.time_text,
        "meeting_place": place,
        "review_date": meeting_date,
        "staff_name": sendco_name(school=review.school, actor=actor),
    }
    trigger = f"The review meeting moved from {_day(moved_from)} to {_day(meeting_date)}"
    parents = {a.contact_ids[0]: a for a in addressees(review.pupil) if a.contact_ids}
    invitees = list(review.invitees.filter(letter__isnull=False).order_by("id"))
    letters = []
    for invitee in invitees:
        invitee.move_letter = letter = letter_produce(
            actor=actor,
            pupil=review.pupil,
            code="ehcp_review_moved",
            addressee=_invited_addressee(invitee, parents),
            extra=extra,
            trigger=trigger,
            signatory=_signatory_for(invitee, school=review.school, actor=actor),
        )
        letters.append(letter)
    ReviewInvitee.objects.bulk_update(invitees, ["move_letter"])
    for invitee, letter in zip(invitees, letters, strict=True):
        if invitee.role != ReviewInvitee.Role.PARENT:
            review_emails.invitation_email_write(actor=actor, invitee=invitee, letter=letter)
    review.letters.add(*letters)
    return _save_step(
        review,
        actor=actor,
        action="send.ehc_review.meeting_moved",
        before=before,
        fields={"meeting_moved_from": moved_from, "meeting_move_reason": reason},
        extra={"letter_ids": [letter.pk for letter in letters]},
        reason=reason,
    )
