"""SEND writes for assess, plan, do, review: cycles, their targets and their review.

Action codes: send.cycle.*, send.target.*, send.review.*.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from school import audit, editing, transitions
from school.calendar import SchoolCalendar
from school.models import Pupil

from .. import cycle_dates, cycle_stages, selectors
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
    save_audited(actor=actor, instance=cycle, action="send.cycle.started")
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
    return save_audited(actor=actor, instance=cycle, action="send.cycle.changed", before=before)


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
