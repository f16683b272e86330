"""On PostgreSQL, with real concurrent transactions: a long run's beats are seen by others while it
works (so the dashboard does not call it Abandoned), and of two nights started together the earlier
one, if it waited for the lock while the later one was checked, is refused there."""

import threading
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, connections
from django.utils import timezone

from graduated_response import nightly, nightly_write
from graduated_response.models import Case, NightlyRun
from graduated_response.nightly import NightlyRefused
from tests import factories as f
from tests.conftest import require_postgresql
from tests.graduated_response.conftest import fill_marks

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
LONDON = ZoneInfo("Europe/London")
START = datetime(2026, 11, 24, 2, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _needs_postgres():
    require_postgresql()


@pytest.fixture
def school():
    school = f.SchoolFactory(name="Racing Primary")
    f.add_academic_year(school)
    cls = f.RegistrationClassFactory(school=school, name="Willow", year_group=4)
    pupil = f.PupilFactory(school=school, registration_class=cls)
    fill_marks(pupil, date(2026, 9, 1), date(2026, 11, 23), lambda d, s, i: "O" if i % 8 == 0 else None)
    return school


def _in_thread(target, outcome, key):
    def run():
        try:
            outcome[key] = target()
        except Exception as exc:  # noqa: BLE001 - an exception is an outcome the test checks
            outcome[key] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_beating_run_is_seen_alive_by_another_connection_while_it_works(school, monkeypatch):
    writing, go_on, outcome = threading.Event(), threading.Event(), {}
    plan_night, entry_alerts = nightly.plan_night, nightly_write._entry_alerts

    with time_machine.travel(START, tick=False) as traveller:

        def slow_plan(evidence):  # planning takes 40 minutes
            traveller.shift(timedelta(minutes=40))
            return plan_night(evidence)

        def held_write(w, plan):  # then writing stops until the test has looked
            writing.set()
            go_on.wait(30)
            entry_alerts(w, plan)

        monkeypatch.setattr(nightly, "plan_night", slow_plan)
        monkeypatch.setattr(nightly_write, "_entry_alerts", held_write)
        thread = _in_thread(
            lambda: nightly.nightly_checks_run(school=school, on=date(2026, 11, 23)), outcome, "run"
        )
        assert writing.wait(30)
        traveller.shift(timedelta(minutes=40))  # 80 minutes since the run started
        try:
            seen = NightlyRun.objects.get(school=school)
            abandoned = nightly.nightly_abandon_stale(now=timezone.now(), school=school)  # does not wait
        finally:
            go_on.set()
            thread.join(60)
    assert seen.heartbeat_at == START + timedelta(minutes=40) and seen.status == "running"
    assert abandoned == []
    assert outcome["run"].status == "succeeded"


def _waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def test_an_earlier_night_that_waited_for_the_lock_while_a_later_one_was_checked_is_refused(
    school, monkeypatch
):
    holding, release, outcome = threading.Event(), threading.Event(), {}
    run_locked = nightly._run_locked

    def later_night_holds_the_lock(**kwargs):
        if kwargs["on"] == date(2026, 11, 23):
            holding.set()
            release.wait(30)
        return run_locked(**kwargs)

    monkeypatch.setattr(nightly, "_run_locked", later_night_holds_the_lock)
    with time_machine.travel(START, tick=False):
        later = _in_thread(
            lambda: nightly.nightly_checks_run(school=school, on=date(2026, 11, 23)), outcome, "23rd"
        )
        assert holding.wait(30)
        earlier = _in_thread(
            lambda: nightly.nightly_checks_run(school=school, on=date(2026, 11, 20)), outcome, "20th"
        )
        try:
            deadline = time.monotonic() + 20
            while not _waiting_for_a_lock() and time.monotonic() < deadline:
                time.sleep(0.05)
            assert _waiting_for_a_lock()  # the 20th passed the first check and waits for the school
        finally:
            release.set()
            later.join(60)
            earlier.join(60)
    assert outcome["23rd"].status == "succeeded"
    assert isinstance(outcome["20th"], NightlyRefused), outcome["20th"]
    assert "last successful night checked, 23 November 2026" in str(outcome["20th"])
    assert list(NightlyRun.objects.filter(school=school).values_list("run_date", "status")) == [
        (date(2026, 11, 23), "succeeded")
    ]
    assert list(Case.objects.filter(school=school).values_list("opened_on", flat=True)) == [
        date(2026, 11, 23)
    ]
