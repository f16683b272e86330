"""SEND writes for EHC plans: the trust's local authorities, the plan record (and the register status
it brings), its Section F lines, ceasing a plan and withdrawing one entered by mistake.

The register moves only through send_status_change (send/register_status.py), dated with the plan's own
issue or cease date, not the day it was typed.

Action codes: send.local_authority.*, send.ehc_plan.*, send.plan_line.*; the register moves audit as
send.register.status_changed.
"""

from __future__ import annotations

from datetime import date
from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from school import audit, editing, withdrawal
from school.models import Pupil

from .. import register_status, selectors
from ..models import EhcPlan, LocalAuthority, PlanProvisionLine, SendDocument, SendRecord
from .common import save_audited, with_changes
from .documents import document_upload
from .register import send_status_change

PLAN_FIELDS = (
    "local_authority",
    "la_officer_name",
    "la_officer_email",
    "needs_summary",
    "outcomes",
    "provision_summary",
    "health_and_care",
    "annual_funding",
    "funding_notes",
)
AFTER_CEASING = (register_status.SEN_SUPPORT, register_status.REMOVED)


# --- local authorities ----------------------------------------------------------------------------------
@transaction.atomic
def local_authority_save(
    *,
    actor,
    school,
    local_authority: LocalAuthority | None = None,
    expected_version: int | None = None,
    **fields,
) -> LocalAuthority:
    """Add or edit one of the trust's local authorities (the trust of `school`)."""
    la, before = with_changes(
        local_authority,
        expected_version=expected_version,
        new=lambda: LocalAuthority(trust=school.trust),
        fields=fields,
    )
    la.name = (la.name or "").strip()
    if LocalAuthority.objects.filter(trust_id=la.trust_id, name__iexact=la.name).exclude(pk=la.pk).exists():
        raise ValidationError({"name": "There is already a local authority with this name."})
    action = "send.local_authority.changed" if before else "send.local_authority.created"
    return save_audited(actor=actor, instance=la, action=action, before=before, school=school)


# --- the plan -------------------------------------------------------------------------------------------
def _date_problems(*, pupil: Pupil, issue_date: date | None) -> dict:
    if issue_date is None:
        return {"issue_date": "Give the date the final plan was issued."}
    if issue_date > timezone.localdate():
        return {"issue_date": "The issue date cannot be in the future."}
    if pupil.date_of_birth and issue_date < pupil.date_of_birth:
        return {
            "issue_date": f"The issue date cannot be before the pupil was born ({pupil.date_of_birth:%-d %B %Y})."
        }
    return {}


def _attach(*, actor, plan: EhcPlan, document_file) -> None:
    """Store the plan document through the one upload path (checked by content, private storage)."""
    try:
        document = document_upload(
            actor=actor,
            pupil=plan.pupil,
            uploaded_file=document_file,
            kind=SendDocument.Kind.EHC_PLAN,
            title=f"EHC plan issued {plan.issue_date:%-d %B %Y} ({plan.local_authority})",
            confidential=False,
        )
    except ValidationError as exc:
        # The plan forms call the upload field document_file.
        raise ValidationError({"document_file": exc.messages}) from None
    before = audit.snapshot(plan)
    plan.document = document
    save_audited(actor=actor, instance=plan, action="send.ehc_plan.document_attached", before=before)


@transaction.atomic
def ehc_plan_record(
    *,
    actor,
    pupil: Pupil,
    local_authority: LocalAuthority,
    issue_date: date,
    document_file=None,
    **fields,
) -> EhcPlan:
    """Record a final EHC plan and move the pupil's register status to E, with effect from the issue date.

    Refused: an issue date in the future or before the pupil was born; a pupil whose register status
    cannot move to EHC plan (monitoring or removed: add them to SEN support first); an issue date before
    the pupil's current register status began (the register would then be out of order); a second plan
    in force. A pupil already recorded as E keeps that status (and its date): the plan is recorded."""
    errors = _date_problems(pupil=pupil, issue_date=issue_date)
    if local_authority is not None and local_authority.trust_id != pupil.school.trust_id:
        errors["local_authority"] = "Choose one of the trust's local authorities."
    if errors:
        raise ValidationError(errors)
    record = SendRecord.objects.select_for_update().filter(pupil=pupil).first()
    current = record.status if record else register_status.NONE
    if current != register_status.EHC_PLAN and record is not None and record.status_since > issue_date:
        raise ValidationError(
            {
                "issue_date": f"The register shows {pupil} as {register_status.LABELS[current]} from "
                f"{record.status_since:%-d %B %Y}, after this issue date. Check the date on the plan."
            }
        )
    plan = EhcPlan(
        school=pupil.school,
        pupil=pupil,
        local_authority=local_authority,
        issue_date=issue_date,
        created_by=actor,
        created_at=timezone.now(),
        **{name: fields[name] for name in PLAN_FIELDS if name in fields and name != "local_authority"},
    )
    save_audited(actor=actor, instance=plan, action="send.ehc_plan.recorded")
    if current != register_status.EHC_PLAN:
        try:
            send_status_change(
                actor=actor,
                pupil=pupil,
                to_status=register_status.EHC_PLAN,
                reason=f"EHC plan issued by {local_authority} on {issue_date:%-d %B %Y}",
                on=issue_date,
            )
        except ValidationError as exc:
            # The form has no status field: say it at the top, as the register's own rule.
            raise ValidationError(exc.messages) from None
    if document_file:
        _attach(actor=actor, plan=plan, document_file=document_file)
    return plan


@transaction.atomic
def ehc_plan_update(
    *, actor, plan: EhcPlan, expected_version: int | None = None, document_file=None, **fields
) -> EhcPlan:
    """Edit the plan's authority, officer, sections and funding (a stale save is refused). The issue
    date is not edited here: the register status was moved with it, so a wrong date is corrected by
    withdrawing the plan and recording it again."""
    editing.ensure_unchanged(plan, expected_version=expected_version)
    plan = EhcPlan.objects.select_related("pupil", "local_authority").get(pk=plan.pk)
    if plan.is_withdrawn:
        raise ValidationError("This plan has been withdrawn.")
    la = fields.get("local_authority")
    if la is not None and la.trust_id != plan.pupil.school.trust_id:
        raise ValidationError({"local_authority": "Choose one of the trust's local authorities."})
    before = audit.snapshot(plan)
    for name in PLAN_FIELDS:
        if name in fields:
            setattr(plan, name, fields[name])
    save_audited(actor=actor, instance=plan, action="send.ehc_plan.changed", before=before)
    if document_file:
        _attach(actor=actor, plan=plan, document_file=document_file)
    return plan


@transaction.atomic
def ehc_plan_cease(
    *, actor, plan: EhcPlan, ceased_on: date, reason: str, then_status: str = register_status.SEN_SUPPORT
) -> EhcPlan:
    """The local authority ceased the plan: record the date and reason, and move the register status
    back to SEN support or off the register, with effect from the cease date."""
    locked = editing.ensure_still(
        plan, done="This plan was already ceased or withdrawn", ceased_on=None, withdrawn_at=None
    )
    errors = {}
    if then_status not in AFTER_CEASING:
        errors["then_status"] = "Choose SEN support or removal from the register."
    if ceased_on is None:
        errors["ceased_on"] = "Give the date the plan ceased."
    elif ceased_on > timezone.localdate():
        errors["ceased_on"] = "The date the plan ceased cannot be in the future."
    elif ceased_on < locked.issue_date:
        errors["ceased_on"] = f"A plan cannot cease before it was issued ({locked.issue_date:%-d %B %Y})."
    if not (reason or "").strip():
        errors["reason"] = "Say why the plan ceased."
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(locked)
    locked.ceased_on, locked.ceased_reason = ceased_on, reason.strip()
    save_audited(actor=actor, instance=locked, action="send.ehc_plan.ceased", before=before, reason=reason)
    if selectors.current_status(pupil=locked.pupil) == register_status.EHC_PLAN:
        try:
            send_status_change(
                actor=actor,
                pupil=locked.pupil,
                to_status=then_status,
                reason=f"EHC plan ceased on {ceased_on:%-d %B %Y}: {reason.strip()}",
                on=ceased_on,
            )
        except ValidationError as exc:
            raise ValidationError({"then_status": exc.messages}) from None
    return locked


@transaction.atomic
def ehc_plan_withdraw(*, actor, plan: EhcPlan, reason: str) -> EhcPlan:
    """Withdraw a plan recorded by mistake (school.withdrawal). If recording it moved the register
    to E and no other plan is in force, the status goes back to what it was (SEN support), from today;
    a pupil recorded with no status before cannot go back to none, so the register is left for the
    SENDCo to change (the page says so)."""
    withdrawn = cast(EhcPlan, withdrawal.record_withdraw(actor=actor, obj=plan, reason=reason))
    if selectors.current_status(pupil=plan.pupil) != register_status.EHC_PLAN:
        return withdrawn
    if EhcPlan.objects.in_force(timezone.localdate()).filter(pupil_id=plan.pupil_id).exists():
        return withdrawn
    moved_in = (
        SendRecord.objects.get(pupil_id=plan.pupil_id)
        .history.filter(to_status=register_status.EHC_PLAN)
        .order_by("-changed_at", "-id")
        .first()
    )
    back_to = moved_in.from_status if moved_in else ""
    if back_to in register_status.TRANSITIONS[register_status.EHC_PLAN]:
        send_status_change(
            actor=actor,
            pupil=plan.pupil,
            to_status=back_to,
            reason=f"EHC plan withdrawn (recorded by mistake): {reason.strip()}",
        )
    return withdrawn


@transaction.atomic
def ehc_plan_restore(*, actor, plan: EhcPlan, school) -> EhcPlan:
    """Restore a plan withdrawn by mistake (school.withdrawal: the SENDCo or the head, within 30 days;
    audited send.ehcplan.restored). Refused while the pupil has another plan not ceased (one in force
    at a time). A plan not ceased puts the register back to EHC plan, from today: withdrawing it moved
    the status from that day, and the register's history cannot be re-dated behind a later move. When
    the register cannot move to EHC plan from where it is now (monitoring, removed), it is left for the
    SENDCo to change, as withdrawing leaves it."""
    other = (
        EhcPlan.objects.current()
        .filter(pupil_id=plan.pupil_id, ceased_on__isnull=True)
        .exclude(pk=plan.pk)
        .first()
    )
    if other is not None and plan.ceased_on is None:
        raise ValidationError(
            f"{plan.pupil} has another EHC plan (issued {other.issue_date:%-d %B %Y}): only one can be in "
            "force, so this one stays withdrawn."
        )
    restored = cast(EhcPlan, withdrawal.record_restore(actor=actor, obj=plan, school=school))
    day = timezone.localdate()
    if restored.ceased_on is not None and restored.ceased_on <= day:
        return restored
    current = selectors.current_status(pupil=restored.pupil)
    if current != register_status.EHC_PLAN and register_status.EHC_PLAN in register_status.TRANSITIONS.get(
        current, {}
    ):
        send_status_change(
            actor=actor,
            pupil=restored.pupil,
            to_status=register_status.EHC_PLAN,
            reason=f"EHC plan issued {restored.issue_date:%-d %B %Y} restored (it was withdrawn by mistake)",
        )
    return restored


# --- Section F lines ------------------------------------------------------------------------------------
@transaction.atomic
def plan_line_save(
    *,
    actor,
    plan: EhcPlan,
    line: PlanProvisionLine | None = None,
    expected_version: int | None = None,
    interventions=(),
    **fields,
) -> PlanProvisionLine:
    """Add or edit one Section F line and the provision-map interventions that deliver it."""
    if plan.is_withdrawn:
        raise ValidationError("This plan has been withdrawn.")
    line, before = with_changes(
        line,
        expected_version=expected_version,
        new=lambda: PlanProvisionLine(plan=plan, created_by=actor, created_at=timezone.now()),
        fields=fields,
    )
    interventions = list(interventions or [])
    linked_before = sorted(line.interventions.values_list("pk", flat=True)) if line.pk else []
    if any(i.school_id != plan.school_id for i in interventions):
        raise ValidationError({"interventions": "Choose the school's own interventions."})
    line.full_clean()
    line.save()
    line.interventions.set(interventions)
    after = {**audit.snapshot(line), "interventions": sorted(i.pk for i in interventions)}
    if before is not None:
        before = {**before, "interventions": linked_before}
    audit.record(
        actor=actor,
        action="send.plan_line.changed" if before else "send.plan_line.added",
        obj=line,
        before=before,
        after=after,
        school=plan.school,
        pupil=plan.pupil,
    )
    return line
