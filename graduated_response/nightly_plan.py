"""Deciding one night's checks for one school, in memory, before anything is written: ``plan_night``.

It reads the night's evidence in a fixed number of queries (every on-roll pupil's year-to-date figures,
the window's absence and late marks, absence calls, the recent weeks' bands and the alerts still
cooling down), then judges each pupil: the tier and what it does to the pupil's case, this week's band,
and the trigger alerts. The result is a ``Plan`` that ``nightly_write`` carries out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from school.models import School

from . import selectors, tiers, triggers
from .models import Alert, Case, PupilWeekBand
from .nightly_window import NightlyWindow
from .selectors import PupilFigures
from .triggers import AlertDraft

Figures = dict[str, Any]
WeekRows = dict[tuple[int, date], tuple[int, int]]  # (pupil, monday) -> (worst tier, last tier)


@dataclass
class Plan:
    """What tonight's run will write, decided in memory before any write."""

    new_cases: dict[int, tuple[int, Figures]] = field(default_factory=dict)  # pupil -> (tier, figures)
    moves: list[tuple[Case, int, int, Figures]] = field(default_factory=list)  # case, from, to, figures
    closes: list[tuple[Case, str, Figures]] = field(default_factory=list)  # case, reason, figures
    alerts: list[tuple[int | None, AlertDraft]] = field(default_factory=list)  # pupil, draft
    send_provision: dict[int, str] = field(default_factory=dict)
    week_bands: list[dict[str, Any]] = field(default_factory=list)  # PupilWeekBand rows to write
    evaluated: int = 0


@dataclass(frozen=True)
class Evidence:
    """Everything the night's judgements read, fetched once for the whole school."""

    school: School
    window: NightlyWindow
    bands: Any  # tiers.evaluate's bands, from services.bands_of
    response_settings: Any  # the school's GraduatedResponseSettings
    open_cases: dict[int, Case]
    year_start: date
    pupils: list[PupilFigures]
    marks: dict[int, dict[tuple[date, str], str]]
    calls: selectors.CallsSeen
    week_rows: WeekRows
    cooling: set[tuple[int | None, str]]


def gather_evidence(*, school, window: NightlyWindow, bands, response_settings, open_cases) -> Evidence:
    year_start, pupils = selectors.school_figures(
        school=school,
        on=window.on,
        calendar=window.calendar,
        count_previous_school=response_settings.count_previous_school_sessions,
    )
    return Evidence(
        school=school,
        window=window,
        bands=bands,
        response_settings=response_settings,
        open_cases=open_cases,
        year_start=year_start,
        pupils=pupils,
        marks=selectors.pattern_marks(school=school, start=window.start, end=window.on),
        calls=selectors.absence_calls(school=school, since=window.start, on=window.on),
        week_rows=_week_rows(school, window),
        cooling=_cooling(school, window),
    )


def _week_rows(school, window: NightlyWindow) -> WeekRows:
    rows = (
        PupilWeekBand.objects.filter(school=school, week_start__in=[*window.recent_mondays, window.this_week])
        .values_list("pupil_id", "week_start", "worst_tier", "last_tier")
        .order_by()
    )
    return {(pupil_id, monday): (worst, last) for pupil_id, monday, worst, last in rows}


def _cooling(school, window: NightlyWindow) -> set[tuple[int | None, str]]:
    """(pupil, kind) of the alerts still cooling down: not raised again yet."""
    return set(
        Alert.objects.filter(
            school=school,
            kind__in=list(triggers.COOLDOWN_WEEKS),
            created_on__gte=window.start,
            created_on__lt=window.on,
        ).values_list("pupil_id", "kind")
    )


# --- the judgements ----------------------------------------------------------------------------------
def plan_night(evidence: Evidence) -> Plan:
    plan = Plan()
    for pf in evidence.pupils:
        plan.send_provision[pf.pupil_id] = pf.sen_provision
        _plan_pupil(plan, evidence, pf)
    _plan_leavers(plan, evidence)
    return plan


def _plan_pupil(plan: Plan, evidence: Evidence, pf: PupilFigures) -> None:
    settings = evidence.response_settings
    snapshot = selectors.figures_snapshot(pf, on=evidence.window.on)
    # Judged against the sessions the pupil is expected in: C2 (an agreed part-time timetable) is
    # left out of the possible sessions here, so a pupil keeping to their timetable is not "absent".
    tier = tiers.evaluate(
        possible=pf.expected_possible,
        attendance=pf.figures.attendance,
        bands=evidence.bands,
        min_sessions=settings.min_possible_sessions,
    )
    if tier is not None:
        plan.evaluated += 1
        case = evidence.open_cases.get(pf.pupil_id)
        _plan_tier(plan, pf, tier, snapshot, case, evidence.week_rows, evidence.window, settings)
        _plan_week_band(plan, evidence, pf.pupil_id, tier)
    for draft in _trigger_drafts(evidence, pf):
        if draft is not None and (pf.pupil_id, draft.kind) not in evidence.cooling:
            plan.alerts.append((pf.pupil_id, draft))


def _plan_tier(plan, pf, tier, snapshot, case, week_rows, window, response_settings) -> None:
    if case is None:
        if tier > tiers.UNIVERSAL:
            plan.new_cases[pf.pupil_id] = (tier, snapshot)
        return
    recent = [week_rows.get((pf.pupil_id, m), (None,))[0] for m in window.recent_mondays]
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


def _plan_week_band(plan: Plan, evidence: Evidence, pupil_id: int, tier: int) -> None:
    """This week's worst and latest tier for the pupil (a holiday week records none)."""
    window = evidence.window
    if not window.is_school_week:
        return
    existing = evidence.week_rows.get((pupil_id, window.this_week))
    worst = max(existing[0], tier) if existing else tier
    if existing != (worst, tier):  # an unchanged row needs no write
        plan.week_bands.append(
            {
                "school_id": evidence.school.pk,
                "pupil_id": pupil_id,
                "week_start": window.this_week,
                "worst_tier": worst,
                "last_tier": tier,
            }
        )


def _trigger_drafts(evidence: Evidence, pf: PupilFigures) -> list[AlertDraft | None]:
    window, calls = evidence.window, evidence.calls
    expected_return = calls.illness_return.get(pf.pupil_id)
    drafts = [
        triggers.penalty_threshold(
            unauthorised_in_window=pf.figures.unauthorised_last_10_weeks,
            window=(window.start, window.on),
            on=window.on,
            previous_school_counted=evidence.response_settings.count_previous_school_sessions,
        ),
        triggers.illness_15_days(
            illness_sessions=pf.illness,
            expected_more_sessions=window.expected_illness_sessions(expected_return),
            year_key=f"{evidence.year_start:%Y}",
            expected_return=expected_return,
        ),
    ]
    return drafts + _pattern_drafts(evidence, pf.pupil_id)


def _pattern_drafts(evidence: Evidence, pupil_id: int) -> list[AlertDraft | None]:
    """The triggers that read the pupil's marks in the window (none without an absence or late mark)."""
    marks = evidence.marks.get(pupil_id, {})
    if not marks:
        return []
    sessions = evidence.window.sessions
    return [
        triggers.continuous_unauthorised(sessions=sessions, marks=marks),
        triggers.no_contact(
            sessions=sessions, marks=marks, calls_since=evidence.calls.dates.get(pupil_id, [])
        ),
        triggers.separate_absences(sessions=sessions, marks=marks),
        # Every week of the window, so a caught-up night or a late amendment still raises it.
        *triggers.late_marks_by_week(sessions=sessions, marks=marks),
    ]


def _plan_leavers(plan: Plan, evidence: Evidence) -> None:
    """Open cases of pupils no longer on the roll close."""
    on_roll = {pf.pupil_id for pf in evidence.pupils}
    for pupil_id, case in evidence.open_cases.items():
        if pupil_id not in on_roll:
            reason = "The pupil is no longer on the school's roll."
            plan.closes.append((case, reason, {"on": evidence.window.on.isoformat()}))
