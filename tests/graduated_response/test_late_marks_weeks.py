"""Issue 14: "2 late marks in a week" checks every week the nightly run covers, not only the week of the
run date, so a caught-up night or a late amendment raises it for the week the marks are in."""

from datetime import date

import pytest

from attendance.models import RegisterMark
from graduated_response import triggers
from graduated_response.models import Alert
from tests.graduated_response.conftest import fill_marks
from tests.graduated_response.test_nightly import run_on

pytestmark = pytest.mark.django_db
LATE = {date(2026, 11, 10): "L", date(2026, 11, 12): "L"}  # Tuesday and Thursday of the week of 9 Nov


def _late_alerts(pupil):
    return list(
        Alert.objects.filter(pupil=pupil, kind=triggers.Kind.LATE_MARKS).values_list("period_key", flat=True)
    )


def test_late_marks_in_an_earlier_week_raise_the_alert_for_that_week(school, pupil):
    fill_marks(
        pupil, date(2026, 9, 1), date(2026, 11, 20), lambda d, s, i: LATE.get(d) if s == "AM" else None
    )
    # The nights of the week of 9 November were never checked: the next run is on Friday 20 November.
    run_on(school, date(2026, 11, 20))
    assert _late_alerts(pupil) == ["2026-11-09"]
    alert = Alert.objects.get(pupil=pupil, kind=triggers.Kind.LATE_MARKS)
    assert "2 late marks in the week of 9 November 2026" in alert.message
    run_on(school, date(2026, 11, 20))  # again: no second alert
    assert _late_alerts(pupil) == ["2026-11-09"]


def test_a_late_amendment_raises_it_on_the_next_night(school, pupil):
    fill_marks(
        pupil,
        date(2026, 9, 1),
        date(2026, 11, 13),
        lambda d, s, i: "L" if (d, s) == (date(2026, 11, 10), "AM") else None,
    )
    run_on(school, date(2026, 11, 13))
    assert _late_alerts(pupil) == []  # one late mark that week
    # On Monday the office amends Thursday's register: the pupil was late then too.
    RegisterMark.objects.filter(pupil=pupil, date=date(2026, 11, 12), session="AM").update(
        code="L", minutes_late=10
    )
    fill_marks(pupil, date(2026, 11, 16), date(2026, 11, 16))
    run_on(school, date(2026, 11, 16))
    assert _late_alerts(pupil) == ["2026-11-09"]


def test_weeks_with_one_late_mark_each_raise_nothing(school, pupil):
    fill_marks(
        pupil,
        date(2026, 9, 1),
        date(2026, 11, 20),
        lambda d, s, i: "L" if d.weekday() == 0 and s == "AM" else None,
    )
    run_on(school, date(2026, 11, 20))
    assert _late_alerts(pupil) == []
