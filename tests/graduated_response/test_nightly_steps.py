"""A long nightly run keeps beating, step by step, so it is not taken for a dead one; and a night that
another run overtook while this one waited for the school's lock is refused there, leaving no trace."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from graduated_response import nightly, nightly_write
from graduated_response.models import Case, NightlyRun
from graduated_response.nightly import NightlyRefused
from tests.graduated_response.conftest import fill_marks

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
START = datetime(2026, 11, 21, 2, 0, tzinfo=LONDON)


def _slow_steps(monkeypatch, traveller, seen, school):
    """Planning takes 40 minutes; then, 40 minutes into writing, someone checks for dead runs."""
    plan_night, entry_alerts = nightly.plan_night, nightly_write._entry_alerts

    def slow_plan(evidence):
        traveller.shift(timedelta(minutes=40))
        return plan_night(evidence)

    def slow_write(w, plan):
        seen["heartbeat"] = NightlyRun.objects.get(school=school).heartbeat_at
        traveller.shift(timedelta(minutes=40))
        seen["abandoned"] = nightly.nightly_abandon_stale(now=timezone.now(), school=school)
        entry_alerts(w, plan)

    monkeypatch.setattr(nightly, "plan_night", slow_plan)
    monkeypatch.setattr(nightly_write, "_entry_alerts", slow_write)


def test_a_long_run_beats_after_each_step_and_is_not_abandoned(school, pupil, monkeypatch):
    fill_marks(pupil, date(2026, 9, 1), date(2026, 11, 20), lambda d, s, i: "O" if i % 8 == 0 else None)
    seen = {}
    with time_machine.travel(START, tick=False) as traveller:
        _slow_steps(monkeypatch, traveller, seen, school)
        run = nightly.nightly_checks_run(school=school, on=date(2026, 11, 20))
    # 80 minutes in, well past the 45-minute limit since the run started, but it beat at 40 minutes.
    assert seen["heartbeat"] == START + timedelta(minutes=40)
    assert seen["abandoned"] == []
    assert run.status == "succeeded" and run.heartbeat_at == START + timedelta(minutes=80)
    assert Case.objects.filter(pupil=pupil, status="open").count() == 1


def test_a_run_whose_heartbeat_is_older_than_the_limit_is_abandoned_and_a_beating_one_is_not(school):
    def running(day, minutes_ago):
        beat = START - timedelta(minutes=minutes_ago)
        return NightlyRun.objects.create(
            school=school,
            run_date=day,
            status="running",
            started_at=beat - timedelta(hours=1),
            heartbeat_at=beat,
        )

    dead = running(date(2026, 11, 19), minutes_ago=46)
    alive = running(date(2026, 11, 20), minutes_ago=44)  # started an hour before that: still beating
    assert [r.pk for r in nightly.nightly_abandon_stale(now=START, school=school)] == [dead.pk]
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert (dead.status, alive.status) == ("abandoned", "running")


def test_quick_steps_do_not_beat_more_than_once_a_minute(school, pupil, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fill_marks(pupil, date(2026, 9, 1), date(2026, 11, 20), lambda d, s, i: "O" if i % 8 == 0 else None)
    with time_machine.travel(START, tick=False), CaptureQueriesContext(connection) as queries:
        nightly.nightly_checks_run(school=school, on=date(2026, 11, 20))
    beats = [q["sql"] for q in queries if "heartbeat_at" in q["sql"] and q["sql"].startswith("UPDATE")]
    assert len(beats) == 1  # only the one as the run starts


def _another_run_finishes(monkeypatch, school, day):
    """While this run is on its way to the school's lock, another worker finishes the night ``day``."""
    abandon = nightly.nightly_abandon_stale

    def meanwhile(**kwargs):
        NightlyRun.objects.create(
            school=school, run_date=day, status="succeeded", started_at=START, finished_at=START, attempts=1
        )
        return abandon(**kwargs)

    monkeypatch.setattr(nightly, "nightly_abandon_stale", meanwhile)


def test_a_night_overtaken_on_the_way_to_the_lock_is_refused_and_leaves_no_record(school, pupil, monkeypatch):
    fill_marks(pupil, date(2026, 9, 1), date(2026, 11, 23), lambda d, s, i: "O" if i % 8 == 0 else None)
    _another_run_finishes(monkeypatch, school, date(2026, 11, 23))
    with time_machine.travel(START + timedelta(days=3), tick=False):
        with pytest.raises(NightlyRefused, match="last successful night checked, 23 November 2026"):
            nightly.nightly_checks_run(school=school, on=date(2026, 11, 20))
    assert not NightlyRun.objects.filter(run_date=date(2026, 11, 20)).exists()
    assert not Case.objects.exists()  # the night's work never started


def test_an_overtaken_retry_leaves_the_failed_record_as_it_was(school, pupil, monkeypatch):
    fill_marks(pupil, date(2026, 9, 1), date(2026, 11, 23), lambda d, s, i: "O" if i % 8 == 0 else None)
    failed = NightlyRun.objects.create(
        school=school,
        run_date=date(2026, 11, 20),
        status="failed",
        started_at=START,
        finished_at=START + timedelta(minutes=1),
        heartbeat_at=START,
        attempts=1,
        errors="OperationalError: the database went away",
    )
    _another_run_finishes(monkeypatch, school, date(2026, 11, 23))
    with time_machine.travel(START + timedelta(days=3), tick=False), pytest.raises(NightlyRefused):
        nightly.nightly_checks_run(school=school, on=date(2026, 11, 20))
    failed.refresh_from_db()
    assert (failed.status, failed.finished_at, failed.heartbeat_at, failed.attempts) == (
        "failed",
        START + timedelta(minutes=1),
        START,
        1,
    )
    assert "database went away" in failed.errors and not Case.objects.exists()
