"""Carrying out one night's ``Plan`` for one school: ``write_night``.

Each step writes one kind of change with bulk statements (``nightly_bulk.bulk_insert`` and bulk
updates), in this order: new cases, moves between tiers, closes, their tier changes, status events and
checklist actions, the alerts that need the case, overdue actions, the audit rows, this week's bands,
and last all the night's alerts. ``beat`` is called after each step, so a long run shows it is alive
(``nightly_heartbeat``). The school row is locked by the caller, so the cases cannot change under us.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from django.utils import timezone

from school import audit
from school.models import Role

from . import nightly_ehcp, tiers, transitions, triggers
from .models import Alert, Case, CaseAction, CaseStatusEvent, PupilWeekBand, TierAction, TierChange
from .nightly_bulk import bulk_insert
from .nightly_plan import Figures, Plan
from .nightly_window import NightlyWindow
from .triggers import AlertDraft, Kind

Row = dict[str, Any]


class CaseRef(NamedTuple):
    """A case as the writes need it: its id and pupil (no model instance to build)."""

    pk: int
    pupil_id: int


AnyCase = Case | CaseRef


@dataclass
class Writes:
    """What the steps have written so far, and the rows still to insert at the end."""

    school: Any
    window: NightlyWindow
    now: datetime
    counts: dict[str, int] = field(
        default_factory=lambda: {"cases_opened": 0, "escalated": 0, "stepped_down": 0, "cases_closed": 0}
    )
    audit_entries: dict[str, list[Row]] = field(
        default_factory=lambda: {"opened": [], "escalated": [], "stepped_down": [], "closed": []}
    )
    tier_changes: list[Row] = field(default_factory=list)
    status_events: list[Row] = field(default_factory=list)
    #: case, from, to, figures: the cases that entered a tier tonight and need its checklist.
    entered: list[tuple[AnyCase, int | None, int, Figures]] = field(default_factory=list)

    def tier_change(self, case: AnyCase, from_tier: int | None, to_tier: int, figures: Figures) -> None:
        self.tier_changes.append(
            {
                "case_id": case.pk,
                "from_tier": from_tier,
                "to_tier": to_tier,
                "changed_on": self.window.on,
                "figures": figures,
                "at": self.now,
            }
        )

    def status_event(self, case: AnyCase, from_status: str, to_status: str, reason: str) -> None:
        self.status_events.append(
            {
                "case_id": case.pk,
                "from_status": from_status,
                "to_status": to_status,
                "on": self.window.on,
                "reason": reason,
                "at": self.now,
            }
        )


def _no_beat() -> None:
    return None


def write_night(
    *,
    school,
    window: NightlyWindow,
    plan: Plan,
    templates: Sequence[TierAction],
    response_settings,
    beat: Callable[[], None] = _no_beat,
) -> dict[str, int]:
    w = Writes(school=school, window=window, now=timezone.now())
    steps: list[Callable[[], None]] = [
        lambda: _open_cases(w, plan),
        lambda: _move_cases(w, plan),
        lambda: _close_cases(w, plan),
        lambda: _insert_history(w, templates),
        lambda: _entry_alerts(w, plan),
        lambda: plan.alerts.extend(
            _escalate_overdue(school=school, window=window, settings=response_settings)
        ),
        lambda: _record_audit(w),
        lambda: _write_week_bands(plan),
    ]
    for step in steps:
        step()
        beat()
    plan.alerts += nightly_ehcp.request_reviews(
        school=school,
        on=window.on,
        now=w.now,
        falls=[
            (case.pupil_id, from_tier, to_tier, f"case{case.pk}", figs)
            for case, from_tier, to_tier, figs in w.entered
            if from_tier is None or to_tier > from_tier
        ],
        review_from_tier=response_settings.ehcp_review_from_tier,
    )
    beat()
    w.counts["alerts"] = _insert_alerts(school=school, on=window.on, drafts=plan.alerts)
    return w.counts


# --- the steps ---------------------------------------------------------------------------------------
def _open_cases(w: Writes, plan: Plan) -> None:
    """New cases. The partial unique index (one open case per pupil) makes a racing insert a no-op."""
    if not plan.new_cases:
        return
    transitions.CASE.check("", Case.Status.OPEN)
    on = w.window.on
    rows = [
        {
            "school_id": w.school.pk,
            "pupil_id": pid,
            "current_tier": tier,
            "opened_on": on,
            "opened_at": w.now,
            "tier_changed_on": on,
        }
        for pid, (tier, _) in plan.new_cases.items()
    ]
    bulk_insert(Case, rows)
    created = Case.objects.open().filter(school=w.school, pupil_id__in=list(plan.new_cases), opened_on=on)
    for pk, pupil_id in created.values_list("pk", "pupil_id").order_by():
        case = CaseRef(pk, pupil_id)
        tier, figs = plan.new_cases[case.pupil_id]
        w.counts["cases_opened"] += 1
        w.tier_change(case, None, tier, figs)
        w.status_event(case, "", "open", "Nightly checks")
        w.entered.append((case, None, tier, figs))
        w.audit_entries["opened"].append(_audit_entry(case, None, tier, figs))


def _move_cases(w: Writes, plan: Plan) -> None:
    """Moves between tiers (the school row is locked, so these rows cannot change under us)."""
    moved = []
    for case, from_tier, to_tier, figs in plan.moves:
        case.current_tier, case.tier_changed_on = to_tier, w.window.on
        moved.append(case)
        key = "escalated" if to_tier > from_tier else "stepped_down"
        w.counts[key] += 1
        w.tier_change(case, from_tier, to_tier, figs)
        w.entered.append((case, from_tier, to_tier, figs))
        w.audit_entries[key].append(_audit_entry(case, from_tier, to_tier, figs))
    if moved:
        Case.objects.bulk_update(moved, ["current_tier", "tier_changed_on"])


def _close_cases(w: Writes, plan: Plan) -> None:
    on, closed = w.window.on, []
    for case, reason, figs in plan.closes:
        transitions.CASE.check(case.status, Case.Status.CLOSED)
        from_tier = case.current_tier
        case.status, case.closed_on, case.close_reason = Case.Status.CLOSED, on, reason
        case.current_tier, case.tier_changed_on = tiers.UNIVERSAL, on
        closed.append(case)
        w.counts["cases_closed"] += 1
        w.tier_change(case, from_tier, tiers.UNIVERSAL, figs)
        w.status_event(case, "open", "closed", reason)
        entry = _audit_entry(case, from_tier, tiers.UNIVERSAL, figs)
        w.audit_entries["closed"].append({**entry, "reason": reason})
    if closed:
        Case.objects.bulk_update(
            closed, ["status", "closed_on", "close_reason", "current_tier", "tier_changed_on"]
        )


def _insert_history(w: Writes, templates: Sequence[TierAction]) -> None:
    """The tier changes and status events of tonight's cases, and each entered tier's checklist."""
    bulk_insert(TierChange, w.tier_changes)
    bulk_insert(CaseStatusEvent, w.status_events)
    bulk_insert(CaseAction, _actions_for(w.entered, templates, w.window))


def _entry_alerts(w: Writes, plan: Plan) -> None:
    """Alerts that need the case: tier entered or worse (for the attendance officer) and SEND routing
    (the early review of an EHC plan is asked for after the other steps: nightly_ehcp)."""
    for case, from_tier, to_tier, figs in w.entered:
        if from_tier is not None and to_tier <= from_tier:
            continue
        plan.alerts.append((case.pupil_id, _tier_alert(case, from_tier, to_tier, figs)))
        routed = triggers.send_alerts(
            provision=plan.send_provision.get(case.pupil_id, "N"),
            from_tier=from_tier,
            to_tier=to_tier,
            case_key=f"case{case.pk}",
            figures=figs,
        )
        plan.alerts += [(case.pupil_id, draft) for draft in routed]


def _record_audit(w: Writes) -> None:
    for key, entries in w.audit_entries.items():
        if entries:
            audit.record_bulk(
                actor=None, action=f"graduated_response.case.{key}", entries=entries, school=w.school
            )


def _write_week_bands(plan: Plan) -> None:
    bulk_insert(
        PupilWeekBand,
        plan.week_bands,
        unique_fields=("pupil_id", "week_start"),
        update_fields=("worst_tier", "last_tier"),
    )


# --- rows and drafts ---------------------------------------------------------------------------------
def _audit_entry(case: AnyCase, from_tier: int | None, to_tier: int, figs: Figures) -> Row:
    return {
        "object_type": "graduated_response.case",
        "object_id": case.pk,
        "object_repr": f"Attendance case for pupil {case.pupil_id}",
        "pupil_id": case.pupil_id,
        "before": {"tier": from_tier},
        "after": {"tier": to_tier, "figures": figs},
        "reason": "Nightly attendance checks",
    }


def _tier_alert(case: AnyCase, from_tier: int | None, to_tier: int, figs: Figures) -> AlertDraft:
    pct = figs.get("attendance_pct")
    if from_tier is None:
        text = (
            f"Attendance is {pct}% this year, which is in {tiers.tier_name(to_tier)}. A case has been opened"
        )
    else:
        text = f"Attendance has fallen to {pct}%: the case moves from {tiers.tier_name(from_tier)} to {tiers.tier_name(to_tier)}"
    return AlertDraft(
        kind=Kind.TIER_ENTERED,
        period_key=f"case{case.pk}-tier{to_tier}",
        message=f"{text} with the checklist for {tiers.tier_name(to_tier)}. Name a key adult if there is none.",
        figures=figs,
        for_roles=(Role.ATTENDANCE_OFFICER,),
    )


def checklist_tiers(from_tier: int | None, to_tier: int) -> range:
    """The tiers whose checklists a case gets when it enters ``to_tier`` from ``from_tier``.

    A case that opens straight into a high tier, or falls several tiers in a night, also gets the
    earlier tiers' groundwork (telling the parents, a key adult, checking for vulnerabilities): the
    seed policy's tiers build on each other, and a Tier 5 case whose family was never told would skip
    them. Actions the case already has (done or not) are not added again (one per template per case).
    A step down gets only the tier it steps down to.

    >>> list(checklist_tiers(None, 5)), list(checklist_tiers(2, 4)), list(checklist_tiers(4, 2))
    ([1, 2, 3, 4, 5], [3, 4], [2])
    """
    if from_tier is None or to_tier > from_tier:
        return range(max(from_tier or 0, 0) + 1, to_tier + 1)
    return range(to_tier, to_tier + 1)


def _actions_for(entered, templates: Sequence[TierAction], window: NightlyWindow) -> list[Row]:
    by_tier: dict[int, list[TierAction]] = {}
    for template in templates:
        by_tier.setdefault(template.tier, []).append(template)
    # The due date depends only on the template: work it out once, not once per case.
    due = {t.pk: window.school_days_after(t.target_school_days) for t in templates}
    return [
        {
            "case_id": case.pk,
            "template_id": template.pk,
            "tier": template.tier,
            "text": template.text,
            "responsible_role": template.responsible_role,
            "due_on": due[template.pk],
        }
        for case, from_tier, to_tier, _ in entered
        for tier in checklist_tiers(from_tier, to_tier)
        for template in by_tier.get(tier, [])
    ]


def roles_field(roles: Iterable[str]) -> str:
    """Roles as ``Alert.for_roles`` stores them: ",a,b," (so a LIKE ",role," finds one)."""
    return "," + ",".join(str(r) for r in roles) + ","


# --- overdue actions and alerts ----------------------------------------------------------------------
def _escalate_overdue(*, school, window: NightlyWindow, settings) -> list[tuple[int | None, AlertDraft]]:
    """Overdue actions go to the attendance officer; after more school days, to the headteacher.
    Conditional updates (``escalation`` below the new level) so a repeat changes nothing. The
    escalated actions appear on that role's "My work"; one summary alert per level per night says so
    (an alert per action would bury the ones that matter)."""
    head_cutoff = window.school_days_after(-settings.headteacher_after_days)
    open_actions = CaseAction.objects.filter(
        case__school=school, case__status=Case.Status.OPEN, done_at__isnull=True
    )
    steps = [
        (CaseAction.Escalation.HEADTEACHER, Role.HEADTEACHER, open_actions.filter(due_on__lt=head_cutoff)),
        (
            CaseAction.Escalation.ATTENDANCE_OFFICER,
            Role.ATTENDANCE_OFFICER,
            open_actions.filter(due_on__lt=window.on),
        ),
    ]
    drafts: list[tuple[int | None, AlertDraft]] = []
    for level, role, qs in steps:
        ids = list(qs.filter(escalation__lt=level).values_list("pk", flat=True))
        if not ids:
            continue
        n = CaseAction.objects.filter(pk__in=ids, escalation__lt=level).update(
            escalation=level, escalated_to=role
        )
        drafts.append((None, _overdue_draft(window, int(level), role, ids, n)))
    return drafts


def _overdue_draft(window: NightlyWindow, level: int, role: Role, ids: list[int], n: int) -> AlertDraft:
    return AlertDraft(
        kind=Kind.ACTION_OVERDUE,
        period_key=f"{window.on.isoformat()}-level{level}",
        message=(
            f"{n} checklist action{'s are' if n != 1 else ' is'} overdue and now with the "
            f"{role.label.lower()}: see My work."
        ),
        figures={"actions": ids[:200], "level": level},
        for_roles=(role,),
    )


def _insert_alerts(*, school, on, drafts: list[tuple[int | None, AlertDraft]]) -> int:
    if not drafts:
        return 0
    before = Alert.objects.filter(school=school, created_on=on).count()
    open_cases = dict(
        Case.objects.open()
        .filter(school=school, pupil_id__in={p for p, _ in drafts if p})
        .values_list("pupil_id", "pk")
    )
    now = timezone.now()
    rows = [
        {
            "school_id": school.pk,
            "pupil_id": pupil_id,
            "case_id": open_cases.get(pupil_id),
            "kind": d.kind,
            "period_key": d.period_key,
            "message": d.message,
            "figures": d.figures,
            "for_roles": roles_field(d.for_roles),
            "created_on": on,
            "created_at": now,
        }
        for pupil_id, d in drafts
    ]
    bulk_insert(Alert, rows)
    return Alert.objects.filter(school=school, created_on=on).count() - before
