"""SEND writes: one function per use case, atomic, validated, each writing its audit entry.

Action codes: send.concern.*, send.register.*, send.needs.*, send.passport.*, send.cycle.*,
send.target.*, send.views.*, send.provision.*, send.intervention.*, send.funding.*, send.agency.*,
send.document.*, send.settings.*; and school.pupil.sen_provision_changed when the census code moves.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from letters.models import Email, Letter
from letters.services import email_create, letter_create
from school import audit, editing, transitions
from school.calendar import SchoolCalendar
from school.models import Pupil, PupilContact

from . import cycle_dates, cycle_stages, register_status, uploads
from .models import (
    AgencyInvolvement,
    Concern,
    CycleReview,
    CycleStageChange,
    FundingApplication,
    Intervention,
    ProvisionEnrolment,
    PupilPassport,
    SendDocument,
    SendRecord,
    SendSettings,
    SendStatusChange,
    SupportCycle,
    Target,
    ViewsRequest,
)


def _save_audited(*, actor, instance, action: str, reason: str = "", before=None, school=None, pupil=None):
    """full_clean, save and audit one instance (the caller holds the transaction)."""
    instance.full_clean()
    instance.save()
    audit.record(
        actor=actor,
        action=action,
        obj=instance,
        before=before,
        after=audit.snapshot(instance),
        reason=reason,
        school=school or getattr(instance, "school", None),
        pupil=pupil,
    )
    return instance


def settings_for(school) -> SendSettings:
    found = SendSettings.objects.filter(school=school).first()
    return found or SendSettings(school=school)


@transaction.atomic
def send_settings_save(
    *, actor, school, notional_threshold, cycle_school_weeks, expected_version: int | None = None
) -> SendSettings:
    current = settings_for(school)
    editing.ensure_unchanged(current, expected_version=expected_version)
    before = audit.snapshot(current) if current.pk else None
    current.notional_threshold = notional_threshold
    current.cycle_school_weeks = cycle_school_weeks
    return _save_audited(actor=actor, instance=current, action="send.settings.changed", before=before)


# --- concerns -------------------------------------------------------------------------------------------
@transaction.atomic
def concern_raise(
    *, actor, pupil: Pupil, area_of_need, what_we_see, evidence, adjustments_in_place
) -> Concern:
    concern = Concern(
        school=pupil.school,
        pupil=pupil,
        raised_by=actor,
        raised_at=timezone.now(),
        area_of_need=area_of_need,
        what_we_see=what_we_see,
        evidence=evidence,
        adjustments_in_place=adjustments_in_place,
    )
    return _save_audited(actor=actor, instance=concern, action="send.concern.raised")


@dataclass(frozen=True)
class Triage:
    outcome: str
    observe: bool = False
    observe_on: date | None = None
    discuss_at_progress_meeting: bool = False
    progress_meeting_on: date | None = None
    meet_parents: bool = False
    parents_meeting_on: date | None = None
    notes: str = ""
    parents_agreed_by: str = ""
    parents_agreed_on: date | None = None
    primary_need: str = ""


def _triage_problems(triage: Triage, concern: Concern) -> dict:
    errors = {}
    raised = timezone.localtime(concern.raised_at).date()
    for flag, day in (
        ("observe", "observe_on"),
        ("discuss_at_progress_meeting", "progress_meeting_on"),
        ("meet_parents", "parents_meeting_on"),
    ):
        if getattr(triage, flag) and not getattr(triage, day):
            errors[day] = "Give the date."
    if triage.observe and triage.observe_on and triage.observe_on < raised:
        # The observation follows up the concern, so it cannot come first. (A conversation with the
        # parents or a progress meeting may well have come before the form was written.)
        errors["observe_on"] = (
            f"The observation cannot be before the concern was raised ({raised:%-d %B %Y})."
        )
    if triage.outcome == Concern.Outcome.ADD_TO_REGISTER:
        if not triage.parents_agreed_by.strip():
            errors["parents_agreed_by"] = "Record which parent agreed to the pupil joining the SEN register."
        if not triage.parents_agreed_on:
            errors["parents_agreed_on"] = "Record the date the parent agreed."
    return errors


@transaction.atomic
def concern_triage(*, actor, concern: Concern, triage: Triage) -> Concern:
    """Record the SENDCo's triage and apply its outcome to the register (monitoring or SEN support)."""
    concern = editing.ensure_still(
        concern, done="This concern was already triaged", status=Concern.Status.AWAITING_TRIAGE
    )
    errors = _triage_problems(triage, concern)
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(concern)
    for name in (
        "outcome",
        "observe",
        "observe_on",
        "discuss_at_progress_meeting",
        "progress_meeting_on",
        "meet_parents",
        "parents_meeting_on",
        "parents_agreed_by",
        "parents_agreed_on",
    ):
        setattr(concern, name, getattr(triage, name))
    concern.triage_notes = triage.notes
    concern.status = Concern.Status.TRIAGED
    concern.triaged_by = actor
    concern.triaged_at = timezone.now()
    _save_audited(actor=actor, instance=concern, action="send.concern.triaged", before=before)

    current = current_status(concern.pupil)
    if triage.outcome == Concern.Outcome.MONITOR and current in (
        register_status.NONE,
        register_status.REMOVED,
    ):
        send_status_change(
            actor=actor,
            pupil=concern.pupil,
            to_status=register_status.MONITORING,
            reason=f"Concern triaged: monitor. {triage.notes}".strip(),
            concern=concern,
        )
    elif triage.outcome == Concern.Outcome.ADD_TO_REGISTER and not register_status.is_on_register(current):
        send_status_change(
            actor=actor,
            pupil=concern.pupil,
            to_status=register_status.SEN_SUPPORT,
            reason=f"Concern triaged: added to the SEN register. {triage.notes}".strip(),
            parents_agreed_by=triage.parents_agreed_by,
            parents_agreed_on=triage.parents_agreed_on,
            concern=concern,
        )
    if triage.primary_need:
        send_needs_set(
            actor=actor,
            pupil=concern.pupil,
            primary_need=triage.primary_need,
            secondary_need=getattr(getattr(concern.pupil, "send_record", None), "secondary_need", ""),
            reason="Need recorded at triage",
        )
    return concern


# --- the register ---------------------------------------------------------------------------------------
def current_status(pupil: Pupil) -> str:
    status = SendRecord.objects.filter(pupil=pupil).values_list("status", flat=True).first()
    return status or register_status.NONE


@transaction.atomic
def send_status_change(
    *,
    actor,
    pupil: Pupil,
    to_status: str,
    reason: str,
    parents_agreed_by: str = "",
    parents_agreed_on: date | None = None,
    concern: Concern | None = None,
    on: date | None = None,
    expected_status: str | None = None,
) -> SendStatusChange:
    """Move a pupil's register status through the one transition table, with history and audit.

    Keeps the census code on the pupil (N/K/E) in step and audits that change too. `expected_status`
    is the status the form showed: if someone changed it since, the change is refused, naming them.
    """
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the status is changing."})
    record = SendRecord.objects.select_for_update().filter(pupil=pupil).first()
    if record is not None and expected_status:
        editing.ensure_still(
            record,
            done=lambda r: f"The status was already changed to {register_status.LABELS[r.status]}",
            status=expected_status,
        )
    from_status = record.status if record else register_status.NONE
    try:
        register_status.REGISTER.check(from_status, to_status)
    except transitions.IllegalMove as exc:
        raise ValidationError({"to_status": exc.messages}) from None
    if register_status.needs_parents_agreement(from_status, to_status):
        errors = {}
        if not parents_agreed_by.strip():
            errors["parents_agreed_by"] = "Record which parent agreed to the pupil joining the SEN register."
        if not parents_agreed_on:
            errors["parents_agreed_on"] = "Record the date the parent agreed."
        elif parents_agreed_on > (on or timezone.localdate()):
            errors["parents_agreed_on"] = "The date the parent agreed cannot be in the future."
        if errors:
            raise ValidationError(errors)
    if to_status == register_status.REMOVED:
        open_cycle = pupil.send_cycles.exclude(stage=cycle_stages.CLOSED).order_by("-number").first()
        if open_cycle is not None:
            # Otherwise the plan stays open, due for review, for a pupil no longer on the register.
            raise ValidationError(
                {
                    "to_status": f"Review and close cycle {open_cycle.number} before removing the pupil from the register."
                }
            )
    today = on or timezone.localdate()
    before = audit.snapshot(record) if record else None
    if record is None:
        record = SendRecord(school=pupil.school, pupil=pupil)
    record.status_since = today
    change = transitions.move(
        table=register_status.REGISTER,
        obj=record,
        to=to_status,
        from_state=from_status,
        save=lambda: _save_audited(
            actor=actor, instance=record, action="send.register.status_changed", before=before, reason=reason
        ),
        history=lambda from_, to: SendStatusChange(
            record=record,
            pupil=pupil,
            from_status=from_,
            to_status=to,
            reason=reason.strip(),
            changed_by=actor,
            changed_at=timezone.now(),
            parents_agreed_by=parents_agreed_by.strip(),
            parents_agreed_on=parents_agreed_on,
            concern=concern,
        ),
    )
    _sync_census_code(actor=actor, pupil=pupil, reason=reason)
    return change


def _sync_census_code(*, actor, pupil: Pupil, reason: str) -> None:
    status = SendRecord.objects.filter(pupil=pupil).values_list("status", flat=True).first()
    code = register_status.census_code(status or register_status.NONE)
    old = Pupil.objects.filter(pk=pupil.pk).values_list("sen_provision", flat=True).get()
    if old == code:
        return
    # A queryset update: the pupil's other fields are not ours to re-save.
    Pupil.objects.filter(pk=pupil.pk).update(sen_provision=code)
    pupil.sen_provision = code
    audit.record(
        actor=actor,
        action="school.pupil.sen_provision_changed",
        obj=pupil,
        before={"sen_provision": old},
        after={"sen_provision": code},
        reason=reason,
    )


@transaction.atomic
def send_needs_set(
    *,
    actor,
    pupil: Pupil,
    primary_need: str,
    secondary_need: str = "",
    reason: str = "",
    expected_version: int | None = None,
) -> SendRecord:
    record = SendRecord.objects.select_for_update().filter(pupil=pupil).first()
    if record is None:
        raise ValidationError(
            "Record the pupil's register status (for example Monitoring) before their needs."
        )
    editing.ensure_unchanged(record, expected_version=expected_version)
    before = audit.snapshot(record)
    record.primary_need = primary_need or ""
    record.secondary_need = secondary_need or ""
    return _save_audited(
        actor=actor, instance=record, action="send.needs.changed", before=before, reason=reason
    )


# --- passport -------------------------------------------------------------------------------------------
@transaction.atomic
def passport_save(
    *,
    actor,
    pupil: Pupil,
    liked_and_admired,
    important_to_me,
    how_to_support_me,
    in_pupils_words=True,
    expected_version: int | None = None,
) -> PupilPassport:
    if not any(text.strip() for text in (liked_and_admired, important_to_me, how_to_support_me)):
        raise ValidationError("Write at least one part of the passport: an empty one tells adults nothing.")
    passport = PupilPassport.objects.select_for_update().filter(pupil=pupil).first()
    editing.ensure_unchanged(passport, expected_version=expected_version)
    before = audit.snapshot(passport) if passport else None
    passport = passport or PupilPassport(school=pupil.school, pupil=pupil)
    passport.liked_and_admired = liked_and_admired
    passport.important_to_me = important_to_me
    passport.how_to_support_me = how_to_support_me
    passport.in_pupils_words = in_pupils_words
    passport.updated_by = actor
    passport.updated_at = timezone.now()
    action = "send.passport.changed" if before else "send.passport.created"
    return _save_audited(actor=actor, instance=passport, action=action, before=before)


# --- assess, plan, do, review ---------------------------------------------------------------------------
def default_review_due(school, start: date) -> date:
    """The review date: the school's number of school weeks after the start (calendar weeks if the
    calendar does not reach that far yet)."""
    weeks = settings_for(school).cycle_school_weeks
    try:
        return SchoolCalendar.for_school(school).add_school_days(start, weeks * 5)
    except ValueError:
        return start + timedelta(weeks=weeks)


def _review_due_problem(school, start: date, review_due: date) -> str | None:
    """Later than the school's limit (its cycle length in school weeks) is refused."""
    return cycle_dates.review_due_problem(
        review_due, latest=default_review_due(school, start), weeks=settings_for(school).cycle_school_weeks
    )


CARRIED_FIELDS = ("area_of_need", "target", "success_criteria", "strategies", "provision", "responsible")


@transaction.atomic
def cycle_start(
    *, actor, pupil: Pupil, start_date: date, plan_type: str, review_due: date | None = None
) -> SupportCycle:
    """Start the pupil's next cycle. Unmet targets of the last reviewed cycle are carried forward."""
    Pupil.objects.select_for_update().filter(pk=pupil.pk).first()  # serialise cycle numbering per pupil
    cycles = SupportCycle.objects.filter(pupil=pupil)
    if cycles.exclude(stage=cycle_stages.CLOSED).exists():
        raise ValidationError("Close the current cycle (record its review) before starting a new one.")
    previous = cycles.order_by("-number").first()
    errors = {}
    problem = cycle_dates.start_problem(
        start_date, last_reviewed_on=previous.reviewed_on if previous else None
    )
    if problem:
        errors["start_date"] = problem
    if review_due and (problem := _review_due_problem(pupil.school, start_date, review_due)):
        errors["review_due"] = problem
    if errors:
        raise ValidationError(errors)
    cycle = SupportCycle(
        school=pupil.school,
        pupil=pupil,
        number=(previous.number + 1) if previous else 1,
        previous=previous,
        start_date=start_date,
        review_due=review_due or default_review_due(pupil.school, start_date),
        plan_type=plan_type,
        created_by=actor,
    )
    _save_audited(actor=actor, instance=cycle, action="send.cycle.started")
    if previous is not None:
        carried = [
            Target(
                cycle=cycle,
                carried_from=old,
                review_date=cycle.review_due,
                **{name: getattr(old, name) for name in CARRIED_FIELDS},
            )
            for old in previous.targets.current().filter(outcome__in=Target.UNMET).order_by("id")
        ]
        Target.objects.bulk_create(carried)
        if carried:
            audit.record_bulk(
                actor=actor,
                action="send.target.carried_forward",
                school=pupil.school,
                reason=f"Not yet achieved in cycle {previous.number}",
                entries=[
                    {
                        "object_type": "send.target",
                        "object_id": t.pk,
                        "object_repr": str(t),
                        "pupil_id": pupil.pk,
                        "after": audit.snapshot(t),
                    }
                    for t in carried
                ],
            )
    return cycle


@transaction.atomic
def cycle_assessment_save(
    *, actor, cycle: SupportCycle, expected_version: int | None = None, **fields
) -> SupportCycle:
    allowed = {
        "assessment_evidence",
        "teacher_views",
        "parent_views",
        "pupil_views",
        "agency_views",
        "plan_type",
        "review_due",
        "provision_notes",
    }
    editing.ensure_unchanged(cycle, expected_version=expected_version)
    if cycle.stage == cycle_stages.CLOSED:
        raise ValidationError("This cycle is closed.")
    new_due = fields.get("review_due")
    if new_due and new_due != cycle.review_due:
        if problem := _review_due_problem(cycle.school, cycle.start_date, new_due):
            raise ValidationError({"review_due": problem})
    before = audit.snapshot(cycle)
    for name, value in fields.items():
        if name not in allowed:
            raise TypeError(name)
        setattr(cycle, name, value)
    return _save_audited(actor=actor, instance=cycle, action="send.cycle.changed", before=before)


@transaction.atomic
def cycle_stage_move(
    *, actor, cycle: SupportCycle, to_stage: str, from_stage: str | None = None
) -> SupportCycle:
    """`from_stage` is the stage the page showed: a cycle someone moved since is not moved again."""
    if from_stage:
        cycle = editing.ensure_still(
            cycle, done=lambda c: f"This cycle was already moved to {c.get_stage_display()}", stage=from_stage
        )
    else:
        cycle = SupportCycle.objects.select_for_update().get(pk=cycle.pk)
    cycle_stages.STAGES.check(cycle.stage, to_stage)
    if to_stage == cycle_stages.DO and not cycle.targets.current().exists():
        raise ValidationError("Add at least one target to the plan before it starts.")
    if to_stage == cycle_stages.CLOSED:
        if cycle.reviewed_on is None or cycle.targets.current().filter(outcome="").exists():
            raise ValidationError("Record the review (an outcome for every target) before closing the cycle.")
    before = audit.snapshot(cycle)
    reason = f"{cycle_stages.LABELS[before['stage']]} to {cycle_stages.LABELS[to_stage]}"
    if cycle.stage == cycle_stages.REVIEW and to_stage == cycle_stages.PLAN:
        # Back to planning starts a new round: it is due for review one cycle length from today, and the
        # review already held no longer describes it. That review stays in the audit trail (its own
        # send.cycle.reviewed entry, and this move's "before"), not on the cycle's header or due lists.
        cycle.review_due = default_review_due(cycle.school, timezone.localdate())
        cycle.reviewed_on, cycle.reviewed_by = None, None
        reason += f"; review now due {cycle.review_due:%-d %B %Y}"
    transitions.move(
        table=cycle_stages.STAGES,
        obj=cycle,
        to=to_stage,
        attr="stage",
        save=lambda: _save_audited(
            actor=actor, instance=cycle, action="send.cycle.stage_changed", before=before, reason=reason
        ),
        history=lambda from_, to: CycleStageChange(
            cycle=cycle, from_stage=from_, to_stage=to, changed_by=actor, changed_at=timezone.now()
        ),
    )
    return cycle


@transaction.atomic
def target_save(
    *,
    actor,
    cycle: SupportCycle,
    instance: Target | None = None,
    expected_version: int | None = None,
    **fields,
) -> Target:
    """Add a target to a plan (`instance` None) or change one; `fields` are Target fields."""
    editing.ensure_unchanged(instance, expected_version=expected_version)
    if cycle.stage in (cycle_stages.REVIEW, cycle_stages.CLOSED) and instance is None:
        raise ValidationError("Targets are added while assessing, planning or doing, not at review.")
    if cycle.stage == cycle_stages.CLOSED:
        raise ValidationError("This cycle is closed.")
    if fields.get("review_date") and fields["review_date"] < cycle.start_date:
        raise ValidationError(
            {
                "review_date": f"The review date cannot be before the cycle started ({cycle.start_date:%-d %B %Y})."
            }
        )
    before = audit.snapshot(instance) if instance else None
    target = instance or Target(cycle=cycle)
    for name, value in fields.items():
        setattr(target, name, value)
    return _save_audited(
        actor=actor,
        instance=target,
        action="send.target.changed" if before else "send.target.added",
        before=before,
        school=cycle.school,
        pupil=cycle.pupil,
    )


@transaction.atomic
def cycle_review_record(
    *,
    actor,
    cycle: SupportCycle,
    outcomes: dict[int, tuple[str, str]],
    reviewed_on: date,
    pupil_views: str,
    parent_views: str,
    next_steps: str,
) -> SupportCycle:
    """Record the review: each target's outcome and evidence, the pupil's and parents' views, next steps."""
    cycle = SupportCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.stage == cycle_stages.CLOSED:
        raise ValidationError("This cycle is closed: its review is already recorded.")
    if cycle.stage != cycle_stages.REVIEW:
        raise ValidationError("Move the cycle to Review before recording the review.")
    if reviewed_on < cycle.start_date:
        raise ValidationError(
            {"reviewed_on": f"The review cannot be before the cycle started ({cycle.start_date:%-d %B %Y})."}
        )
    if problem := cycle_dates.reviewed_on_problem(reviewed_on, today=timezone.localdate()):
        raise ValidationError({"reviewed_on": problem})
    targets = {t.pk: t for t in cycle.targets.current()}
    missing = [pk for pk in targets if not (outcomes.get(pk) or ("", ""))[0]]
    if missing:
        raise ValidationError("Give an outcome for every target.")
    entries = []
    for pk, (outcome, evidence) in outcomes.items():
        target = targets.get(pk)
        if target is None:
            raise ValidationError("A target does not belong to this cycle.")
        before = audit.snapshot(target)
        target.outcome, target.outcome_evidence = outcome, evidence
        target.full_clean()
        target.save(update_fields=["outcome", "outcome_evidence"])
        entries.append(
            {
                "object_type": "send.target",
                "object_id": pk,
                "object_repr": str(target),
                "pupil_id": cycle.pupil_id,
                "before": before,
                "after": audit.snapshot(target),
            }
        )
    audit.record_bulk(actor=actor, action="send.target.reviewed", entries=entries, school=cycle.school)
    review = CycleReview(
        cycle=cycle,
        reviewed_on=reviewed_on,
        reviewed_by=actor,
        pupil_views=pupil_views,
        parent_views=parent_views,
        next_steps=next_steps,
        outcomes=[
            {
                "target_id": t.pk,
                "target": t.target,
                "outcome": t.outcome,
                "outcome_label": t.get_outcome_display(),
                "evidence": t.outcome_evidence,
            }
            for t in sorted(targets.values(), key=lambda t: t.pk)
        ],
    )
    _save_audited(
        actor=actor, instance=review, action="send.review.recorded", school=cycle.school, pupil=cycle.pupil
    )
    before = audit.snapshot(cycle)
    cycle.reviewed_on, cycle.reviewed_by = reviewed_on, actor
    cycle.review_pupil_views, cycle.review_parent_views, cycle.next_steps = (
        pupil_views,
        parent_views,
        next_steps,
    )
    return _save_audited(actor=actor, instance=cycle, action="send.cycle.reviewed", before=before)


# --- views requests -------------------------------------------------------------------------------------
def parent_contact_for(pupil: Pupil):
    """The priority-1 contact with parental responsibility (the first by priority if none is 1)."""
    link = (
        PupilContact.objects.filter(pupil=pupil, parental_responsibility=True)
        .select_related("contact")
        .order_by("priority", "id")
        .first()
    )
    return link.contact if link else None


def _views_request_letter(*, actor, cycle: SupportCycle, request: ViewsRequest) -> Letter:
    """The printable request as a Letter: the wording, names and address frozen today."""
    pupil, contact = cycle.pupil, request.contact
    if request.respondent == ViewsRequest.Respondent.PUPIL:
        recipient_name, address = pupil.display_name, ""
        subject = f"My views: {pupil.display_name}"
    else:
        recipient_name = str(contact) if contact else "The parent or carer of " + pupil.display_name
        address = "\n".join(part for part in (contact.address, contact.postcode) if part) if contact else ""
        subject = f"Your views before {pupil.display_name}'s review"
    return letter_create(
        actor=actor,
        pupil=pupil,
        kind=Letter.Kind.VIEWS_REQUEST,
        subject=subject,
        body_template="send/letters/views_request_body.html",
        context={"request_": request, "cycle": cycle, "contact": contact},
        recipient_name=recipient_name,
        recipient_address=address,
    )


@transaction.atomic
def views_request_send(*, actor, cycle: SupportCycle, respondent: str, method: str) -> ViewsRequest:
    """Ask the parents (by e-mail or a printed form) or the pupil (printed form) for their views.

    E-mail goes to the priority-1 contact with parental responsibility; sent_at records when it was
    asked, and the request's letters.Email whether the mail server accepted it.
    """
    if cycle.stage == cycle_stages.CLOSED:
        raise ValidationError("This cycle is closed.")
    request = ViewsRequest.objects.select_for_update().filter(cycle=cycle, respondent=respondent).first()
    before = audit.snapshot(request) if request else None
    request = request or ViewsRequest(cycle=cycle, respondent=respondent, requested_by=actor)
    request.method = method
    request.requested_by = actor
    if respondent == ViewsRequest.Respondent.PUPIL and method == ViewsRequest.Method.EMAIL:
        raise ValidationError({"method": "Ask the pupil with the printed form, in person."})
    if respondent == ViewsRequest.Respondent.PARENT:
        request.contact = parent_contact_for(cycle.pupil)
    if method == ViewsRequest.Method.EMAIL:
        contact = request.contact
        if contact is None or not contact.email:
            raise ValidationError(
                {
                    "method": "There is no e-mail address for a parent with parental "
                    "responsibility. Use the printed form."
                }
            )
        request.sent_to = contact.email
    request.sent_at = timezone.now()
    if method == ViewsRequest.Method.PRINTED:
        request.letter = _views_request_letter(actor=actor, cycle=cycle, request=request)
    if method == ViewsRequest.Method.EMAIL:
        context = {"cycle": cycle, "pupil": cycle.pupil, "school": cycle.school, "contact": request.contact}
        # Sent in the background after commit, and marked e-mailed only once the mail server took it.
        request.email = email_create(
            actor=actor,
            pupil=cycle.pupil,
            kind=Email.Kind.VIEWS_REQUEST,
            to=request.sent_to,
            subject=f"Your views before {cycle.pupil.display_name}'s review",
            body=render_to_string("send/email/views_request.txt", context),
        )
    _save_audited(
        actor=actor,
        instance=request,
        action="send.views.requested",
        before=before,
        school=cycle.school,
        pupil=cycle.pupil,
    )
    return request


@transaction.atomic
def views_record(
    *, actor, request: ViewsRequest, views: str, received_on: date, expected_version: int | None = None
) -> ViewsRequest:
    editing.ensure_unchanged(request, expected_version=expected_version)
    if not views.strip():
        raise ValidationError({"views": "Write down the views given."})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "The date the views arrived cannot be in the future."})
    before = audit.snapshot(request)
    request.views, request.received_on = views, received_on
    cycle = request.cycle
    return _save_audited(
        actor=actor,
        instance=request,
        action="send.views.received",
        before=before,
        school=cycle.school,
        pupil=cycle.pupil,
    )


# --- provision ------------------------------------------------------------------------------------------
@transaction.atomic
def intervention_save(
    *, actor, school, intervention: Intervention | None = None, expected_version: int | None = None, **fields
) -> Intervention:
    editing.ensure_unchanged(intervention, expected_version=expected_version)
    before = audit.snapshot(intervention) if intervention and intervention.pk else None
    intervention = intervention or Intervention(school=school)
    for name, value in fields.items():
        setattr(intervention, name, value)
    same_name = Intervention.objects.filter(school=school, name__iexact=intervention.name.strip())
    if same_name.exclude(pk=intervention.pk).exists():  # the constraint still guards a race
        raise ValidationError({"name": "The catalogue already has an intervention with this name."})
    action = "send.intervention.changed" if before else "send.intervention.created"
    return _save_audited(actor=actor, instance=intervention, action=action, before=before)


@transaction.atomic
def enrolment_save(
    *,
    actor,
    pupil: Pupil,
    enrolment: ProvisionEnrolment | None = None,
    expected_version: int | None = None,
    **fields,
) -> ProvisionEnrolment:
    editing.ensure_unchanged(enrolment, expected_version=expected_version)
    before = audit.snapshot(enrolment) if enrolment and enrolment.pk else None
    enrolment = enrolment or ProvisionEnrolment(school=pupil.school, pupil=pupil)
    for name, value in fields.items():
        setattr(enrolment, name, value)
    if enrolment.intervention_id and enrolment.intervention.school_id != pupil.school_id:
        raise ValidationError({"intervention": "Choose one of this school's interventions."})
    if enrolment.intervention_id and enrolment.start_date:
        # Two overlapping places in one intervention would count its cost twice on the provision map.
        overlapping = ProvisionEnrolment.objects.filter(
            pupil=pupil, intervention_id=enrolment.intervention_id
        ).exclude(pk=enrolment.pk)
        overlapping = overlapping.filter(Q(end_date__isnull=True) | Q(end_date__gte=enrolment.start_date))
        if enrolment.end_date:
            overlapping = overlapping.filter(start_date__lte=enrolment.end_date)
        if overlapping.exists():
            raise ValidationError(
                {"start_date": f"{pupil} already has a place in this intervention for some of these dates."}
            )
    action = "send.provision.changed" if before else "send.provision.enrolled"
    return _save_audited(actor=actor, instance=enrolment, action=action, before=before)


@transaction.atomic
def funding_application_save(
    *,
    actor,
    pupil: Pupil,
    application: FundingApplication | None = None,
    expected_version: int | None = None,
    **fields,
) -> FundingApplication:
    editing.ensure_unchanged(application, expected_version=expected_version)
    before = audit.snapshot(application) if application and application.pk else None
    application = application or FundingApplication(school=pupil.school, pupil=pupil, created_by=actor)
    for name, value in fields.items():
        setattr(application, name, value)
    action = "send.funding.changed" if before else "send.funding.created"
    return _save_audited(actor=actor, instance=application, action=action, before=before)


# --- agencies and documents -----------------------------------------------------------------------------
@transaction.atomic
def agency_save(
    *,
    actor,
    pupil: Pupil,
    involvement: AgencyInvolvement | None = None,
    expected_version: int | None = None,
    **fields,
) -> AgencyInvolvement:
    editing.ensure_unchanged(involvement, expected_version=expected_version)
    before = audit.snapshot(involvement) if involvement and involvement.pk else None
    involvement = involvement or AgencyInvolvement(school=pupil.school, pupil=pupil)
    for name, value in fields.items():
        setattr(involvement, name, value)
    action = "send.agency.changed" if before else "send.agency.created"
    return _save_audited(actor=actor, instance=involvement, action=action, before=before)


def document_path(document: SendDocument) -> Path:
    return document.private_file_path()


def document_upload(
    *,
    actor,
    pupil: Pupil,
    uploaded_file,
    kind: str,
    title: str,
    confidential: bool,
    agency: AgencyInvolvement | None = None,
) -> SendDocument:
    """Check the file by content and size, store it under PRIVATE_MEDIA_ROOT with a name we choose,
    then record it. If the database write fails the file is removed, so nothing is half-saved."""
    if uploaded_file.size is not None and uploaded_file.size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(
            {
                "file": f"The file is too large: the limit is "
                f"{settings.MAX_UPLOAD_BYTES // (1024 * 1024) or 1} MB."
            }
        )
    data = uploaded_file.read(settings.MAX_UPLOAD_BYTES + 1)
    try:
        checked = uploads.check_upload(uploaded_file.name, data, max_bytes=settings.MAX_UPLOAD_BYTES)
    except uploads.UploadRefused as exc:
        raise ValidationError({"file": str(exc)}) from None
    if agency is not None and agency.pupil_id != pupil.pk:
        raise ValidationError({"agency": "That involvement is for another pupil."})
    document = SendDocument(
        school=pupil.school,
        pupil=pupil,
        kind=kind,
        title=title,
        confidential=confidential,
        agency=agency,
        stored_name=f"{uuid.uuid4().hex}{checked.extension}",
        original_name=Path(uploaded_file.name).name[:255],
        content_type=checked.content_type,
        size=len(data),
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    document.full_clean()
    path = document_path(document)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    try:
        with transaction.atomic():
            document.save()
            audit.record(
                actor=actor, action="send.document.uploaded", obj=document, after=audit.snapshot(document)
            )
    except Exception:
        path.unlink(missing_ok=True)
        raise
    return document
