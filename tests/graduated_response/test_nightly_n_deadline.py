"""The nightly run turns N marks whose 5 school days end on the next school day into a task for the
office ("must become O today"), once per absence, shown on My work with a link to the N queue."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from graduated_response.models import Alert
from graduated_response.nightly import nightly_checks_run
from tests import factories as f

LONDON = ZoneInfo("Europe/London")


def run(school, day):
    with time_machine.travel(datetime(day.year, day.month, day.day, 23, 0, tzinfo=LONDON), tick=False):
        return nightly_checks_run(school=school, on=day)


def test_the_night_before_the_last_day_makes_one_task_per_pupil(
    login, office_staff, school, pupil, other_class_pupil
):
    # Fri 20 Nov N: its 5th school day is Fri 27 Nov, so the night of Thu 26 Nov raises the task.
    for session in ("AM", "PM"):
        f.RegisterMarkFactory(pupil=pupil, date=date(2026, 11, 20), session=session, code="N")
    f.RegisterMarkFactory(pupil=other_class_pupil, date=date(2026, 11, 25), code="N")  # not due yet
    run(school, date(2026, 11, 25))
    assert not Alert.objects.filter(kind="n_must_become_o").exists()
    run(school, date(2026, 11, 26))
    alert = Alert.objects.get(kind="n_must_become_o")
    assert alert.pupil == pupil
    assert "Must become O on Friday 27 November unless the reason is known: Fri 20 Nov AM, Fri 20 Nov PM" in (
        alert.message
    )
    assert ",office_staff," in alert.for_roles and ",attendance_officer," in alert.for_roles
    run(school, date(2026, 11, 27))  # still N the next night: the same task, not a second one
    assert Alert.objects.filter(kind="n_must_become_o").count() == 1
    with time_machine.travel(datetime(2026, 11, 27, 8, 0, tzinfo=LONDON), tick=False):
        page = login(office_staff).get(reverse("graduated_response:my_work")).content.decode()
    assert "N must become O today" in page
    assert reverse("attendance:n_queue") in page


def test_a_resolved_n_raises_no_task(school, pupil):
    f.RegisterMarkFactory(pupil=pupil, date=date(2026, 11, 20), code="I")
    run(school, date(2026, 11, 26))
    assert not Alert.objects.filter(kind="n_must_become_o").exists()
