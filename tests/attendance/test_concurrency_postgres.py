"""Two people saving the same register at the same moment, on PostgreSQL (real row locks)."""

import threading
from datetime import date

import pytest
from django.db import connections

from attendance.models import RegisterMark
from attendance.services import RegisterConflict, RegisterEntry, register_save
from tests import factories as f
from tests.conftest import require_postgresql

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
DAY = date(2026, 11, 16)


@pytest.fixture(autouse=True)
def _needs_postgres():
    require_postgresql()


def _race(school, cls, pupils, actors_codes, versions, reason=""):
    barrier = threading.Barrier(len(actors_codes))
    outcomes = [None] * len(actors_codes)

    def run(i, actor, code):
        try:
            barrier.wait()
            outcomes[i] = register_save(
                actor=actor,
                school=school,
                registration_class=cls,
                date=DAY,
                session="AM",
                entries=[RegisterEntry(p.pk, code) for p in pupils],
                expected_versions=versions,
                reason=reason,
                today=date(2026, 11, 23),
            )
        except RegisterConflict as exc:
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a, c)) for i, (a, c) in enumerate(actors_codes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcomes


def test_simultaneous_first_saves_keep_one_and_tell_the_other(school, office_staff, attendance_officer):
    cls = f.RegistrationClassFactory(school=school, name="Race", year_group=5)
    pupils = [f.PupilFactory(school=school, registration_class=cls) for _ in range(30)]
    for _ in range(5):  # several rounds, so the race really happens both ways
        RegisterMark.objects.all().delete()
        outcomes = _race(school, cls, pupils, [(office_staff, "/"), (attendance_officer, "N")], {})
        conflicts = [o for o in outcomes if isinstance(o, RegisterConflict)]
        assert len(conflicts) == 1, outcomes
        winner_code = "/" if isinstance(outcomes[1], RegisterConflict) else "N"
        assert RegisterMark.objects.count() == 30
        assert set(RegisterMark.objects.values_list("code", flat=True)) == {winner_code}
        assert len(conflicts[0].changes) == 30 and conflicts[0].changes[0].code == winner_code


def test_simultaneous_amendments_of_the_same_version(school, office_staff, attendance_officer):
    cls = f.RegistrationClassFactory(school=school, name="Race", year_group=5)
    pupils = [f.PupilFactory(school=school, registration_class=cls) for _ in range(10)]
    register_save(
        actor=office_staff,
        school=school,
        registration_class=cls,
        date=DAY,
        session="AM",
        entries=[RegisterEntry(p.pk, "N") for p in pupils],
        expected_versions={},
        today=date(2026, 11, 23),
    )
    versions = {p.pk: 1 for p in pupils}
    outcomes = _race(
        school, cls, pupils, [(office_staff, "I"), (attendance_officer, "M")], versions, reason="Parent rang"
    )
    assert sum(isinstance(o, RegisterConflict) for o in outcomes) == 1
    assert set(RegisterMark.objects.values_list("version", flat=True)) == {2}
    assert len(set(RegisterMark.objects.values_list("code", flat=True))) == 1


@pytest.mark.parametrize("people", [2, 5, 10])
def test_many_people_saving_the_same_register_lose_nothing_and_duplicate_nothing(school, people):
    from attendance.models import MarkAmendment
    from school.models import Role

    cls = f.RegistrationClassFactory(school=school, name=f"Race{people}", year_group=5)
    pupils = [f.PupilFactory(school=school, registration_class=cls) for _ in range(30)]
    staff = [f.staff(school, Role.OFFICE_STAFF, username=f"office{people}-{i}") for i in range(people)]
    # No C or C2: they come only from a granted leave request or a part-time timetable (code_origins).
    first_codes = ["/", "N", "I", "M", "R", "K", "O", "G", "B", "V"]  # C2 needs a part-time timetable
    # Disjoint from first_codes, so every amendment really changes the mark.
    amended_codes = ["P", "W", "C1", "E", "J1", "S", "T", "D", "X", "Q"]

    # Everyone takes the register for the first time at once: one wins, everyone else is told.
    outcomes = _race(school, cls, pupils, [(s, first_codes[i]) for i, s in enumerate(staff)], {})
    assert sum(isinstance(o, RegisterConflict) for o in outcomes) == people - 1
    assert RegisterMark.objects.filter(pupil__in=pupils).count() == 30
    assert len(set(RegisterMark.objects.filter(pupil__in=pupils).values_list("code", flat=True))) == 1

    # Everyone amends the version they all loaded: exactly one amendment per pupil survives.
    versions = {p.pk: 1 for p in pupils}
    outcomes = _race(
        school,
        cls,
        pupils,
        [(s, amended_codes[i]) for i, s in enumerate(staff)],
        versions,
        reason="Parent rang",
    )
    winners = [o for o in outcomes if not isinstance(o, RegisterConflict)]
    assert len(winners) == 1
    assert set(RegisterMark.objects.filter(pupil__in=pupils).values_list("version", flat=True)) == {2}
    assert MarkAmendment.objects.filter(mark__pupil__in=pupils).count() == 30
