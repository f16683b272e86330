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
* alerts for the triggers in ``triggers`` and for SEND-aware routing;
* alerts for SEND deadlines (EHC needs assessments, annual reviews, part-time timetables) due in the
  next 14 days or overdue (``send_deadline_alerts``);
* SEN support cycles at "Do" whose review date has come move to "Review" (``send.services.cycle_calendar``).

Safe to repeat and to race: the whole run for a school is one transaction that first locks the
school row (so two workers on the same school take turns), and the unique constraints on cases
(one open per pupil), tier changes (one per case per night), actions (one per template per case) and
alerts (one per pupil, kind and period) make inserts of existing rows no-ops. A failure is recorded on
the ``NightlyRun`` row and does not escape, so a batch of schools carries on. The run beats after each
step of its work (``nightly_heartbeat``), so a long run is never taken for a dead one.

The work is in sibling modules: ``nightly_window`` (the calendar dates, worked out once),
``nightly_plan`` (reading and deciding), ``nightly_write`` (the writes) and ``nightly_bulk``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from school.calendar import SchoolCalendar
from school.models import Role, School
from send.services.cycle_calendar import cycles_move_due_to_review

from .models import Alert, Case, NightlyRun, TierAction
from .nightly_heartbeat import Heartbeat
from .nightly_n_deadline import n_deadline_drafts
from .nightly_plan import gather_evidence, plan_night
from .nightly_window import NightlyWindow
from .nightly_write import roles_field, write_night
from .returns_services import la_returns_refresh
from .send_deadline_alerts import send_deadline_drafts
from .services import bands_of, tier_bands_of
from .triggers import Kind

logger = logging.getLogger(__name__)

MISSING_AFTER = timedelta(hours=26)
CATCH_UP_DAYS = 7
#: A run whose last heartbeat is older than this is dead: a live run beats after each step of its work
#: (``nightly_heartbeat``; no step comes near this long, and the school task's hard time limit is 30
#: minutes, tasks.py), so a run still "running" well past it lost its worker (killed, out of memory, a
#: deploy) and its work rolled back.
ABANDON_AFTER = timedelta(minutes=45)


def _no_beat() -> None:
    return None


# --- the work, under the school's lock ---------------------------------------------------------------
def _set_local_settings() -> None:
    if connection.vendor == "postgresql":
        # Settings local to this run's transaction, for its per-school aggregates (a few hundred
        # thousand marks each): JIT compilation, planned because the marks table is large, costs more
        # than it saves there, and enough work memory lets the GROUP BY pupil and code hash in memory
        # instead of sorting on disk (measured: 90 ms instead of 200 ms per school of 1,000 pupils).
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '32MB'")


def _run_locked(*, school: School, on: date, beat: Callable[[], None] = _no_beat) -> dict[str, int]:
    _set_local_settings()
    band_rows, response_settings = tier_bands_of(school)
    window = NightlyWindow.build(
        SchoolCalendar.for_school(school), on, step_down_weeks=response_settings.step_down_weeks
    )
    templates = list(TierAction.objects.filter(school=school, is_active=True).order_by("tier", "order", "id"))
    open_cases = {c.pupil_id: c for c in Case.objects.open().filter(school=school)}
    evidence = gather_evidence(
        school=school,
        window=window,
        bands=bands_of(band_rows),
        response_settings=response_settings,
        open_cases=open_cases,
    )
    beat()
    plan = plan_night(evidence)
    # Every SEND deadline due in the next 14 days or overdue (send.deadlines, a few queries per source).
    plan.alerts.extend(send_deadline_drafts(school=school, on=on))
    # N marks whose 5 school days end tomorrow (or have ended): a task for the office (one query).
    plan.alerts.extend(n_deadline_drafts(school=school, on=on, calendar=window.calendar))
    _move_cycles_due_to_review(school=school, on=on)
    beat()
    counts = write_night(
        school=school,
        window=window,
        plan=plan,
        templates=templates,
        response_settings=response_settings,
        beat=beat,
    )
    # Returns to the local authority that the night's alerts, admissions and leavers make due.
    la_returns_refresh(school=school, today=on)
    return {"pupils_evaluated": plan.evaluated, **counts}


def _move_cycles_due_to_review(*, school: School, on: date) -> None:
    """SEN support cycles at "Do" whose review date has come move to "Review" (send.services.
    cycle_calendar). In a savepoint: if it fails, the attendance checks still run tonight, and the
    cycles move on the next night that works, since every cycle due by then moves."""
    try:
        with transaction.atomic():
            moved = cycles_move_due_to_review(school=school, on=on)
    except Exception:
        logger.exception("Moving cycles to review failed for school %s on %s", school.pk, on)
        return
    if moved:
        logger.info("Moved %d cycles to review for school %s on %s", len(moved), school.pk, on)


# --- the service -------------------------------------------------------------------------------------
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
    The rule is checked again under the school's lock, where it is decided for good: two runs started
    together (the nights of the 20th and the 21st) both pass the first check, and whichever waited for
    the lock must see what the other did.
    """
    existing = NightlyRun.objects.filter(school=school, run_date=on).first()
    if existing is not None and existing.status == NightlyRun.Status.SUCCEEDED and not force:
        return existing
    _refuse_if_needed(school=school, on=on)  # the quick answer, before anything is written
    nightly_abandon_stale(now=timezone.now(), school=school)  # an earlier run that died says so
    started = timezone.now()
    run, created = NightlyRun.objects.get_or_create(
        school=school, run_date=on, defaults={"started_at": started, "heartbeat_at": started}
    )
    if run.status == NightlyRun.Status.SUCCEEDED and not force:
        return run
    _mark_running(run, started)
    heartbeat = Heartbeat(run.pk, last=started)
    try:
        done = _run_under_lock(run, school=school, on=on, force=force, started=started, heartbeat=heartbeat)
    except NightlyRefused:
        _release(run, created=created)
        raise
    finally:
        heartbeat.close()
    if done is not None:
        return done
    run.refresh_from_db()
    return run


def _refuse_if_needed(*, school: School, on: date) -> None:
    refusal = nightly_refusal(on=on, today=timezone.localdate(), last_success=last_successful_night(school))
    if refusal:
        raise NightlyRefused(refusal)


def _mark_running(run: NightlyRun, started: datetime) -> None:
    # Committed before the run's own transaction, so others see it is alive (or, later, that it died).
    NightlyRun.objects.filter(pk=run.pk).update(heartbeat_at=started)
    NightlyRun.objects.filter(pk=run.pk).exclude(status=NightlyRun.Status.SUCCEEDED).update(
        status=NightlyRun.Status.RUNNING, started_at=started, finished_at=None
    )


def _run_under_lock(
    run: NightlyRun, *, school: School, on: date, force: bool, started: datetime, heartbeat: Heartbeat
) -> NightlyRun | None:
    """The night's work in one transaction under the school's lock; the finished run when another
    worker finished it first, else None (the outcome, success or failure, is on the run's row)."""
    try:
        with transaction.atomic():
            # Two workers on the same school take turns here; the second sees the first's rows. The
            # run's own row is read, not locked: its heartbeat is written from outside (Heartbeat).
            School.objects.select_for_update().filter(pk=school.pk).first()
            current = NightlyRun.objects.get(pk=run.pk)
            if current.status == NightlyRun.Status.SUCCEEDED and not force:
                return current
            _refuse_if_needed(school=school, on=on)  # decided for good: no other run can finish now
            counts = _run_locked(school=school, on=on, beat=heartbeat.beat)
            _record_outcome(run, started, status=NightlyRun.Status.SUCCEEDED, errors="", **counts)
    except NightlyRefused:
        raise
    except Exception as exc:  # one school's failure must not stop the others: record it and go on
        logger.exception("Nightly checks failed for school %s on %s", school.pk, on)
        _record_outcome(
            run, started, status=NightlyRun.Status.FAILED, errors=f"{type(exc).__name__}: {exc}"[:4000]
        )
    return None


def _record_outcome(run: NightlyRun, started: datetime, **values: object) -> None:
    NightlyRun.objects.filter(pk=run.pk).update(
        started_at=started, finished_at=timezone.now(), attempts=F("attempts") + 1, **values
    )


def _release(run: NightlyRun, *, created: bool) -> None:
    """A night refused under the lock leaves its run record as this run found it (none, if new)."""
    mine = NightlyRun.objects.filter(pk=run.pk, status=NightlyRun.Status.RUNNING)
    if created:
        mine.delete()
    else:
        mine.update(
            status=run.status,
            started_at=run.started_at,
            finished_at=run.finished_at,
            heartbeat_at=run.heartbeat_at,
        )


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
    if last is None or last.finished_at is None or now - last.finished_at <= MISSING_AFTER:
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
                for_roles=roles_field((Role.ATTENDANCE_OFFICER, Role.HEADTEACHER)),
                created_on=timezone.localtime(now).date(),
            )
        ],
        ignore_conflicts=True,
    )
    return Alert.objects.get(
        school=school, kind=Kind.NIGHTLY_RUN_MISSING, period_key=f"after-{last.run_date.isoformat()}"
    )
