"""A closure added on a day with marks asks first, then recodes the marks (# planned, Y4 unexpected)."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from attendance import closures, statistics
from attendance.code_origins import closure_code
from attendance.models import MarkAmendment, RegisterMark
from school.calendar import SchoolCalendar
from school.models import AuditEntry, ClosureDay, Pupil
from tests import factories as f

DAY = date(2026, 11, 16)  # a Monday in Autumn 2


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-11-23 10:00 +0000", tick=False):
        yield


@pytest.mark.parametrize(
    "kind,code",
    [("inset", "#"), ("planned", "#"), ("other", "#"), ("bank_holiday", "#"), ("unexpected", "Y4")],
)
def test_closure_code_by_kind(kind, code):
    assert closure_code(kind) == code


def _marks(pupils, codes_am, codes_pm=None):
    for pupil, code in zip(pupils, codes_am, strict=True):
        f.RegisterMarkFactory(pupil=pupil, date=DAY, session="AM", code=code)
    for pupil, code in zip(pupils, codes_pm or [], strict=False):
        f.RegisterMarkFactory(pupil=pupil, date=DAY, session="PM", code=code)


def test_closure_on_a_day_with_marks_asks_then_recodes_them(login, headteacher, school, own_class):
    pupils = [f.PupilFactory(school=school, registration_class=own_class) for _ in range(3)]
    _marks(pupils, ["/", "I", "N"], ["\\"])
    client = login(headteacher)
    url = reverse("attendance:closure_create")
    data = {"date": DAY.isoformat(), "kind": "planned", "sessions": "both", "reason": "Polling station"}

    page = client.post(url, data)
    assert page.status_code == 200
    body = page.content.decode()
    assert "4 marks already recorded on Monday 16 November 2026" in body
    assert "Keep the day open" in body and "recode 4 marks as #" in body
    assert not ClosureDay.objects.filter(date=DAY).exists()  # nothing saved until confirmed
    assert set(RegisterMark.objects.values_list("code", flat=True)) == {"/", "\\", "I", "N"}

    response = client.post(url, data | {"marks_seen": "4"})
    assert response.status_code == 302
    assert ClosureDay.objects.filter(school=school, date=DAY, kind="planned").exists()
    assert set(RegisterMark.objects.values_list("code", flat=True)) == {"#"}
    amendments = MarkAmendment.objects.all()
    assert sorted(a.old_code for a in amendments) == ["/", "I", "N", "\\"]
    assert {a.reason for a in amendments} == {"School closed: planned closure (Polling station)"}
    assert AuditEntry.objects.filter(action="attendance.mark.amended").count() == 4
    assert AuditEntry.objects.get(action="attendance.closure.marks_recoded").after["marks"] == 4
    figures = statistics.pupil_figures(
        Pupil.objects.filter(pk__in=[p.pk for p in pupils]),
        DAY,
        DAY,
        calendar=SchoolCalendar.for_school(school),
    )
    assert [figures[p.pk].possible for p in pupils] == [0, 0, 0]


def test_unexpected_closure_of_the_afternoon_recodes_only_afternoon_marks_as_y4(headteacher, school, pupil):
    _marks([pupil], ["/"], ["\\"])
    with pytest.raises(closures.ClosureHasMarks) as asked:
        closures.closure_add(actor=headteacher, school=school, date=DAY, kind="unexpected", sessions="PM")
    assert (asked.value.count, asked.value.code) == (1, "Y4")
    _, recoded = closures.closure_add(
        actor=headteacher, school=school, date=DAY, kind="unexpected", sessions="PM", marks_seen=1
    )
    assert recoded == 1
    assert dict(RegisterMark.objects.values_list("session", "code")) == {"AM": "/", "PM": "Y4"}


def test_a_register_taken_after_the_question_asks_again(headteacher, school, pupil, own_class):
    _marks([pupil], ["/"])
    f.RegisterMarkFactory(pupil=f.PupilFactory(school=school, registration_class=own_class), date=DAY)
    with pytest.raises(closures.ClosureHasMarks) as asked:  # the person saw 1, there are now 2
        closures.closure_add(actor=headteacher, school=school, date=DAY, kind="inset", marks_seen=1)
    assert asked.value.count == 2
    assert not ClosureDay.objects.filter(date=DAY).exists()
    assert not MarkAmendment.objects.exists()


def test_keeping_the_day_open_saves_nothing(login, headteacher, pupil):
    _marks([pupil], ["/"])
    client = login(headteacher)
    client.post(
        reverse("attendance:closure_create"), {"date": DAY.isoformat(), "kind": "inset", "sessions": "both"}
    )
    assert client.get(reverse("school:calendar")).status_code == 200
    assert not ClosureDay.objects.filter(date=DAY).exists()
    assert RegisterMark.objects.get().code == "/"


def test_a_closure_on_a_day_without_marks_is_added_straight_away(login, headteacher, school):
    response = login(headteacher).post(
        reverse("attendance:closure_create"), {"date": DAY.isoformat(), "kind": "inset", "sessions": "both"}
    )
    assert response.status_code == 302
    assert ClosureDay.objects.filter(school=school, date=DAY).exists()
    assert AuditEntry.objects.filter(action="school.calendar.closure_created").exists()


def test_a_second_closure_on_the_same_day_is_refused_before_asking_about_marks(
    login, headteacher, school, pupil
):
    f.RegisterMarkFactory(pupil=pupil, date=DAY)
    ClosureDay.objects.create(school=school, date=DAY, kind="inset", sessions="PM")
    response = login(headteacher).post(
        reverse("attendance:closure_create"), {"date": DAY.isoformat(), "kind": "inset", "sessions": "AM"}
    )
    assert response.context["form"].errors["date"] == ["There is already a closure on that day."]
    assert RegisterMark.objects.get().code == "/"


@pytest.mark.parametrize(
    "day, message",
    [
        (date(2026, 11, 21), "That is a weekend: the school is already closed."),
        (date(2026, 10, 27), "That day is in a holiday: the school is already closed."),
        (date(2027, 5, 3), "That is a bank holiday: the school is already closed."),
        (
            date(2029, 1, 8),
            "That date is outside every academic year of the school calendar. Add the year first.",
        ),
    ],
)
def test_closure_on_a_day_the_school_does_not_meet_is_refused_beside_the_date(
    login, headteacher, school, day, message
):
    response = login(headteacher).post(
        reverse("attendance:closure_create"),
        {"date": day.isoformat(), "kind": "inset", "sessions": "both", "reason": "Training"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date"] == [message]
    assert "Closure added." not in response.content.decode()
    assert not ClosureDay.objects.filter(school=school, date=day).exists()
    assert not AuditEntry.objects.filter(action="school.calendar.closure_created").exists()
