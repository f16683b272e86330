"""SEND writes for assess, plan, do, review: cycles, their targets and their review.

Action codes: send.cycle.*, send.target.*, send.review.*.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from school import audit, editing, transitions
from school.calendar import SchoolCalendar
from school.models import Pupil

from .. import cycle_dates, cycle_stages, review_decisions, selectors
from ..models import CycleReview, CycleStageChange, SupportCycle, Target
from .common import save_audited


# --- assess, plan, do, review ---------------------------------------------------------------------------
def default_review_due(school, start: date) -> date:
    """The review date: the school's number of school weeks after the start (calendar weeks if the
    calendar does not reach that far yet)."""
    weeks = selectors.settings_for(school=school).cycle_school_weeks
    try:
        return SchoolCalendar.for_school(school).add_school_days(start, weeks * 5)
    except ValueError:
        return start + timedelta(weeks=weeks)


def _review_due_problem(school, start: date, review_due: date) -> str | None:
    """Later than the school's limit (its cycle length in school weeks) is refused."""
    return cycle_dates.review_due_problem(
        review_due,
        latest=default_review_due(school, start),
        weeks=selectors.settings_for(school=school).cycle_school_weeks,
    )


CARRIED_FIELDS = ("area_of_need", "target", "success_criteria", "strategies", "provision", "responsible")


@transaction.atomic
def cycle_start(
    *,
    actor,
    pupil: Pupil,
    start_date: date,
    plan_type: str,
    review_due: date | None = None,
    carry_forward: Iterable[int] = (),
) -> SupportCycle:
    """Start the pupil's next cycle. Only the unmet targets of the last cycle named in `carry_forward`
    are carried forward: the SENDCo chooses each one, none is carried silently. The new cycle's
    assessment starts from the last review's next steps."""
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
    carry_ids = set(carry_forward)
    unmet = (
        list(previous.targets.current().filter(outcome__in=Target.UNMET, pk__in=carry_ids).order_by("id"))
        if previous is not None and carry_ids
        else []
    )
    if len(unmet) != len(carry_ids):
        errors["carry_forward"] = "Only targets of the last cycle not yet achieved can be carried forward."
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
        assessment_evidence=_from_last_review(previous),
        created_by=actor,
    )
    save_audited(actor=actor, instance=cycle, action="send.cycle.started")
    if previous is not None:
        carried = [
            Target(
                cycle=cycle,
                carried_from=old,
                review_date=cycle.review_due,
                **{name: getattr(old, name) for name in CARRIED_FIELDS},
            )
            for old in unmet
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


def _from_last_review(previous: SupportCycle | None) -> str:
    """The new cycle's assessment starts from what the last review said should happen next."""
    if previous is None or not previous.next_steps:
        return ""
    held = f" on {previous.reviewed_on:%-d %B %Y}" if previous.reviewed_on else ""
    return f"Next steps agreed at the review of cycle {previous.number}{held}:\n{previous.next_steps}"


@transaction.atomic
def cycle_close_and_start_next(
    *,
    actor,
    cycle: SupportCycle,
    start_date: date,
    plan_type: str,
    review_due: date | None = None,
    carry_forward: Iterable[int] = (),
) -> SupportCycle:
    """One step after the review: close the cycle and start the next, carrying forward only the
    unmet targets the SENDCo ticked. Refused, with nothing changed, if someone closed it first."""
    cycle_stage_move(actor=actor, cycle=cycle, to_stage=cycle_stages.CLOSED, from_stage=cycle_stages.REVIEW)
    return cycle_start(
        actor=actor,
        pupil=cycle.pupil,
        start_date=start_date,
        plan_type=plan_type,
        review_due=review_due,
        carry_forward=carry_forward,
    )


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
        *MEP_PARTS,
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
    return save_audited(actor=actor, instance=cycle, action="send.cycle.changed", before=before)


MEP_PARTS = ("mep_behaviour", "mep_triggers", "mep_proactive", "mep_reactive")
MEP_REQUIRED = {
    "mep_behaviour": "behaviour of concern",
    "mep_proactive": "proactive strategies",
    "mep_reactive": "reactive strategies",
}


def mep_parts_missing(cycle: SupportCycle) -> list[str]:
    """The parts a multi-element plan needs before adults can work to it (other plans need none)."""
    if cycle.plan_type != SupportCycle.PlanType.MEP:
        return []
    return [label for name, label in MEP_REQUIRED.items() if not getattr(cycle, name).strip()]


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
    if to_stage == cycle_stages.DO and (missing := mep_parts_missing(cycle)):
        raise ValidationError(f"Write the multi-element plan's {' and '.join(missing)} before it starts.")
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
        save=lambda: save_audited(
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
    return save_audited(
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
    attended: str = "",
    led_by: str = "",
    decision: str = "",
) -> SupportCycle:
    """Record the review: each target's outcome and evidence, the pupil's and parents' views, next
    steps, who attended and led it, and its decision (send/review_decisions.py).

    A cycle still at "Do" whose review is due (the nightly checks have not run yet) moves to "Review"
    first, so the teacher can record the review as soon as it is due."""
    cycle = SupportCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.stage == cycle_stages.CLOSED:
        raise ValidationError("This cycle is closed: its review is already recorded.")
    if decision and decision not in review_decisions.DECISIONS:
        raise ValidationError({"decision": "Choose one of the decisions listed."})
    if cycle.stage == cycle_stages.DO and cycle.review_due <= timezone.localdate():
        cycle = cycle_stage_move(actor=actor, cycle=cycle, to_stage=cycle_stages.REVIEW)
    if cycle.stage != cycle_stages.REVIEW:
        if cycle.stage == cycle_stages.DO:
            raise ValidationError(
                f"The review is due on {cycle.review_due:%-d %B %Y}: it can be recorded from then."
            )
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
        attended=attended,
        led_by=led_by,
        decision=decision,
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
    save_audited(
        actor=actor, instance=review, action="send.review.recorded", school=cycle.school, pupil=cycle.pupil
    )
    before = audit.snapshot(cycle)
    cycle.reviewed_on, cycle.reviewed_by = reviewed_on, actor
    cycle.review_pupil_views, cycle.review_parent_views, cycle.next_steps = (
        pupil_views,
        parent_views,
        next_steps,
    )
    return save_audited(actor=actor, instance=cycle, action="send.cycle.reviewed", before=before)
