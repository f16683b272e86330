"""Every write to graduated response records made by a person: tier bands and settings, checklist
actions, the key adult, the communication log, alerts and closing a case. Each service is keyword-only,
atomic, validates, and writes its audit row(s). The nightly run's service,
``nightly_checks_run``, lives in ``graduated_response.nightly`` to keep this module short.

Audit action codes: graduated_response.tier_bands.changed, graduated_response.action.done,
graduated_response.case.key_adult_set, graduated_response.communication.added,
graduated_response.alert.acknowledged, graduated_response.case.opened / .escalated / .stepped_down /
.closed (the last four also from the nightly run, with no actor), graduated_response.tier_action.created
/ .updated / .deactivated (a school editing its tier checklists).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from school import audit, editing, policy
from school.models import Role, School
from school.transitions import move

from . import tiers, transitions
from .defaults import DEFAULT_ACTIONS, TIER_DESCRIPTIONS
from .models import (
    Alert,
    Case,
    CaseAction,
    CaseStatusEvent,
    CommunicationLog,
    ResponseSettings,
    TierAction,
    TierBand,
)
from .triggers import OUTCOME_REQUIRED, Kind


# --- tiers as data ------------------------------------------------------------------------------------
class SchoolNotSetUp(Exception):
    """A school without its tier bands: it was not created through school_create."""


def tier_bands_of(school: School) -> tuple[list[TierBand], ResponseSettings]:
    """The school's bands and settings (read only: they were created with the school)."""
    bands = list(TierBand.objects.filter(school=school).order_by("tier"))
    settings_row = ResponseSettings.objects.filter(school=school).first()
    if len(bands) != len(tiers.DEFAULT_BANDS) or settings_row is None:
        raise SchoolNotSetUp(f"{school} has no tier bands: run `manage.py set_up_schools`.")
    return bands, settings_row


def tier_bands_create_defaults(school: School) -> None:
    """The seed's tier bands, settings and checklists for a new school (a school set-up step).

    Idempotent and race-safe: inserts ignore rows that already exist (unique per school and tier).
    """
    with transaction.atomic():
        TierBand.objects.bulk_create(
            [
                TierBand(
                    school=school,
                    tier=b.tier,
                    low_pct=b.low,
                    high_pct=b.high,
                    description=TIER_DESCRIPTIONS[b.tier],
                )
                for b in tiers.DEFAULT_BANDS
            ],
            ignore_conflicts=True,
        )
        ResponseSettings.objects.get_or_create(school=school)
        if not TierAction.objects.filter(school=school).exists():
            TierAction.objects.bulk_create(
                [
                    TierAction(
                        school=school,
                        tier=tier,
                        order=i,
                        text=text,
                        responsible_role=role,
                        target_school_days=days,
                    )
                    for tier, items in DEFAULT_ACTIONS.items()
                    for i, (text, role, days) in enumerate(items)
                ]
            )


def bands_of(rows) -> tuple[tiers.Band, ...]:
    return tuple(tiers.Band(r.tier, Decimal(r.low_pct), Decimal(r.high_pct)) for r in rows)


@transaction.atomic
def tier_bands_update(
    *,
    actor,
    school: School,
    ranges: dict[int, tuple[Decimal, Decimal]],
    min_possible_sessions: int,
    step_down_weeks: int,
    ehcp_review_from_tier: int | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> list[TierBand]:
    """Replace the school's band ranges and settings. Bands must tile 0.0-100.0 with no gap or overlap;
    problems are raised as a ValidationError keyed ``tier_<n>`` (nothing is saved). An
    `ehcp_review_from_tier` of None leaves that setting as it is."""
    bands, settings_row = tier_bands_of(school)
    editing.ensure_unchanged(*bands, settings_row, expected_version=expected_version)
    proposed = [tiers.Band(tier, Decimal(low), Decimal(high)) for tier, (low, high) in sorted(ranges.items())]
    problems = tiers.band_problems(proposed)
    if set(ranges) != {b.tier for b in tiers.DEFAULT_BANDS}:
        problems[0] = "Every tier from Universal to Tier 5 needs a range."
    if problems:
        raise ValidationError({f"tier_{tier}": message for tier, message in problems.items()})
    rows = {b.tier: b for b in TierBand.objects.select_for_update().filter(school=school)}
    before = {
        "bands": {str(t): [str(r.low_pct), str(r.high_pct)] for t, r in sorted(rows.items())},
        "min_possible_sessions": settings_row.min_possible_sessions,
        "step_down_weeks": settings_row.step_down_weeks,
        "ehcp_review_from_tier": settings_row.ehcp_review_from_tier,
    }
    for band in proposed:
        row = rows[band.tier]
        row.low_pct, row.high_pct = band.low, band.high
        row.full_clean()
    TierBand.objects.bulk_update(rows.values(), ["low_pct", "high_pct"])
    settings_row.min_possible_sessions = min_possible_sessions
    settings_row.step_down_weeks = step_down_weeks
    if ehcp_review_from_tier is not None:
        settings_row.ehcp_review_from_tier = ehcp_review_from_tier
    settings_row.full_clean()
    settings_row.save(update_fields=["min_possible_sessions", "step_down_weeks", "ehcp_review_from_tier"])
    after = {
        "bands": {str(b.tier): [str(b.low), str(b.high)] for b in proposed},
        "min_possible_sessions": min_possible_sessions,
        "step_down_weeks": step_down_weeks,
        "ehcp_review_from_tier": settings_row.ehcp_review_from_tier,
    }
    audit.record(
        actor=actor,
        action="graduated_response.tier_bands.changed",
        obj=settings_row,
        school=school,
        before=before,
        after=after,
        reason=reason,
    )
    return sorted(rows.values(), key=lambda r: r.tier)


# --- tier checklists ------------------------------------------------------------------------------------
#: Roles an action can be given to: those who see "My work" (a governor sees no pupil's case).
ASSIGNABLE_ROLES = tuple(r for r in Role if policy.VIEW_PUPILS in policy.ROLE_CAPABILITIES.get(r, ()))
CASE_TIERS = range(1, 6)  # Universal has no case, so no checklist
MAX_TARGET_SCHOOL_DAYS = 190  # a school year


def _tier_action_check(action: TierAction) -> None:
    action.text = action.text.strip()
    problems: dict[str, str | list[str]] = {}
    if action.tier not in CASE_TIERS:
        problems["tier"] = "Checklists belong to Tiers 1 to 5."
    if action.responsible_role not in ASSIGNABLE_ROLES:
        problems["responsible_role"] = "Choose a member of staff's role; governors do not see cases."
    if not 1 <= action.target_school_days <= MAX_TARGET_SCHOOL_DAYS:
        problems["target_school_days"] = f"Give a number of school days from 1 to {MAX_TARGET_SCHOOL_DAYS}."
    try:
        action.full_clean()
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            problems.setdefault(field, messages)
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def tier_action_create(
    *,
    actor,
    school: School,
    tier: int,
    text: str,
    responsible_role: str,
    target_school_days: int,
    order: int | None = None,
) -> TierAction:
    """Add an action to a tier's checklist (at the end unless ``order`` is given). Cases entering the
    tier from the next nightly run onwards get it; open cases already in the tier do not."""
    if order is None:
        last = TierAction.objects.filter(school=school, tier=tier).order_by("-order").first()
        order = last.order + 1 if last else 0
    action = TierAction(
        school=school,
        tier=tier,
        order=order,
        text=text,
        responsible_role=responsible_role,
        target_school_days=target_school_days,
    )
    _tier_action_check(action)
    action.save()
    audit.record(
        actor=actor,
        action="graduated_response.tier_action.created",
        obj=action,
        school=school,
        after=audit.snapshot(action),
    )
    return action


@transaction.atomic
def tier_action_update(
    *,
    actor,
    action: TierAction,
    text: str,
    responsible_role: str,
    target_school_days: int,
    order: int,
    expected_version: int | None = None,
) -> TierAction:
    """Change a checklist action's wording, role, target or place. Actions already copied onto cases
    keep what they said when they were copied (the case records what was asked of whom)."""
    action = TierAction.objects.select_for_update().get(pk=action.pk)
    editing.ensure_unchanged(action, expected_version=expected_version)
    before = audit.snapshot(action)
    action.text, action.responsible_role = text, responsible_role
    action.target_school_days, action.order = target_school_days, order
    _tier_action_check(action)
    after = audit.snapshot(action)
    if after == before:
        return action
    action.save(update_fields=["text", "responsible_role", "target_school_days", "order"])
    audit.record(
        actor=actor,
        action="graduated_response.tier_action.updated",
        obj=action,
        school=action.school,
        before=before,
        after=after,
    )
    return action


@transaction.atomic
def tier_action_deactivate(*, actor, action: TierAction, reason: str = "") -> bool:
    """Take an action off its tier's checklist for new cases (conditional update: twice is once). The
    row stays, so cases that already carry it keep their link to it."""
    updated = TierAction.objects.filter(pk=action.pk, is_active=True).update(is_active=False)
    if updated:
        action.refresh_from_db()
        audit.record(
            actor=actor,
            action="graduated_response.tier_action.deactivated",
            obj=action,
            school=action.school,
            before={"is_active": True},
            after={"is_active": False},
            reason=reason,
        )
    return bool(updated)


# --- case work ------------------------------------------------------------------------------------------
@transaction.atomic
def case_action_complete(*, actor, action: CaseAction, note: str = "") -> CaseAction:
    """Mark a checklist action done, once: of two people ticking it, the second is told who did it
    first (school.editing.ensure_still) and their note is not saved over the first one."""
    editing.ensure_still(action, done="This action was already marked as done", done_at=None)
    now = timezone.now()
    CaseAction.objects.filter(pk=action.pk, done_at__isnull=True).update(
        done_at=now, done_by=actor, done_note=note.strip()
    )
    action.refresh_from_db()
    audit.record(
        actor=actor,
        action="graduated_response.action.done",
        obj=action,
        school=action.case.school,
        pupil=action.case.pupil,
        before={"done_at": None},
        after={"done_at": now.isoformat(), "note": action.done_note},
    )
    return action


@transaction.atomic
def case_key_adult_set(
    *, actor, school: School, cases, key_adult, expected_version: int | None = None
) -> int:
    """Name the key adult on several open cases at once (one audit row per case). Refused if any of
    them changed after the page was opened (`expected_version`, school.editing)."""
    cases = list(cases.select_for_update().filter(school=school, status=Case.Status.OPEN))
    editing.ensure_unchanged(*cases, expected_version=expected_version)
    changed = [c for c in cases if c.key_adult_id != (key_adult.pk if key_adult else None)]
    entries = [
        {
            "object_type": "graduated_response.case",
            "object_id": c.pk,
            "object_repr": str(c),
            "pupil_id": c.pupil_id,
            "before": {"key_adult": c.key_adult_id},
            "after": {"key_adult": key_adult.pk if key_adult else None},
        }
        for c in changed
    ]
    Case.objects.filter(pk__in=[c.pk for c in changed]).update(key_adult=key_adult)
    if entries:
        audit.record_bulk(
            actor=actor, action="graduated_response.case.key_adult_set", entries=entries, school=school
        )
    return len(changed)


@transaction.atomic
def communication_log_add(
    *, actor, case: Case, kind: str, happened_on: date, with_whom: str, summary: str, letter=None
) -> CommunicationLog:
    """One entry in the case's log; a letter written for the case (from the case page, a meeting or a
    formal measure) is logged here too, linked to the letter."""
    entry = CommunicationLog(
        case=case,
        kind=kind,
        happened_on=happened_on,
        with_whom=with_whom.strip()[:200],
        summary=summary.strip(),
        recorded_by=actor,
        letter=letter,
    )
    entry.full_clean()
    if happened_on > timezone.localdate():
        raise ValidationError({"happened_on": "The date cannot be in the future."})
    entry.save()
    audit.record(
        actor=actor,
        action="graduated_response.communication.added",
        obj=entry,
        school=case.school,
        pupil=case.pupil,
        after=audit.snapshot(entry),
    )
    return entry


def _already_acknowledged(alert: Alert) -> str:
    about = f"{alert.kind_label} for {alert.pupil}" if alert.pupil_id else alert.kind_label
    return f"The alert \u2018{about}\u2019 was already acknowledged"


@transaction.atomic
def alerts_acknowledge(
    *, actor, school: School, alerts, expected_open: bool = False, outcome: str = ""
) -> int:
    """Acknowledge open alerts (conditional update, so two people clicking at once count once),
    recording ``outcome``: what was done ("LA told on 2 Dec by phone"). An alert whose kind needs
    one (``triggers.OUTCOME_REQUIRED``: a home visit or a return to the local authority) is refused
    without it, beside the outcome field.

    `expected_open`: the alerts were chosen on a page that showed them as new. If someone else
    acknowledged one since, nothing is saved and the user is told who did it and when
    (school.editing), rather than the tick quietly counting for nothing."""
    if expected_open:
        for alert in alerts.filter(school=school).order_by("pk"):
            editing.ensure_still(alert, done=_already_acknowledged, status=Alert.Status.OPEN)
    ids = list(alerts.filter(school=school, status=Alert.Status.OPEN).values_list("pk", flat=True))
    now = timezone.now()
    rows = list(Alert.objects.filter(pk__in=ids).values("pk", "pupil_id", "kind", "message"))
    outcome = outcome.strip()
    needing = sorted({Kind.LABELS.get(r["kind"], r["kind"]) for r in rows if r["kind"] in OUTCOME_REQUIRED})
    if needing and not outcome:
        named = ", ".join(f"\u2018{label}\u2019" for label in needing)
        raise ValidationError(
            {
                "outcome": f"Say what was done about {named}: who was told, when and how (for example: "
                "LA told on 2 Dec by phone)."
            }
        )
    if len(outcome) > 500:
        raise ValidationError({"outcome": "Say what was done in at most 500 characters."})
    updated = Alert.objects.filter(pk__in=ids, status=Alert.Status.OPEN).update(
        status=Alert.Status.ACKNOWLEDGED, acknowledged_by=actor, acknowledged_at=now, outcome=outcome
    )
    audit.record_bulk(
        actor=actor,
        action="graduated_response.alert.acknowledged",
        school=school,
        entries=[
            {
                "object_type": "graduated_response.alert",
                "object_id": row["pk"],
                "object_repr": row["message"][:300],
                "pupil_id": row["pupil_id"],
                "before": {"status": Alert.Status.OPEN},
                "after": {"status": Alert.Status.ACKNOWLEDGED, "outcome": outcome},
            }
            for row in rows
        ],
    )
    return updated


@transaction.atomic
def case_close(*, actor, case: Case, reason: str, on: date | None = None) -> Case:
    """Close a case by hand (for example: the pupil has left), with a reason."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the case is being closed."})
    # Two people closing one case: the second is told who closed it, and their reason is not recorded.
    case = editing.ensure_still(case, done="This case was already closed", status=Case.Status.OPEN)
    on = on or timezone.localdate()
    before = audit.snapshot(case)
    case.closed_on, case.close_reason = on, reason
    move(
        table=transitions.CASE,
        obj=case,
        to=Case.Status.CLOSED,
        save=lambda: case.save(update_fields=["status", "closed_on", "close_reason"]),
        history=lambda from_, to: CaseStatusEvent(
            case=case, from_status=from_, to_status=to, on=on, by=actor, reason=reason
        ),
    )
    audit.record(
        actor=actor,
        action="graduated_response.case.closed",
        obj=case,
        school=case.school,
        pupil=case.pupil,
        before=before,
        after=audit.snapshot(case),
        reason=reason,
    )
    # Whoever closes the case has dealt with its alerts; they would otherwise stay on everyone's
    # dashboard pointing at a closed case.
    alerts_acknowledge(
        actor=actor,
        school=case.school,
        alerts=case.alerts.all(),
        outcome=f"The case was closed: {reason}"[:500],
    )
    return case
