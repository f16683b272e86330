"""Follow-up tasks from a triage: created with it, then done, withdrawn (with a reason) or restored.

Action codes: send.followuptask.created, .done, .withdrawn, .restored. Status moves go through
send/follow_up_tasks.STATUSES (school.transitions.move), each with a FollowUpTaskChange row. The
teacher who raised the concern is told in-app (an "outcome" task on their My work) and by an e-mail
through the outbox (letters.services.email_create) when they have an address.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from letters.models import Email
from school import audit, policy, transitions, withdrawal

from .. import follow_up_tasks as rules
from ..emails import email_create
from ..models import Concern
from ..models_tasks import FollowUpTask, FollowUpTaskChange


def _audit(*, actor, task: FollowUpTask, verb: str, before=None, reason: str = "") -> None:
    audit.record(
        actor=actor,
        action=f"send.followuptask.{verb}",
        obj=task,
        before=before,
        after=audit.snapshot(task),
        reason=reason,
        school=task.school,
    )


def follow_up_tasks_from_triage(
    *, actor, concern: Concern, monitoring_review_by: date | None
) -> list[FollowUpTask]:
    """One task per promise of the triage (send/follow_up_tasks.follow_ups), in the caller's
    transaction; the SENDCo's for the promises, the raiser's for the outcome. Once per concern and kind."""
    now = timezone.now()
    promised = rules.follow_ups(
        observe_on=concern.observe_on if concern.observe else None,
        progress_meeting_on=concern.progress_meeting_on if concern.discuss_at_progress_meeting else None,
        parents_meeting_on=concern.parents_meeting_on if concern.meet_parents else None,
        monitoring_review_by=monitoring_review_by,
        triaged_on=timezone.localdate(),
    )
    made = []
    for follow_up in promised:
        if follow_up.for_raiser and concern.raised_by_id == actor.pk:
            continue  # the SENDCo who raised the concern and triaged it knows the decision
        task = FollowUpTask(
            school=concern.school,
            pupil=concern.pupil,
            concern=concern,
            kind=follow_up.kind,
            due_on=follow_up.due_on,
            assigned_to=concern.raised_by if follow_up.for_raiser else actor,
            created_at=now,
        )
        task.full_clean()  # one per concern and kind (a constraint): a triage happens once
        task.save()
        _audit(actor=actor, task=task, verb="created")
        made.append(task)
    raiser = concern.raised_by
    if any(t.kind == rules.OUTCOME for t in made) and raiser.email:
        email_create(
            actor=actor,
            pupil=concern.pupil,
            kind=Email.Kind.CONCERN_OUTCOME,
            to=raiser.email,
            subject=f"Your concern about {concern.pupil.display_name} has been triaged",
            body=render_to_string("send/email/concern_outcome.txt", {"concern": concern, "raiser": raiser}),
        )
    return made


def _move(task: FollowUpTask, to: str, *, actor, verb: str, note: str = "", fields: dict) -> FollowUpTask:
    locked = FollowUpTask.objects.select_for_update().get(pk=task.pk)
    before = audit.snapshot(locked)
    for name, value in fields.items():
        setattr(locked, name, value)

    def save():
        locked.full_clean()
        locked.save()
        _audit(actor=actor, task=locked, verb=verb, before=before, reason=note)

    try:
        transitions.move(
            table=rules.STATUSES,
            obj=locked,
            to=to,
            save=save,
            from_state=before["status"],
            history=lambda f, t: FollowUpTaskChange(
                task=locked,
                from_status=f,
                to_status=t,
                note=note[:500],
                changed_by=actor,
                changed_at=timezone.now(),
            ),
        )
    except transitions.IllegalMove as exc:
        raise ValidationError(exc.messages) from None
    return locked


@transaction.atomic
def follow_up_task_done(*, actor, task: FollowUpTask, note: str = "") -> FollowUpTask:
    """Mark a task done (once: a second press is told it is already done)."""
    return _move(
        task,
        rules.DONE,
        actor=actor,
        verb="done",
        note=(note or "").strip(),
        fields={"done_by": actor, "done_at": timezone.now(), "note": (note or "").strip()[:500]},
    )


@transaction.atomic
def follow_up_task_withdraw(*, actor, task: FollowUpTask, reason: str) -> FollowUpTask:
    """Withdraw a task no longer needed, with a reason (never deleted)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why this is being withdrawn."})
    if len(reason) > withdrawal.MAX_REASON_CHARS:
        raise ValidationError({"reason": f"Keep the reason under {withdrawal.MAX_REASON_CHARS} characters."})
    return _move(
        task,
        rules.WITHDRAWN,
        actor=actor,
        verb="withdrawn",
        note=reason,
        fields={"withdrawn_by": actor, "withdrawn_at": timezone.now(), "withdrawal_reason": reason},
    )


@transaction.atomic
def follow_up_task_restore(*, actor, task: FollowUpTask) -> FollowUpTask:
    """Restore a withdrawn task: the SENDCo or the headteacher, within 30 days (school.withdrawal)."""
    if not policy.roles_at(actor, task.school) & withdrawal.RESTORERS:
        raise PermissionDenied("Only the SENDCo or the headteacher can restore a withdrawn task.")
    if task.withdrawn_at and not withdrawal.restorable(task.withdrawn_at, now=timezone.now()):
        raise ValidationError(
            f"It is more than {withdrawal.RESTORE_DAYS} days since this was withdrawn; it can no longer be restored."
        )
    return _move(
        task,
        rules.OPEN,
        actor=actor,
        verb="restored",
        fields={"withdrawn_by": None, "withdrawn_at": None, "withdrawal_reason": ""},
    )
