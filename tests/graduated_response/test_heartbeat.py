"""A nightly run killed mid-way does not show "Running" for ever: it stops beating, becomes Abandoned
(on the officer's dashboard, by the sweep, or by the next run) and is run again; nightly tasks are
acknowledged late and re-queued when their worker dies; every task has time limits."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from config.celery import app
from graduated_response import nightly
from graduated_response.models import Case, NightlyRun
from graduated_response.tasks import nightly_sweep, run_nightly_checks_all, run_nightly_checks_for_school
from tests.graduated_response.conftest import fill_marks

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
KILLED_AT = datetime(2026, 11, 21, 2, 1, tzinfo=LONDON)


@pytest.fixture
def killed_run(school, pupil, monkeypatch):
    """The worker running the night of 20 November is killed half-way (SystemExit is not caught)."""
    fill_marks(pupil, date(2026, 9, 1), date(2026, 11, 20), lambda d, s, i: "O" if i % 8 == 0 else None)

    def killed(**kwargs):
        raise SystemExit("worker killed")

    with monkeypatch.context() as m, time_machine.travel(KILLED_AT, tick=False):
        m.setattr(nightly, "_run_locked", killed)
        with pytest.raises(SystemExit):
            nightly.nightly_checks_run(school=school, on=date(2026, 11, 20))
    run = NightlyRun.objects.get(school=school, run_date=date(2026, 11, 20))
    assert run.status == "running" and run.heartbeat_at == KILLED_AT
    assert not Case.objects.exists()  # its work rolled back
    return run


def test_a_killed_run_shows_abandoned_on_the_dashboard_not_running(login, attendance_officer, killed_run):
    with time_machine.travel(KILLED_AT + timedelta(minutes=20), tick=False):  # may still be alive
        page = login(attendance_officer).get(reverse("graduated_response:dashboard")).content.decode()
    assert "Running" in page and "Abandoned" not in page
    with time_machine.travel(KILLED_AT + timedelta(hours=6), tick=False):
        client = login(attendance_officer)
        client.logout()  # a new day's session
        page = login(attendance_officer).get(reverse("graduated_response:dashboard")).content.decode()
    killed_run.refresh_from_db()
    assert killed_run.status == "abandoned" and "no sign of life since 21 November 2026 at 02:01" in (
        killed_run.errors
    )
    assert "Abandoned</span>" in page and "Running" not in page


def test_the_sweep_abandons_a_dead_run_and_runs_the_night_again(school, pupil, killed_run):
    with time_machine.travel(KILLED_AT + timedelta(hours=1), tick=False):
        assert nightly_sweep() == 1  # eager in tests: the school's task runs inline
    killed_run.refresh_from_db()
    assert killed_run.status == "succeeded" and killed_run.errors == ""
    assert Case.objects.filter(pupil=pupil, status="open").count() == 1
    with time_machine.travel(KILLED_AT + timedelta(hours=2), tick=False):
        assert nightly_sweep() == 0


def test_the_next_nights_run_abandons_and_catches_up_the_dead_one(school, pupil, killed_run):
    NightlyRun.objects.create(  # the night before had been checked
        school=school,
        run_date=date(2026, 11, 19),
        status="succeeded",
        started_at=KILLED_AT - timedelta(days=1),
        finished_at=KILLED_AT - timedelta(days=1),
    )
    fill_marks(pupil, date(2026, 11, 23), date(2026, 11, 23), lambda d, s, i: None)
    with time_machine.travel(datetime(2026, 11, 24, 2, 0, tzinfo=LONDON), tick=False):
        result = run_nightly_checks_for_school(school.pk, "2026-11-23")
    assert result["runs"]["2026-11-20"] == "succeeded" and result["runs"]["2026-11-23"] == "succeeded"


def test_nightly_tasks_are_acked_late_and_requeued_when_the_worker_dies():
    for task in (run_nightly_checks_all, run_nightly_checks_for_school, nightly_sweep):
        assert task.acks_late and task.reject_on_worker_lost, task.name


def test_every_task_has_soft_and_hard_time_limits():
    app.loader.import_default_modules()
    ours = [t for name, t in app.tasks.items() if not name.startswith("celery.")]
    assert len(ours) >= 6
    for task in ours:
        soft = task.soft_time_limit or app.conf.task_soft_time_limit
        hard = task.time_limit or app.conf.task_time_limit
        assert soft and hard and soft < hard, task.name
