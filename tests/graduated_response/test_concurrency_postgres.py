"""Two workers running the same school's night at the same moment, on PostgreSQL (real row locks and
real concurrent transactions): the result is exactly what one run alone produces, with no duplicate
cases, tier changes, checklist actions, alerts or run records."""

import re
import threading
from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connections

from graduated_response.models import Alert, Case, CaseAction, NightlyRun, TierChange
from graduated_response.nightly import nightly_checks_run
from tests import factories as f
from tests.conftest import require_postgresql
from tests.graduated_response.conftest import fill_marks

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
NIGHT = date(2026, 11, 20)
LONDON = ZoneInfo("Europe/London")

# (absence pattern, SEN provision): a spread of tiers and triggers, SEND routing included.
PUPILS = [
    (lambda d, s, i: "O" if i % 8 == 0 else None, "N"),  # Tier 3
    (lambda d, s, i: "O" if i % 14 == 0 else None, "K"),  # Tier 2, SEN support
    (lambda d, s, i: "G" if i % 3 == 0 else None, "E"),  # Tier 4, EHC plan
    (lambda d, s, i: "O" if d >= date(2026, 11, 2) else None, "N"),  # 15 days off: continuous absence
    (lambda d, s, i: "L" if d >= date(2026, 11, 16) and s == "AM" else None, "N"),  # late marks
    (lambda d, s, i: "I" if i % 5 == 0 else None, "N"),  # illness
    (None, "N"),  # always present
]


@pytest.fixture(autouse=True)
def _needs_postgres():
    require_postgresql()


def _school(name):
    school = f.SchoolFactory(name=name)
    f.add_academic_year(school)
    cls = f.RegistrationClassFactory(school=school, name="Willow", year_group=4)
    for pattern, sen in PUPILS:
        pupil = f.PupilFactory(school=school, registration_class=cls, sen_provision=sen)
        fill_marks(pupil, date(2026, 9, 1), NIGHT, pattern)
    return school


def _race(school, workers):
    barrier = threading.Barrier(workers)
    outcomes = [None] * workers

    def run(i):
        try:
            barrier.wait()
            outcomes[i] = nightly_checks_run(school=school, on=NIGHT)
        except Exception as exc:  # noqa: BLE001 - a crash is an outcome the test reports
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def _result(school) -> dict:
    """Everything the night wrote, keyed by pupil position so two schools can be compared."""
    order = {pk: n for n, pk in enumerate(school.pupils.order_by("pk").values_list("pk", flat=True))}
    return {
        "cases": sorted(
            (order[p], t) for p, t in Case.objects.filter(school=school).values_list("pupil", "current_tier")
        ),
        "tier_changes": sorted(
            (order[p], a, b)
            for p, a, b in TierChange.objects.filter(case__school=school).values_list(
                "case__pupil", "from_tier", "to_tier"
            )
        ),
        "actions": Counter(
            (order[p], tier, text)
            for p, tier, text in CaseAction.objects.filter(case__school=school).values_list(
                "case__pupil", "tier", "text"
            )
        ),
        "alerts": Counter(
            (order.get(p), kind, re.sub(r"case\d+", "case", key))  # keys name the case's id
            for p, kind, key in Alert.objects.filter(school=school).values_list("pupil", "kind", "period_key")
        ),
        "runs": list(NightlyRun.objects.filter(school=school).values_list("run_date", "status", "attempts")),
    }


@pytest.mark.parametrize("workers", [2, 4])
def test_racing_runs_of_the_same_night_write_what_one_run_writes(workers):
    alone = _school("Alone Primary")
    raced = [_school(f"Raced Primary {n}") for n in range(3)]  # several rounds: the race goes both ways
    with time_machine.travel(datetime(2026, 11, 21, 2, 0, tzinfo=LONDON), tick=False):
        nightly_checks_run(school=alone, on=NIGHT)
        expected = _result(alone)
        assert len(expected["cases"]) >= 4 and sum(expected["alerts"].values()) >= 5  # a real workload
        for school in raced:
            outcomes = _race(school, workers)
            assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
            assert {o.status for o in outcomes} == {NightlyRun.Status.SUCCEEDED}
            got = _result(school)
            for what in ("cases", "tier_changes", "actions", "alerts"):
                assert got[what] == expected[what], what
            # One run record, run once: the others waited on the lock, then saw it was done.
            assert got["runs"] == [(NIGHT, "succeeded", 1)]
            assert max(got["alerts"].values()) == 1 and max(got["actions"].values()) == 1
