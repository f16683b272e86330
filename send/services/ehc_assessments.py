"""Writes for EHC needs assessments: open one, record its steps, record a statutory exception.

Action codes: send.assessment.opened, send.assessment.step_recorded, send.assessment.exception_recorded.
The status follows the recorded dates through send.models_assessment.STATUSES (school.transitions),
one history row per move.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from school import audit, transitions

from .. import ehc_assessment_deadlines as rules
from ..models_assessment import STATUSES, AssessmentStatusChange, EhcNeedsAssessment, StatutoryException
from .common import save_audited, with_changes

STEP_FIELDS = (
    "la_received_on",
    "decision",
    "decided_on",
    "advice_requested_on",
    "advice_sent_on",
    "decision_not_to_issue_on",
    "draft_served_on",
    "comments_sent_on",
    "final_issued_on",
    "notes",
)


def _status_for(a: EhcNeedsAssessment) -> str:
    if a.final_issued_on:
        return "issued"
    if a.decision_not_to_issue_on:
        return "not_issuing"
    if a.draft_served_on:
        return "draft"
    if a.decision == "refuse":
        return "refused"
    if a.decision == "assess":
        return "assessing"
    return "received" if a.la_received_on else "requested"


def _path(from_state: str, to_state: str) -> list[str]:
    """The states to pass through (breadth first in the table), so each move gets its history row."""
    paths: dict[str, list[str]] = {from_state: []}
    queue = [from_state]
    while queue:
        state = queue.pop(0)
        if state == to_state:
            return paths[state]
        for nxt in STATUSES.next_states(state):
            if nxt not in paths:
                paths[nxt] = paths[state] + [nxt]
                queue.append(nxt)
    STATUSES.check(from_state, to_state)  # raises the plain-English refusal
    return [to_state]


def _move_to(assessment: EhcNeedsAssessment, target: str, *, actor) -> None:
    for to in _path(assessment.status, target):
        transitions.move(
            table=STATUSES,
            obj=assessment,
            to=to,
            save=lambda: assessment.save(update_fields=["status"]),
            history=lambda f, t: AssessmentStatusChange(
                assessment=assessment, from_status=f, to_status=t, changed_by=actor, changed_at=timezone.now()
            ),
        )


def last_completed_assessment(pupil):
    """The day the pupil's last finished assessment ended (a decision, a refusal or a final plan)."""
    done = (
        EhcNeedsAssessment.objects.current()
        .filter(pupil=pupil, status__in=("refused", "not_issuing", "issued"))
        .order_by("-request_date")
        .first()
    )
    if done is None:
        return None
    return done.final_issued_on or done.decision_not_to_issue_on or done.decided_on


@transaction.atomic
def assessment_open(
    *, actor, pupil, local_authority, requested_by, request_date, la_received_on=None, notes=""
):
    if local_authority.trust_id != pupil.school.trust_id:
        raise ValidationError({"local_authority": "Choose a local authority of this trust."})
    assessment = EhcNeedsAssessment(
        school=pupil.school,
        pupil=pupil,
        local_authority=local_authority,
        requested_by=requested_by,
        request_date=request_date,
        notes=notes,
        created_by=actor,
        reassessment_flagged=rules.reassessment_too_soon(
            last_completed=last_completed_assessment(pupil), requested=request_date
        ),
    )
    save_audited(actor=actor, instance=assessment, action="send.assessment.opened", pupil=pupil)
    AssessmentStatusChange.objects.create(
        assessment=assessment,
        from_status="",
        to_status="requested",
        changed_by=actor,
        changed_at=timezone.now(),
    )
    if la_received_on:
        assessment.la_received_on = la_received_on
        assessment.full_clean()
        assessment.save(update_fields=["la_received_on"])
        _move_to(assessment, "received", actor=actor)
    return assessment


@transaction.atomic
def assessment_record_steps(*, actor, assessment: EhcNeedsAssessment, expected_version=None, **fields):
    assessment = EhcNeedsAssessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.withdrawn_at:
        raise ValidationError("This assessment was withdrawn.")
    unknown = set(fields) - set(STEP_FIELDS)
    if unknown:
        raise ValueError(f"Not a step: {sorted(unknown)}")
    assessment, before = with_changes(assessment, expected_version=expected_version, new=None, fields=fields)
    target = _status_for(assessment)
    save_audited(
        actor=actor,
        instance=assessment,
        action="send.assessment.step_recorded",
        before=before,
        pupil=assessment.pupil,
    )
    if target != assessment.status:
        _move_to(assessment, target, actor=actor)
    return assessment


@transaction.atomic
def assessment_exception_record(*, actor, assessment: EhcNeedsAssessment, step: str, reason: str):
    if not reason.strip():
        raise ValidationError({"reason": "Say why the step is excepted from the time limit."})
    if StatutoryException.objects.filter(assessment=assessment, step=step).exists():
        raise ValidationError({"step": "An exception is already recorded for this step."})
    row = StatutoryException(assessment=assessment, step=step, reason=reason.strip(), recorded_by=actor)
    row.full_clean()
    row.save()
    audit.record(
        actor=actor,
        action="send.assessment.exception_recorded",
        obj=row,
        after=audit.snapshot(row),
        reason=row.reason,
        school=assessment.school,
        pupil=assessment.pupil,
    )
    return row
