import hashlib
import io
from datetime import date

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count

from school import demo
from school.calendar import SchoolCalendar
from school.models import Contact, Membership, Pupil, PupilContact, RegistrationClass, Role, School
from send.models import SupportCycle, Target


def test_plan_is_deterministic_for_a_seed():
    assert demo.demo_plan(seed=7, year_start=2026) == demo.demo_plan(seed=7, year_start=2026)
    assert demo.demo_plan(seed=7, year_start=2026).pupils != demo.demo_plan(seed=8, year_start=2026).pupils


def test_plan_shape():
    plan = demo.demo_plan(seed=1, year_start=2026)
    on_roll = [p for p in plan.pupils if p["leaving_date"] is None]
    assert len(on_roll) == 420 and len(plan.classes) == 14
    assert {p["year_group"] for p in on_roll} == set(range(0, 7))
    assert {s["role"] for s in plan.staff} == set(Role.values)
    assert len({p["upn"] for p in plan.pupils}) == len(plan.pupils)
    # Siblings share contacts: some family has more than one child.
    families = [p["family"] for p in plan.pupils]
    assert any(families.count(i) > 1 for i in set(families))
    year = plan.years[1]
    assert year["name"] == "2026/27" and len(year["periods"]) == 6 and len(year["inset"]) == 2


@time_machine.travel(date(2026, 11, 23))
@pytest.mark.django_db(transaction=False)
def test_seed_demo_builds_once_and_is_safe_to_run_again():
    out = io.StringIO()
    call_command("seed_demo", "--seed", "3", stdout=out)
    school = School.objects.get(name=demo.DEMO_SCHOOL)
    counts = (
        Pupil.objects.count(),
        Contact.objects.count(),
        PupilContact.objects.count(),
        Membership.objects.count(),
    )
    assert Pupil.objects.on_roll(at=date(2026, 11, 23)).count() == 420
    assert RegistrationClass.objects.filter(school=school).count() == 14
    assert school.academic_years.count() == 2
    # What is in the database is the plan for that seed.
    plan = demo.demo_plan(seed=3, year_start=2026)
    assert sorted(Pupil.objects.values_list("upn", flat=True)) == sorted(p["upn"] for p in plan.pupils)
    # A carried-forward target is not set again as a new one in the same plan.
    repeated = Target.objects.values("cycle_id", "target").annotate(n=Count("id")).filter(n__gt=1)
    assert Target.objects.filter(carried_from__isnull=False).exists() and not repeated.exists()
    # Parents are told the review date, so it falls on a day the school is open (not 25 December).
    calendar = SchoolCalendar.for_school(school)
    dues = set(SupportCycle.objects.filter(school=school).open().values_list("review_due", flat=True))
    first, last = min(p[0] for p in calendar.periods), max(p[1] for p in calendar.periods)
    assert dues and not [d for d in dues if first <= d <= last and not calendar.is_school_day(d)]
    call_command("seed_demo", "--seed", "3", stdout=out)
    call_command("seed_demo", "--if-empty", stdout=out)
    assert counts == (
        Pupil.objects.count(),
        Contact.objects.count(),
        PupilContact.objects.count(),
        Membership.objects.count(),
    )
    assert "nothing changed" in out.getvalue()


@time_machine.travel(date(2026, 11, 23))
def test_demo_logins_work(login, db):
    from django.contrib.auth import get_user_model

    call_command("seed_demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    assert demo.DEMO_PASSWORD in text and "teacher" in text and "Governor" in text
    teacher = get_user_model().objects.get(username="teacher")
    assert teacher.check_password(demo.DEMO_PASSWORD)
    response = login(teacher).get("/school/pupils/")
    assert response.context["page"].paginator.count == 30  # the Heron class only


def test_if_empty_skips_when_a_school_exists(school):
    call_command("seed_demo", "--if-empty", stdout=io.StringIO())
    assert not School.objects.filter(name=demo.DEMO_SCHOOL).exists()


def _demo_digest() -> dict[str, str]:
    """A fingerprint of what a user sees of the demo: marks, office history, SEN provision, case tiers.

    Everything is keyed by UPN and names, never by database ids, so two builds compare equal only if
    the data is the same whatever ids the database handed out.
    """
    from django.apps import apps

    def rows(label, *fields):
        return sorted(apps.get_model(label).objects.values_list(*fields))

    parts = {
        "marks": rows("attendance.RegisterMark", "pupil__upn", "date", "session", "code", "minutes_late"),
        "amendments": rows(
            "attendance.MarkAmendment",
            "mark__pupil__upn",
            "mark__date",
            "mark__session",
            "old_code",
            "new_code",
        ),
        "calls": rows("attendance.AbsenceCall", "pupil__upn", "first_date", "code"),
        "leave": rows("attendance.LeaveRequest", "pupil__upn", "start_date", "code"),
        "sen_register": rows("send.SendRecord", "pupil__upn", "status", "primary_need", "secondary_need"),
        "provision": rows(
            "send.ProvisionEnrolment", "pupil__upn", "intervention__name", "start_date", "end_date"
        ),
        "case_tiers": rows("graduated_response.Case", "pupil__upn", "status", "current_tier"),
    }
    assert parts["marks"] and parts["provision"] and parts["case_tiers"], "the demo should hold these"
    return {name: hashlib.sha256(repr(value).encode()).hexdigest() for name, value in parts.items()}


def _empty_every_table() -> None:
    """Delete every row, keeping the id counters running, so a rebuild gets different ids."""
    from django.core.management.color import no_style
    from django.db import connection

    # PostgreSQL refuses to TRUNCATE tables with deferred foreign-key checks still pending from the
    # first build; checking the constraints now fires them.
    connection.check_constraints()
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables, reset_sequences=False))


@time_machine.travel(date(2026, 11, 23))
def test_seed_demo_gives_identical_data_for_the_same_seed(db):
    call_command("seed_demo", "--seed", "5", "--today", "2026-10-09", stdout=io.StringIO())
    first = _demo_digest()
    first_pupil_ids = set(Pupil.objects.values_list("pk", flat=True))
    _empty_every_table()
    assert not Pupil.objects.exists()
    call_command("seed_demo", "--seed", "5", "--today", "2026-10-09", stdout=io.StringIO())
    assert not first_pupil_ids & set(Pupil.objects.values_list("pk", flat=True))  # really new rows
    assert _demo_digest() == first
