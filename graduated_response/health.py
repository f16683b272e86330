"""Is the nightly run alive? A check that works while the scheduler is down.

The nightly task raises its own "missed" alert, but only once it runs again, which is exactly when
nobody needs telling. So the pages staff open every day (the cases dashboard and the home panel) ask
here instead: when the school's last successful run finished more than 26 hours ago (a night's run
plus slack for a slow one), or no run ever succeeded although the school has pupils on roll, they show
a warning and raise one alert for the attendance officer and the headteacher.

The alert uses the same kind and period key as the task's own check (``after-<last run date>``, or
``never``), so the page and the task, or two pages loaded at once, raise it only once: the insert
ignores the row the unique constraint ``alert_once_per_school`` already holds.

Worked example: the last run (for the night of Friday 20 November) finished at 02:05 on Saturday 21st.
At 03:00 on Sunday 22nd that is 24 hours 55 minutes ago: fine. At 09:00 on Monday 23rd it is 54 hours
ago: ``stale_nightly_runs`` returns a ``StaleRuns`` whose ``message`` reads "The nightly checks have not
run since 21 November 2026 at 02:05; tell your IT support."
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from school.models import Pupil, Role, School

from .models import Alert, NightlyRun
from .nightly import nightly_abandon_stale
from .triggers import Kind

#: A run every night, plus slack for a slow one.
STALE_AFTER = timedelta(hours=26)
ALERT_ROLES = (Role.ATTENDANCE_OFFICER, Role.HEADTEACHER)


@dataclass(frozen=True)
class StaleRuns:
    """The last successful run (None: never), and how long ago it finished."""

    last_finished_at: datetime | None
    last_run_date: date | None
    hours: int | None

    @property
    def period_key(self) -> str:
        return f"after-{self.last_run_date.isoformat()}" if self.last_run_date else "never"

    @property
    def message(self) -> str:
        if self.last_finished_at is None:
            return "The nightly checks have never run for this school; tell your IT support."
        finished = timezone.localtime(self.last_finished_at)
        return (
            f"The nightly checks have not run since {finished:%-d %B %Y} at {finished:%H:%M} "
            f"({self.hours} hours ago); tell your IT support."
        )


def stale_nightly_runs(school: School, now: datetime) -> StaleRuns | None:
    """None when the nightly checks are running on time; otherwise what to warn about (one query, two
    when the school has never been checked)."""
    last = (
        NightlyRun.objects.filter(
            school=school, status=NightlyRun.Status.SUCCEEDED, finished_at__isnull=False
        )
        .order_by("-finished_at")
        .values("finished_at", "run_date")
        .first()
    )
    if last is None:
        if not Pupil.objects.filter(school=school).on_roll(at=timezone.localtime(now).date()).exists():
            return None  # a school still being set up has nothing to check yet
        return StaleRuns(None, None, None)
    age = now - last["finished_at"]
    if age <= STALE_AFTER:
        return None
    return StaleRuns(last["finished_at"], last["run_date"], int(age.total_seconds() // 3600))


def nightly_run_missing_alert_raise(*, school: School, stale: StaleRuns, now: datetime) -> None:
    """Raise the "nightly checks missed" alert once per gap (idempotent under races)."""
    Alert.objects.bulk_create(
        [
            Alert(
                school=school,
                kind=Kind.NIGHTLY_RUN_MISSING,
                period_key=stale.period_key,
                message=stale.message,
                figures={
                    "hours": stale.hours,
                    "last_run_date": stale.last_run_date.isoformat() if stale.last_run_date else None,
                },
                for_roles="," + ",".join(ALERT_ROLES) + ",",
                created_on=timezone.localtime(now).date(),
                created_at=now,
            )
        ],
        ignore_conflicts=True,
    )


def nightly_health_check(*, school: School, now: datetime | None = None) -> StaleRuns | None:
    """What the pages call: the warning to show, if any, with its alert raised. A run that stopped
    beating is marked Abandoned here too, so the page never shows "Running" for a dead run."""
    now = now or timezone.now()
    nightly_abandon_stale(now=now, school=school)
    stale = stale_nightly_runs(school, now)
    if stale is not None:
        nightly_run_missing_alert_raise(school=school, stale=stale, now=now)
    return stale
