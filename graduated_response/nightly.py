"""The nightly threshold checks for one school and one night: ``nightly_checks_run(school=, on=)``.

Set-based: a fixed number of queries per school whatever its size. It reads every on-roll pupil's
year-to-date figures from the statistics engine in one query (``statistics.school_pupil_totals``:
GROUP BY pupil over the school's marks, with the 10-week penalty count and the C2 and I counts in
the same pass), the window's absence and late marks in one more, then decides in memory, and writes
with one bulk insert per table (``bulk_insert``: one JSON parameter on PostgreSQL) and bulk updates:

* a pupil judged below Universal (after the minimum possible sessions) with no open case gets one;
* a case escalates at once to a worse tier, steps down only after the school weeks of sustained
  improvement (``tiers.next_tier``), and closes, with its reason, when the pupil is back in Universal;
* each new tier's checklist is copied onto the case; overdue actions go to the attendance officer and
  later the headteacher;
* alerts for the triggers in ``triggers`` and for SEND-aware routing.

Safe to repeat and to race: the whole run for a school is one transaction that first locks the
school row (so two workers on the same school take turns), and the unique constraints on cases
(one open per pupil), tier changes (one per case per night), actions (one per template per case) and
alerts (one per pupil, kind and period) make inserts of existing rows no-ops. A failure is recorded on
the ``NightlyRun`` row and does not escape, so a batch of schools carries on.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from school import audit
from school.calendar import SchoolCalendar, monday_of
from school.models import Role, School

from . import selectors, tiers, transitions, triggers
from .models import (
    Alert,
    Case,
    CaseAction,
    CaseStatusEvent,
    NightlyRun,
    PupilWeekBand,
    TierAction,
    TierChange,
)
from .services import bands_of, tier_bands_of
from .triggers import AlertDraft, Kind

logger = logging.getLogger(__name__)

MISSING_AFTER = timedelta(hours=26)
CATCH_UP_DAYS = 7
#: A run whose last heartbeat is older than this is dead: one night's work for one school is a single
#: transaction bounded by the school task's hard time limit (30 minutes, tasks.py), so a run still
#: "running" well past it lost its worker (killed, out of memory, a deploy) and its work rolled back.
ABANDON_AFTER = timedelta(minutes=45)


@dataclass
class Plan:
    """What tonight's run will write, decided in memory before any write."""

    new_cases: dict[int, tuple[int, dict]] = field(default_factory=dict)  # pupil -> (tier, figures)
    moves: list[tuple[Case, int, int, dict]] = field(default_factory=list)  # case, from, to, figures
    closes: list[tuple[Case, str, dict]] = field(default_factory=list)  # case, reason, figures
    alerts: list[tuple[int | None, AlertDraft]] = field(default_factory=list)  # pupil, draft
    send_provision: dict[int, str] = field(default_factory=dict)
    week_bands: list[dict] = field(default_factory=list)  # PupilWeekBand rows to insert or update
    evaluated: int = 0


def _roles(roles) -> str:
    return "," + ",".join(str(r) for r in roles) + ","


def _school_day_offset(calendar: SchoolCalendar, day: date, n: int) -> date:
    try:
        return calendar.add_school_days(day, n)
    except ValueError:  # the calendar does not reach that far: fall back to calendar weeks
        return day + timedelta(days=round(n * 7 / 5))


# --- deciding ---------------------------------------------------------------------------------------
def _plan(*, school, on, calendar, bands, response_settings, open_cases) -> Plan:
    plan = Plan()
    window = calendar.last_school_weeks(10, ending=on)
    window_start = window[0] if window else on
    year_start, pupils = selectors.school_figures(school=school, on=on, calendar=calendar)
    marks = selectors.pattern_marks(school=school, start=window_start, end=on)
    calls = selectors.absence_calls(school=school, since=window_start, on=on)
    sessions = calendar.sessions_between(window_start, on)
    this_week = monday_of(on)
    week_sessions = [s for s in sessions if s[0] >= this_week]
    school_weeks = calendar.school_weeks_between(window_start - timedelta(weeks=30), on)
    recent_mondays = [m for m in school_weeks if m < this_week][-response_settings.step_down_weeks :]
    is_school_week = this_week in school_weeks
    week_rows = {  # (pupil, monday) -> (worst tier, last tier)
        (pupil_id, monday): (worst, last)
        for pupil_id, monday, worst, last in PupilWeekBand.objects.filter(
            school=school, week_start__in=[*recent_mondays, this_week]
        )
        .values_list("pupil_id", "week_start", "worst_tier", "last_tier")
        .order_by()
    }
    cooling = set(
        Alert.objects.filter(
            school=school,
            kind__in=list(triggers.COOLDOWN_WEEKS),
            created_on__gte=window_start,
            created_on__lt=on,
        ).values_list("pupil_id", "kind")
    )
    on_roll = set()
    for pf in pupils:
        on_roll.add(pf.pupil_id)
        plan.send_provision[pf.pupil_id] = pf.sen_provision
        snapshot = selectors.figures_snapshot(pf, on=on)
        tier = tiers.evaluate(
            possible=pf.figures.possible,
            attendance=pf.figures.attendance,
            bands=bands,
            min_sessions=response_settings.min_possible_sessions,
        )
        if tier is not None:
            plan.evaluated += 1
            _plan_tier(
                plan,
                pf,
                tier,
                snapshot,
                open_cases.get(pf.pupil_id),
                week_rows,
                recent_mondays,
                response_settings,
            )
            if is_school_week:
                existing = week_rows.get((pf.pupil_id, this_week))
                worst = max(existing[0], tier) if existing else tier
                if existing != (worst, tier):  # an unchanged row needs no write
                    plan.week_bands.append(
                        {
                            "school_id": school.pk,
                            "pupil_id": pf.pupil_id,
                            "week_start": this_week,
                            "worst_tier": worst,
                            "last_tier": tier,
                        }
                    )
        pupil_marks = marks.get(pf.pupil_id, {})
        drafts = [
            triggers.penalty_threshold(
                unauthorised_in_window=pf.figures.unauthorised_last_10_weeks, window=(window_start, on), on=on
            ),
            triggers.illness_15_days(
                illness_sessions=pf.illness,
                expected_more_sessions=_expected_illness(calendar, on, calls.illness_return.get(pf.pupil_id)),
                year_key=f"{year_start:%Y}",
                expected_return=calls.illness_return.get(pf.pupil_id),
            ),
        ]
        if pupil_marks:
            drafts += [
                triggers.continuous_unauthorised(sessions=sessions, marks=pupil_marks),
                triggers.no_contact(
                    sessions=sessions, marks=pupil_marks, calls_since=calls.dates.get(pf.pupil_id, [])
                ),
                triggers.separate_absences(sessions=sessions, marks=pupil_marks),
                triggers.late_marks(
                    week_marks={s: pupil_marks[s] for s in week_sessions if s in pupil_marks},
                    week_start=this_week,
                ),
            ]
        for draft in drafts:
            if draft is not None and (pf.pupil_id, draft.kind) not in cooling:
                plan.alerts.append((pf.pupil_id, draft))
    for pupil_id, case in open_cases.items():
        if pupil_id not in on_roll:
            plan.closes.append((case, "The pupil is no longer on the school's roll.", {"on": on.isoformat()}))
    return plan


def _expected_illness(calendar, on, expected_return) -> int:
    if not expected_return:
        return 0
    return 2 * calendar.count_school_days_between(on + timedelta(days=1), expected_return - timedelta(days=1))


def _plan_tier(plan, pf, tier, snapshot, case, week_rows, recent_mondays, response_settings):
    if case is None:
        if tier > tiers.UNIVERSAL:
            plan.new_cases[pf.pupil_id] = (tier, snapshot)
        return
    recent = [week_rows.get((pf.pupil_id, m), (None,))[0] for m in recent_mondays]
    target = tiers.next_tier(
        current=case.current_tier,
        today=tier,
        recent_weeks=recent,
        step_down_weeks=response_settings.step_down_weeks,
    )
    if target == case.current_tier:
        return
    if target == tiers.UNIVERSAL:
        weeks = response_settings.step_down_weeks
        reason = (
            f"Attendance recovered: {snapshot['attendance_pct']}% today, and in the Universal band or better "
            f"than Tier {case.current_tier} for {weeks} consecutive school weeks."
        )
        plan.closes.append((case, reason, snapshot))
    else:
        plan.moves.append((case, case.current_tier, target, snapshot))


# --- writing -----------------------------------------------------------------------------------------
def bulk_insert(model, rows: list[dict], *, unique_fields=(), update_fields=()) -> None:
    """Insert ``rows`` (dicts of column values; other columns get the field default) in one statement.

    A conflicting row is skipped (the unique constraints make a repeated or racing run a no-op), or,
    with ``update_fields``, updated. On PostgreSQL the rows travel as one JSON parameter expanded by
    ``jsonb_to_recordset``: tens of thousands of checklist actions and alerts on a first night cost
    a fraction of what building and preparing as many model instances costs. Elsewhere (SQLite in
    tests and ``make run``) it is the ORM's ``bulk_create`` with the same outcome.
    """
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields if f.attname not in rows[0]}
    if connection.vendor != "postgresql":
        objs = [model(**defaults, **row) for row in rows]
        if update_fields:
            model.objects.bulk_create(
                objs,
                update_conflicts=True,
                unique_fields=[model._meta.get_field(f.removesuffix("_id")).name for f in unique_fields],
                update_fields=list(update_fields),
            )
        else:
            model.objects.bulk_create(objs, ignore_conflicts=True)
        return
    payload = json.dumps([{**defaults, **row} for row in rows], default=_json_value)
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    record = ", ".join(f"{qn(f.column)} {f.db_type(connection)}" for f in fields)
    if update_fields:
        on_conflict = f"ON CONFLICT ({', '.join(qn(c) for c in unique_fields)}) DO UPDATE SET " + ", ".join(
            f"{qn(c)} = EXCLUDED.{qn(c)}" for c in update_fields
        )
    else:
        on_conflict = "ON CONFLICT DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {qn(model._meta.db_table)} ({columns}) "
            f"SELECT {columns} FROM jsonb_to_recordset(%s::jsonb) AS r({record}) {on_conflict}",
            [payload],
        )


def _json_value(value):
    if isinstance(value, date):  # dates and datetimes, at full precision, as PostgreSQL reads them
        return value.isoformat()
    raise TypeError(f"cannot insert {value!r}")


def _write(*, school, on, calendar, plan: Plan, templates, response_settings) -> dict:
    now = timezone.now()
    counts = {"cases_opened": 0, "escalated": 0, "stepped_down": 0, "cases_closed": 0}
    audit_entries: dict[str, list[dict]] = {"opened": [], "escalated": [], "stepped_down": [], "closed": []}
    tier_changes: list[dict] = []
    status_events: list[dict] = []
    entered: list[tuple[CaseRef, int | None, int, dict]] = []  # case, from, to, figures: needs actions

    # New cases. The partial unique index (one open case per pupil) makes a racing insert a no-op.
    if plan.new_cases:
        transitions.CASE.check("", Case.Status.OPEN)
        bulk_insert(
            Case,
            [
                {
                    "school_id": school.pk,
                    "pupil_id": pid,
                    "current_tier": tier,
                    "opened_on": on,
                    "opened_at": now,
                    "tier_changed_on": on,
                }
                for pid, (tier, _) in plan.new_cases.items()
            ],
        )
        created = Case.objects.open().filter(school=school, pupil_id__in=list(plan.new_cases), opened_on=on)
        for case in created.values_list("pk", "pupil_id").order_by():
            case = CaseRef(*case)
            tier, figs = plan.new_cases[case.pupil_id]
            counts["cases_opened"] += 1
            tier_changes.append(_tier_change(case, None, tier, on, figs, now))
            status_events.append(_status_event(case, "", "open", on, "Nightly checks", now))
            entered.append((case, None, tier, figs))
            audit_entries["opened"].append(_audit_entry(case, None, tier, figs))

    # Moves between tiers (the school row is locked, so these rows cannot change under us).
    moved = []
    for case, from_tier, to_tier, figs in plan.moves:
        case.current_tier, case.tier_changed_on = to_tier, on
        moved.append(case)
        key = "escalated" if to_tier > from_tier else "stepped_down"
        counts[key] += 1
        tier_changes.append(_tier_change(case, from_tier, to_tier, on, figs, now))
        entered.append((case, from_tier, to_tier, figs))
        audit_entries[key].append(_audit_entry(case, from_tier, to_tier, figs))
    if moved:
        Case.objects.bulk_update(moved, ["current_tier", "tier_changed_on"])

    closed = []
    for case, reason, figs in plan.closes:
        transitions.CASE.check(case.status, Case.Status.CLOSED)
        from_tier = case.current_tier
        case.status, case.closed_on, case.close_reason = Case.Status.CLOSED, on, reason
        case.current_tier, case.tier_changed_on = tiers.UNIVERSAL, on
        closed.append(case)
        counts["cases_closed"] += 1
        tier_changes.append(_tier_change(case, from_tier, tiers.UNIVERSAL, on, figs, now))
        status_events.append(_status_event(case, "open", "closed", on, reason, now))
        audit_entries["closed"].append(
            {**_audit_entry(case, from_tier, tiers.UNIVERSAL, figs), "reason": reason}
        )
    if closed:
        Case.objects.bulk_update(
            closed, ["status", "closed_on", "close_reason", "current_tier", "tier_changed_on"]
        )

    bulk_insert(TierChange, tier_changes)
    bulk_insert(CaseStatusEvent, status_events)
    bulk_insert(CaseAction, _actions_for(entered, templates, calendar, on))

    # Alerts that need the case: tier entered or worse (for the attendance officer) and SEND routing.
    for case, from_tier, to_tier, figs in entered:
        if from_tier is None or to_tier > from_tier:
            plan.alerts.append((case.pupil_id, _tier_alert(case, from_tier, to_tier, figs)))
            plan.alerts += [
                (case.pupil_id, draft)
                for draft in triggers.send_alerts(
                    provision=plan.send_provision.get(case.pupil_id, "N"),
                    from_tier=from_tier,
                    to_tier=to_tier,
                    case_key=f"case{case.pk}",
                    figures=figs,
                )
            ]
    plan.alerts += _escalate_overdue(
        school=school, on=on, calendar=calendar, response_settings=response_settings
    )

    for key, entries in audit_entries.items():
        if entries:
            audit.record_bulk(
                actor=None, action=f"graduated_response.case.{key}", entries=entries, school=school
            )
    bulk_insert(
        PupilWeekBand,
        plan.week_bands,
        unique_fields=("pupil_id", "week_start"),
        update_fields=("worst_tier", "last_tier"),
    )
    counts["alerts"] = _insert_alerts(school=school, on=on, drafts=plan.alerts)
    return counts


class CaseRef(NamedTuple):
    """A case as the writes need it: its id and pupil (no model instance to build)."""

    pk: int
    pupil_id: int


def _audit_entry(case, from_tier, to_tier, figs) -> dict:
    return {
        "object_type": "graduated_response.case",
        "object_id": case.pk,
        "object_repr": f"Attendance case for pupil {case.pupil_id}",
        "pupil_id": case.pupil_id,
        "before": {"tier": from_tier},
        "after": {"tier": to_tier, "figures": figs},
        "reason": "Nightly attendance checks",
    }


def _tier_alert(case, from_tier, to_tier, figs) -> AlertDraft:
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


def _actions_for(entered, templates, calendar, on) -> list[dict]:
    by_tier: dict[int, list[TierAction]] = {}
    for template in templates:
        by_tier.setdefault(template.tier, []).append(template)
    # The due date depends only on the template: work it out once, not once per case.
    due = {t.pk: _school_day_offset(calendar, on, t.target_school_days) for t in templates}
    return [
        {
            "case_id": case.pk,
            "template_id": template.pk,
            "tier": to_tier,
            "text": template.text,
            "responsible_role": template.responsible_role,
            "due_on": due[template.pk],
        }
        for case, _, to_tier, _ in entered
        for template in by_tier.get(to_tier, [])
    ]


def _tier_change(case, from_tier, to_tier, on, figures, now) -> dict:
    return {
        "case_id": case.pk,
        "from_tier": from_tier,
        "to_tier": to_tier,
        "changed_on": on,
        "figures": figures,
        "at": now,
    }


def _status_event(case, from_status, to_status, on, reason, now) -> dict:
    return {
        "case_id": case.pk,
        "from_status": from_status,
        "to_status": to_status,
        "on": on,
        "reason": reason,
        "at": now,
    }


def _escalate_overdue(*, school, on, calendar, response_settings) -> list[tuple[None, AlertDraft]]:
    """Overdue actions go to the attendance officer; after more school days, to the headteacher.
    Conditional updates (``escalation`` below the new level) so a repeat changes nothing. The
    escalated actions appear on that role's "My work"; one summary alert per level per night says so
    (an alert per action would bury the ones that matter)."""
    head_cutoff = _school_day_offset(calendar, on, -response_settings.headteacher_after_days)
    open_actions = CaseAction.objects.filter(
        case__school=school, case__status=Case.Status.OPEN, done_at__isnull=True
    )
    steps = [
        (CaseAction.Escalation.HEADTEACHER, Role.HEADTEACHER, open_actions.filter(due_on__lt=head_cutoff)),
        (
            CaseAction.Escalation.ATTENDANCE_OFFICER,
            Role.ATTENDANCE_OFFICER,
            open_actions.filter(due_on__lt=on),
        ),
    ]
    drafts = []
    for level, role, qs in steps:
        ids = list(qs.filter(escalation__lt=level).values_list("pk", flat=True))
        if not ids:
            continue
        n = CaseAction.objects.filter(pk__in=ids, escalation__lt=level).update(
            escalation=level, escalated_to=role
        )
        drafts.append(
            (
                None,
                AlertDraft(
                    kind=Kind.ACTION_OVERDUE,
                    period_key=f"{on.isoformat()}-level{int(level)}",
                    message=(
                        f"{n} checklist action{'s are' if n != 1 else ' is'} overdue and now with the "
                        f"{role.label.lower()}: see My work."
                    ),
                    figures={"actions": ids[:200], "level": int(level)},
                    for_roles=(role,),
                ),
            )
        )
    return drafts


def _insert_alerts(*, school, on, drafts) -> int:
    if not drafts:
        return 0
    before = Alert.objects.filter(school=school, created_on=on).count()
    open_cases = dict(
        Case.objects.open()
        .filter(school=school, pupil_id__in={p for p, _ in drafts if p})
        .values_list("pupil_id", "pk")
    )
    now = timezone.now()
    bulk_insert(
        Alert,
        [
            {
                "school_id": school.pk,
                "pupil_id": pupil_id,
                "case_id": open_cases.get(pupil_id),
                "kind": d.kind,
                "period_key": d.period_key,
                "message": d.message,
                "figures": d.figures,
                "for_roles": _roles(d.for_roles),
                "created_on": on,
                "created_at": now,
            }
            for pupil_id, d in drafts
        ],
    )
    return Alert.objects.filter(school=school, created_on=on).count() - before


# --- the service -------------------------------------------------------------------------------------
def _run_locked(*, school, on) -> dict:
    if connection.vendor == "postgresql":
        # Settings local to this run's transaction, for its per-school aggregates (a few hundred
        # thousand marks each): JIT compilation, planned because the marks table is large, costs more
        # than it saves there, and enough work memory lets the GROUP BY pupil and code hash in memory
        # instead of sorting on disk (measured: 90 ms instead of 200 ms per school of 1,000 pupils).
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '32MB'")
    calendar = SchoolCalendar.for_school(school)
    band_rows, response_settings = tier_bands_of(school)
    templates = list(TierAction.objects.filter(school=school, is_active=True).order_by("tier", "order", "id"))
    open_cases = {c.pupil_id: c for c in Case.objects.open().filter(school=school)}
    plan = _plan(
        school=school,
        on=on,
        calendar=calendar,
        bands=bands_of(band_rows),
        response_settings=response_settings,
        open_cases=open_cases,
    )
    counts = _write(
        school=school,
        on=on,
        calendar=calendar,
        plan=plan,
        templates=templates,
        response_settings=response_settings,
    )
    return {"pupils_evaluated": plan.evaluated, **counts}


class NightlyRefused(ValueError):
    """The night asked for cannot be checked without rewriting history; the message says why."""


def last_successful_night(school: School) -> date | None:
    return (
        NightlyRun.objects.filter(school=school, status=NightlyRun.Status.SUCCEEDED)
        .order_by("-run_date")
        .values_list("run_date", flat=True)
        .first()
    )


def nightly_refusal(*, on: date, today: date, last_success: date | None) -> str | None:
    """Why the night ``on`` may not be checked now (None: it may).

    A night after today has no registers yet: checking it would escalate actions that are not due and
    show a "last run" in the future. A night before the last successful one would judge today's cases
    by that night's figures (closing cases the later nights kept open, so the next night opens new
    ones and splits each family's history): refused, not replayed. The last successful night itself
    may be checked again (it changes nothing).

    >>> nightly_refusal(on=date(2026, 12, 2), today=date(2026, 12, 1), last_success=None)
    'The night of 2 December 2026 has not happened yet: the latest night that can be checked is 1 December 2026.'
    >>> nightly_refusal(on=date(2026, 11, 20), today=date(2026, 12, 1), last_success=date(2026, 11, 20))
    >>> nightly_refusal(on=date(2026, 11, 19), today=date(2026, 12, 1), last_success=date(2026, 11, 20))[:60]
    'The night of 19 November 2026 is before the last successful '
    """
    if on > today:
        return (
            f"The night of {on:%-d %B %Y} has not happened yet: the latest night that can be checked is "
            f"{today:%-d %B %Y}."
        )
    if last_success is not None and on < last_success:
        return (
            f"The night of {on:%-d %B %Y} is before the last successful night checked, {last_success:%-d %B %Y}. "
            "Checking it again now would close or reopen cases the later nights decided, so it is refused; "
            "nights are only checked forwards, from the last successful one."
        )
    return None


def nightly_checks_run(*, school: School, on: date, force: bool = False) -> NightlyRun:
    """Run the checks for ``school`` as of the end of ``on``; record the run; never raise on a failure.

    A night already checked successfully is skipped unless ``force`` (a person re-running it from the
    command line); either way nothing is duplicated. A night after today, or before the school's last
    successful night, raises ``NightlyRefused`` before anything is written (see ``nightly_refusal``).
    """
    existing = NightlyRun.objects.filter(school=school, run_date=on).first()
    if existing is not None and existing.status == NightlyRun.Status.SUCCEEDED and not force:
        return existing
    refusal = nightly_refusal(on=on, today=timezone.localdate(), last_success=last_successful_night(school))
    if refusal:
        raise NightlyRefused(refusal)
    nightly_abandon_stale(now=timezone.now(), school=school)  # an earlier run that died says so
    started = timezone.now()
    run, _ = NightlyRun.objects.get_or_create(
        school=school, run_date=on, defaults={"started_at": started, "heartbeat_at": started}
    )
    if run.status == NightlyRun.Status.SUCCEEDED and not force:
        return run
    # Committed before the run's own transaction, so others see it is alive (or, later, that it died).
    NightlyRun.objects.filter(pk=run.pk).update(heartbeat_at=started)
    NightlyRun.objects.filter(pk=run.pk).exclude(status=NightlyRun.Status.SUCCEEDED).update(
        status=NightlyRun.Status.RUNNING, started_at=started, finished_at=None
    )
    try:
        with transaction.atomic():
            # Two workers on the same school take turns here; the second sees the first's rows.
            School.objects.select_for_update().filter(pk=school.pk).first()
            locked = NightlyRun.objects.select_for_update().get(pk=run.pk)
            if locked.status == NightlyRun.Status.SUCCEEDED and not force:
                return locked
            counts = _run_locked(school=school, on=on)
            NightlyRun.objects.filter(pk=run.pk).update(
                status=NightlyRun.Status.SUCCEEDED,
                started_at=started,
                finished_at=timezone.now(),
                attempts=F("attempts") + 1,
                errors="",
                **counts,
            )
    except Exception as exc:  # one school's failure must not stop the others: record it and go on
        logger.exception("Nightly checks failed for school %s on %s", school.pk, on)
        NightlyRun.objects.filter(pk=run.pk).update(
            status=NightlyRun.Status.FAILED,
            started_at=started,
            finished_at=timezone.now(),
            attempts=F("attempts") + 1,
            errors=f"{type(exc).__name__}: {exc}"[:4000],
        )
    run.refresh_from_db()
    return run


def nightly_abandon_stale(*, now: datetime, school: School | None = None) -> list[NightlyRun]:
    """Mark runs that stopped beating as Abandoned (conditional update: once), and return them.

    Called by the next run for the school, by the pages that check the nightly health, and by the
    nightly sweep (which queues them again). Their work rolled back with their transaction, so
    running the night again is safe; catch-up (``nightly_catch_up_dates``) includes them too.
    """
    cutoff = now - ABANDON_AFTER
    stale = NightlyRun.objects.filter(status=NightlyRun.Status.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )
    if school is not None:
        stale = stale.filter(school=school)
    abandoned = []
    for run in stale.select_related("school"):
        beat = timezone.localtime(run.heartbeat_at or run.started_at)
        moved = NightlyRun.objects.filter(pk=run.pk, status=NightlyRun.Status.RUNNING).update(
            status=NightlyRun.Status.ABANDONED,
            finished_at=now,
            errors=(
                f"Stopped without finishing (no sign of life since {beat:%-d %B %Y at %H:%M}); "
                "its work was not saved and the night will be checked again."
            ),
        )
        if moved:
            logger.warning("Nightly run %s (school %s, %s) abandoned", run.pk, run.school_id, run.run_date)
            run.refresh_from_db()
            abandoned.append(run)
    return abandoned


def nightly_catch_up_dates(*, school: School, today: date, max_days: int = CATCH_UP_DAYS) -> list[date]:
    """Nights not yet checked successfully, oldest first: from the day after the last successful run
    (at most ``max_days`` back) to yesterday. A school never checked starts with yesterday."""
    yesterday = today - timedelta(days=1)
    earliest = today - timedelta(days=max_days)
    done = set(
        NightlyRun.objects.filter(
            school=school, status=NightlyRun.Status.SUCCEEDED, run_date__gte=earliest, run_date__lte=yesterday
        ).values_list("run_date", flat=True)
    )
    last = (
        NightlyRun.objects.filter(school=school, status=NightlyRun.Status.SUCCEEDED)
        .order_by("-run_date")
        .first()
    )
    start = max(last.run_date + timedelta(days=1), earliest) if last else yesterday
    days = []
    day = start
    while day <= yesterday:
        if day not in done:
            days.append(day)
        day += timedelta(days=1)
    return days


def nightly_run_missing_check(*, school: School, now: datetime) -> Alert | None:
    """Raise an alert when the school's last successful run finished more than 26 hours ago."""
    last = (
        NightlyRun.objects.filter(
            school=school, status=NightlyRun.Status.SUCCEEDED, finished_at__isnull=False
        )
        .order_by("-finished_at")
        .first()
    )
    if last is None or now - last.finished_at <= MISSING_AFTER:
        return None
    hours = int((now - last.finished_at).total_seconds() // 3600)
    Alert.objects.bulk_create(
        [
            Alert(
                school=school,
                kind=Kind.NIGHTLY_RUN_MISSING,
                period_key=f"after-{last.run_date.isoformat()}",
                message=(
                    f"The nightly attendance checks have not run for {hours} hours (last successful check: "
                    f"{last.run_date:%-d %B %Y}). Missed nights are being caught up now; if this alert comes "
                    "back, ask whoever runs the system to check the background worker."
                ),
                figures={"hours": hours, "last_run_date": last.run_date.isoformat()},
                for_roles=_roles((Role.ATTENDANCE_OFFICER, Role.HEADTEACHER)),
                created_on=timezone.localtime(now).date(),
            )
        ],
        ignore_conflicts=True,
    )
    return Alert.objects.get(
        school=school, kind=Kind.NIGHTLY_RUN_MISSING, period_key=f"after-{last.run_date.isoformat()}"
    )
