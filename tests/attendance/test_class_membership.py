"""A register for a day lists the pupils in that class on that day: class membership has dates."""

from datetime import date
from importlib import import_module

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from attendance import selectors, services
from attendance.models import RegisterMark
from school import services as school_services
from school.calendar import SchoolCalendar
from school.class_membership import pupil_class_move
from school.models import AuditEntry, ClassMembership, Pupil
from tests import factories as f

OCT_15, NOV_1, NOV_16 = date(2026, 10, 15), date(2026, 11, 1), date(2026, 11, 16)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-12-01 10:00 +0000", tick=False):
        yield


@pytest.fixture
def moved(headteacher, pupil, other_class):
    """The pupil was in Oak (own_class) and moved to Ash (other_class) on 1 November."""
    pupil_class_move(
        actor=headteacher, pupil=pupil, registration_class=other_class, on=NOV_1, reason="Regrouped"
    )
    return pupil


def _names(cls, day):
    return [p.pk for p, _ in selectors.register_rows(registration_class=cls, day=day, session="AM")]


def test_oaks_register_lists_a_moved_pupil_before_the_move_and_not_after(moved, own_class, other_class):
    assert moved.pk in _names(own_class, OCT_15)
    assert moved.pk not in _names(own_class, date(2026, 11, 15))
    assert moved.pk not in _names(own_class, NOV_16)
    assert moved.pk in _names(other_class, NOV_16) and moved.pk not in _names(other_class, OCT_15)
    memberships = list(
        ClassMembership.objects.filter(pupil=moved).values_list("registration_class", "start", "end")
    )
    assert memberships == [
        (own_class.pk, date(2022, 9, 1), date(2026, 10, 31)),
        (other_class.pk, NOV_1, None),
    ]
    entry = AuditEntry.objects.get(action="school.pupil.class_moved")
    assert entry.pupil_id == moved.pk and entry.after["from"] == "2026-11-01" and entry.reason == "Regrouped"


def test_register_pages_and_counts_follow_membership(login, office_staff, moved, own_class, other_class):
    client = login(office_staff)
    october = client.get(reverse("attendance:register_take", args=[own_class.pk, OCT_15.isoformat(), "AM"]))
    november = client.get(reverse("attendance:register_take", args=[own_class.pk, NOV_16.isoformat(), "AM"]))
    assert str(moved) in october.content.decode()
    assert str(moved) not in november.content.decode()
    statuses = selectors.register_statuses(
        classes=own_class.school.classes.all(),
        day=OCT_15,
        calendar=SchoolCalendar.for_school(own_class.school),
    )
    assert {s.registration_class.name: s.on_roll for s in statuses} == {"Oak": 1, "Ash": 0}


def test_a_past_register_saves_for_the_pupils_in_the_class_that_day(
    class_teacher, moved, own_class, other_class
):
    school = own_class.school
    services.register_save(
        actor=class_teacher,
        school=school,
        registration_class=own_class,
        date=OCT_15,
        session="AM",
        entries=[services.RegisterEntry(moved.pk, "/")],
        expected_versions={},
    )
    assert RegisterMark.objects.get(pupil=moved).date == OCT_15
    with pytest.raises(services.RegisterRefused):  # in Ash by 16 November
        services.register_save(
            actor=class_teacher,
            school=school,
            registration_class=own_class,
            date=NOV_16,
            session="AM",
            entries=[services.RegisterEntry(moved.pk, "/")],
            expected_versions={},
        )


def test_amending_an_october_mark_needs_the_october_class(login, office_staff, school, moved, other_class):
    ash_teacher = f.staff(school, "class_teacher", username="ash-teacher")
    other_class.staff.add(ash_teacher)
    mark = f.RegisterMarkFactory(pupil=moved, date=OCT_15, code="N")
    url = reverse("attendance:mark_amend", args=[mark.pk])
    assert login(ash_teacher).get(url).status_code == 403  # Oak's register that day, not Ash's


def test_editing_the_class_on_the_pupil_form_is_a_move_from_today(headteacher, pupil, own_class, other_class):
    school_services.pupil_update(actor=headteacher, pupil=pupil, registration_class=other_class)
    assert list(ClassMembership.objects.filter(pupil=pupil).values_list("registration_class", "end")) == [
        (own_class.pk, date(2026, 11, 30)),
        (other_class.pk, None),
    ]


@pytest.mark.parametrize(
    "on,message", [(date(2026, 12, 2), "not in the future"), (date(2022, 8, 31), "joined the school")]
)
def test_impossible_move_dates_are_refused(headteacher, pupil, other_class, on, message):
    with pytest.raises(ValidationError, match=message):
        pupil_class_move(actor=headteacher, pupil=pupil, registration_class=other_class, on=on)
    assert Pupil.objects.get(pk=pupil.pk).registration_class_id != other_class.pk


def test_the_data_migration_gives_every_pupil_with_a_class_a_membership_from_admission(pupil, school):
    classless = f.PupilFactory(school=school)
    ClassMembership.objects.all().delete()
    import_module("school.migrations.0003_class_membership").memberships_from_current_class(apps, None)
    assert list(ClassMembership.objects.values_list("pupil", "start", "end")) == [
        (pupil.pk, pupil.admission_date, None)
    ]
    assert not ClassMembership.objects.filter(pupil=classless).exists()


def test_the_pupil_import_opens_and_moves_memberships(school, own_class, other_class, office_staff):
    from tests.school.test_import import UPN1, csv_text, row

    school_services.pupil_import(actor=office_staff, school=school, data=csv_text(row(UPN1)).encode())
    ada = Pupil.objects.get(upn=UPN1)
    assert list(ada.class_memberships.values_list("registration_class", "start", "end")) == [
        (own_class.pk, date(2022, 9, 1), None)
    ]
    school_services.pupil_import(
        actor=office_staff, school=school, data=csv_text(row(UPN1, cls="Ash")).encode()
    )
    assert list(ada.class_memberships.values_list("registration_class", "start", "end")) == [
        (own_class.pk, date(2022, 9, 1), date(2026, 11, 30)),
        (other_class.pk, date(2026, 12, 1), None),
    ]
    assert ada.pk in _names(own_class, OCT_15)


def test_the_pupil_form_says_the_class_changes_from_today(login, office_staff, pupil):
    body = login(office_staff).get(reverse("school:pupil_edit", args=[pupil.pk])).content.decode()
    assert (
        "Moving a pupil changes their class from today; earlier registers keep the class they were in."
        in body
    )
