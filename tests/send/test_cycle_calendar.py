"""Cycles move with the calendar: a cycle at "Do" moves to "Review" by itself on its review date."""

from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from graduated_response.models import NightlyRun
from graduated_response.nightly import nightly_checks_run
from school.models import AuditEntry
from send.models import CycleStageChange, SupportCycle
from send.services.cycle_calendar import cycles_move_due_to_review
from tests import factories as f

LONDON = ZoneInfo("Europe/London")


def _cycles(school, cls, n, **kwargs):
    return [
        f.SupportCycleFactory(pupil=f.PupilFactory(school=school, registration_class=cls), **kwargs)
        for _ in range(n)
    ]


def test_cycles_due_move_to_review_with_history_and_audit(school, own_class, sendco):
    due = _cycles(school, own_class, 2, review_due=date(2026, 12, 4))
    (later,) = _cycles(school, own_class, 1, review_due=date(2026, 12, 11))
    (planning,) = _cycles(school, own_class, 1, review_due=date(2026, 12, 1), stage="plan")

    moved = cycles_move_due_to_review(school=school, on=date(2026, 12, 4))

    assert sorted(moved) == sorted(c.pk for c in due)
    stages = dict(SupportCycle.objects.values_list("pk", "stage"))
    assert [stages[c.pk] for c in due] == ["review", "review"]
    assert stages[later.pk] == "do" and stages[planning.pk] == "plan"
    history = CycleStageChange.objects.filter(cycle__in=due)
    assert {(h.from_stage, h.to_stage, h.changed_by, h.reason) for h in history} == {
        ("do", "review", None, "review date reached")
    }
    entries = AuditEntry.objects.filter(action="send.cycle.stage_changed")
    assert sorted(int(e.object_id) for e in entries) == sorted(c.pk for c in due)
    assert {e.actor_name for e in entries} == {"System"}
    assert {e.reason for e in entries} == {"Do to Review; review date reached"}


def test_a_second_run_moves_nothing_and_other_schools_are_left_alone(school, other_school, own_class):
    (mine,) = _cycles(school, own_class, 1)
    other_cls = f.RegistrationClassFactory(school=other_school, name="Elm", year_group=3)
    (theirs,) = _cycles(other_school, other_cls, 1)
    assert cycles_move_due_to_review(school=school, on=date(2026, 12, 7)) == [mine.pk]
    assert cycles_move_due_to_review(school=school, on=date(2026, 12, 7)) == []
    assert CycleStageChange.objects.filter(cycle=mine).count() == 1
    assert SupportCycle.objects.get(pk=theirs.pk).stage == "do"


def test_only_the_cycles_named_move(school, own_class):
    first, second = _cycles(school, own_class, 2)
    assert cycles_move_due_to_review(school=school, on=date(2026, 12, 7), cycle_ids=[second.pk]) == [
        second.pk
    ]
    assert SupportCycle.objects.get(pk=first.pk).stage == "do"


def test_the_number_of_queries_does_not_grow_with_cycles(school, own_class):
    counts = []
    for n in (2, 8):
        _cycles(school, own_class, n)
        with CaptureQueriesContext(connection) as queries:
            assert len(cycles_move_due_to_review(school=school, on=date(2026, 12, 7))) == n
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


def _run_on(school, day):
    with time_machine.travel(datetime(day.year, day.month, day.day, 23, 0, tzinfo=LONDON), tick=False):
        return nightly_checks_run(school=school, on=day)


def test_the_nightly_checks_move_the_cycles_due(school, own_class):
    (due,) = _cycles(school, own_class, 1, review_due=date(2026, 12, 4))
    (later,) = _cycles(school, own_class, 1, review_due=date(2026, 12, 11))
    run = _run_on(school, date(2026, 12, 4))
    assert run.status == NightlyRun.Status.SUCCEEDED
    assert SupportCycle.objects.get(pk=due.pk).stage == "review"
    assert SupportCycle.objects.get(pk=later.pk).stage == "do"


def test_a_failure_moving_cycles_does_not_stop_the_night(school, own_class):
    (due,) = _cycles(school, own_class, 1, review_due=date(2026, 12, 4))
    with mock.patch("graduated_response.nightly.cycles_move_due_to_review", side_effect=RuntimeError("boom")):
        run = _run_on(school, date(2026, 12, 4))
    assert run.status == NightlyRun.Status.SUCCEEDED
    assert SupportCycle.objects.get(pk=due.pk).stage == "do"
    # The next night that works moves it: every cycle due by then moves, not only that day's.
    _run_on(school, date(2026, 12, 7))
    assert SupportCycle.objects.get(pk=due.pk).stage == "review"
