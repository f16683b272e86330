"""SEND writes for the register: the school's SEND settings, concerns and their triage, register
status and needs, and the pupil passport.

Action codes: send.settings.*, send.concern.*, send.register.*, send.needs.*, send.passport.*; and
school.pupil.sen_provision_changed when the census code moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from school import audit, editing, transitions
from school.models import Pupil

from .. import cycle_stages, register_status, selectors, status_effective_date
from .. import follow_up_tasks as follow_up_rules
from ..models import Concern, EhcPlan, PupilPassport, SendRecord, SendSettings, SendStatusChange
from .common import save_audited
from .follow_up_tasks import follow_up_tasks_from_triage


@transaction.atomic
def send_settings_save(
    *,
    actor,
    school,
    notional_threshold,
    cycle_school_weeks,
    review_year_reading=None,
    part_time_max_school_weeks: int | None = None,
    part_time_review_days: int | None = None,
    views_reminder_days: int | None = None,
    office_email: str | None = None,
    expected_version: int | None = None,
) -> SendSettings:
    current = selectors.settings_for(school=school)
    editing.ensure_unchanged(current, expected_version=expected_version)
    before = audit.snapshot(current) if current.pk else None
    current.notional_threshold = notional_threshold
    current.cycle_school_weeks = cycle_school_weeks
    if review_year_reading is not None:  # callers from before EHC reviews keep the stored reading
        current.review_year_reading = review_year_reading
    # Part-time timetables (send/part_time_rules.py): left as they are when the caller does not say.
    if part_time_max_school_weeks is not None:
        current.part_time_max_school_weeks = part_time_max_school_weeks
    if part_time_review_days is not None:
        current.part_time_review_days = part_time_review_days
    # Views requests (send/services/views_bulk.py): the reminder interval and the office's address.
    if views_reminder_days is not None:
        current.views_reminder_days = views_reminder_days
    if office_email is not None:
        current.office_email = office_email
    return save_audited(actor=actor, instance=current, action="send.settings.changed", before=before)


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
    return save_audited(actor=actor, instance=concern, action="send.concern.raised")


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
    monitoring_review_by: date | None = None


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
    if triage.monitoring_review_by:
        if triage.outcome != Concern.Outcome.MONITOR:
            errors["monitoring_review_by"] = "A review-by date is for the Monitor outcome only."
        elif triage.monitoring_review_by <= timezone.localdate():
            errors["monitoring_review_by"] = "Give a date after today."
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
    save_audited(actor=actor, instance=concern, action="send.concern.triaged", before=before)

    current = selectors.current_status(pupil=concern.pupil)
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
    review_by = None
    if triage.outcome == Concern.Outcome.MONITOR:
        review_by = triage.monitoring_review_by or follow_up_rules.default_monitoring_review_by(
            timezone.localdate()
        )
        if not _set_monitoring_review_by(actor=actor, pupil=concern.pupil, review_by=review_by):
            review_by = None
    follow_up_tasks_from_triage(actor=actor, concern=concern, monitoring_review_by=review_by)
    return concern


def _set_monitoring_review_by(*, actor, pupil: Pupil, review_by: date) -> bool:
    """Whether the pupil is being monitored, and so now has a review-by date."""
    record = SendRecord.objects.select_for_update().filter(pupil=pupil).first()
    if record is None or record.status != register_status.MONITORING:
        return False  # already on the register: its cycles and reviews apply instead
    before = audit.snapshot(record)
    record.monitoring_review_by = review_by
    save_audited(
        actor=actor,
        instance=record,
        action="send.register.monitoring_review_set",
        before=before,
        reason="Monitoring review date set at triage",
    )
    return True


# --- the register ---------------------------------------------------------------------------------------
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
    effective_on: date | None = None,
) -> SendStatusChange:
    """Move a pupil's register status through the one transition table, with history and audit.

    Keeps the census code on the pupil (N/K/E) in step and audits that change too. `expected_status`
    is the status the form showed: if someone changed it since, the change is refused, naming them.
    A pupil with an EHC plan in force leaves E only through the plan (send/services/ehc_plans.py).
    `on` is the day the move takes effect (status_since and the history row's effective_on).
    `effective_on` is that day as a user gave it on the status form: refused in the future or before
    the pupil's admission (send/status_effective_date.py). (A plan's issue date, given as `on`, may
    come before the pupil joined.)
    """
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the status is changing."})
    if effective_on is not None:
        problem = status_effective_date.effective_date_problem(
            effective_on, today=timezone.localdate(), admitted_on=pupil.admission_date
        )
        if problem:
            raise ValidationError({"effective_on": problem})
        on = effective_on
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
    if from_status == register_status.EHC_PLAN and to_status != from_status:
        plan = EhcPlan.objects.in_force(on or timezone.localdate()).filter(pupil=pupil).first()
        if plan is not None:
            # The plan and the register must agree: the plan's own page ceases it and moves the status.
            raise ValidationError(
                {
                    "to_status": f"{pupil} has an EHC plan in force (issued {plan.issue_date:%-d %B %Y}). "
                    "Record that the plan has ceased, on the plan's page, instead."
                }
            )
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
    if to_status == register_status.REMOVED or (
        from_status == register_status.SEN_SUPPORT and to_status == register_status.MONITORING
    ):
        open_cycle = pupil.send_cycles.exclude(stage=cycle_stages.CLOSED).order_by("-number").first()
        if open_cycle is not None:
            # Otherwise the plan stays open, due for review, for a pupil no longer on the register.
            leaving = (
                "removing the pupil from the register"
                if to_status == register_status.REMOVED
                else "moving the pupil to monitoring"
            )
            raise ValidationError(
                {"to_status": f"Review and close cycle {open_cycle.number} before {leaving}."}
            )
    today = on or timezone.localdate()
    before = audit.snapshot(record) if record else None
    if record is None:
        record = SendRecord(school=pupil.school, pupil=pupil)
    record.status_since = today
    if to_status != register_status.MONITORING:
        record.monitoring_review_by = None  # monitoring's review date ends with monitoring
    change = transitions.move(
        table=register_status.REGISTER,
        obj=record,
        to=to_status,
        from_state=from_status,
        save=lambda: save_audited(
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
            effective_on=today,
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
    return save_audited(
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
    return save_audited(actor=actor, instance=passport, action=action, before=before)
