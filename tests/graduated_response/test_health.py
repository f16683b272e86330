"""The nightly checks stopped (scheduler or broker down): the pages say so and raise one alert, with no
task running at all."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from graduated_response.health import stale_nightly_runs
from graduated_response.models import Alert, NightlyRun
from tests import factories as f

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
LAST_FINISHED = datetime(2026, 11, 21, 2, 5, tzinfo=LONDON)


@pytest.fixture
def last_run(school, pupil):
    return NightlyRun.objects.create(
        school=school,
        run_date=date(2026, 11, 20),
        status=NightlyRun.Status.SUCCEEDED,
        started_at=LAST_FINISHED,
        finished_at=LAST_FINISHED,
    )


def test_within_26_hours_there_is_no_warning(login, attendance_officer, last_run):
    with time_machine.travel(datetime(2026, 11, 22, 4, 5, tzinfo=LONDON), tick=False):  # 26 hours on
        response = login(attendance_officer).get(reverse("graduated_response:dashboard"))
    assert response.status_code == 200
    assert b'data-testid="stale-runs"' not in response.content
    assert not Alert.objects.filter(kind="nightly_run_missing").exists()


def test_a_stopped_scheduler_shows_a_warning_and_raises_one_alert(
    login, attendance_officer, headteacher, last_run
):
    runs_before = NightlyRun.objects.count()
    with time_machine.travel(datetime(2026, 11, 22, 4, 6, tzinfo=LONDON), tick=False):  # 26h 1m on
        client = login(attendance_officer)
        response = client.get(reverse("graduated_response:dashboard"))
        assert response.status_code == 200
        text = response.content.decode()
        assert "The nightly checks have not run since 21 November 2026 at 02:05" in text
        assert "tell your IT support" in text
        alert = Alert.objects.get(kind="nightly_run_missing")
        assert alert.pupil is None and alert.roles == ["attendance_officer", "headteacher"]
        assert alert.period_key == "after-2026-11-20" and alert.created_on == date(2026, 11, 22)
        # The new alert is on the dashboard's list, for the headteacher too.
        assert response.context["alert_count"] == 1

        # Loading the page again, or the home panel, or as someone else, raises nothing new.
        client.get(reverse("graduated_response:dashboard"))
        panel = login(headteacher).get(reverse("graduated_response:panel_home"))
        assert "tell your IT support" in panel.content.decode()
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=LONDON), tick=False):
        later = login(attendance_officer).get(reverse("graduated_response:panel_home"))
        assert "(54 hours ago)" in later.content.decode()
    assert Alert.objects.filter(kind="nightly_run_missing").count() == 1
    assert NightlyRun.objects.count() == runs_before  # nothing ran: the page only reported it


def test_once_a_run_succeeds_again_the_warning_goes(login, attendance_officer, school, last_run):
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=LONDON), tick=False):
        client = login(attendance_officer)
        assert b'data-testid="stale-runs"' in client.get(reverse("graduated_response:dashboard")).content
        NightlyRun.objects.create(
            school=school,
            run_date=date(2026, 11, 22),
            status=NightlyRun.Status.SUCCEEDED,
            finished_at=datetime(2026, 11, 23, 8, 30, tzinfo=LONDON),
        )
        assert b'data-testid="stale-runs"' not in client.get(reverse("graduated_response:dashboard")).content


def test_a_school_never_checked_is_warned_only_once_it_has_pupils(login, attendance_officer, school):
    now = datetime(2026, 11, 23, 9, 0, tzinfo=LONDON)
    with time_machine.travel(now, tick=False):
        client = login(attendance_officer)
        assert stale_nightly_runs(school, now) is None
        assert b'data-testid="stale-runs"' not in client.get(reverse("graduated_response:panel_home")).content
        f.PupilFactory(school=school)
        response = client.get(reverse("graduated_response:panel_home"))
    assert "The nightly checks have never run for this school" in response.content.decode()
    assert Alert.objects.get(kind="nightly_run_missing").period_key == "never"


def test_a_failed_run_does_not_count_as_a_check(school, last_run):
    NightlyRun.objects.create(
        school=school,
        run_date=date(2026, 11, 22),
        status=NightlyRun.Status.FAILED,
        finished_at=datetime(2026, 11, 23, 2, 1, tzinfo=LONDON),
        errors="OperationalError: could not connect",
    )
    stale = stale_nightly_runs(school, datetime(2026, 11, 23, 9, 0, tzinfo=LONDON))
    assert stale is not None and stale.last_run_date == date(2026, 11, 20)
