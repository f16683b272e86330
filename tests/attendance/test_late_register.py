"""Registers: a late register says so and is flagged in the record, the summary before saving, L with
0 minutes refused, and minutes late that say what is wrong."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from attendance import services
from attendance.models import RegisterMark
from tests import factories as f

DAY = date(2026, 11, 23)  # a Monday


def url(cls, day=DAY, session="AM"):
    return reverse("attendance:register_take", args=[cls.pk, day.isoformat(), session])


def post_data(pupils, codes, minutes=None):
    data = {"reason": ""}
    for p, code in zip(pupils, codes, strict=True):
        data[f"code-{p.pk}"] = code
        data[f"version-{p.pk}"] = 0
        data[f"minutes-{p.pk}"] = (minutes or {}).get(p.pk, "")
    return data


@pytest.mark.parametrize(
    "now,day,late",
    [
        ("2026-11-23 08:55 +0000", DAY, False),  # open until 9:00
        ("2026-11-23 09:00 +0000", DAY, False),  # the closing minute itself is not late
        ("2026-11-23 09:01 +0000", DAY, True),
        ("2026-11-24 08:40 +0000", DAY, True),  # yesterday's register, taken today
    ],
)
def test_is_late_register(school, now, day, late):
    with time_machine.travel(now, tick=False):
        from django.utils import timezone

        assert services.is_late_register(school, day=day, session="AM", now=timezone.localtime()) is late


@time_machine.travel("2026-11-23 09:40 +0000", tick=False)
def test_a_late_register_says_when_it_closed_and_flags_the_marks(login, office_staff, own_class, pupil):
    client = login(office_staff)
    page = client.get(url(own_class)).content.decode()
    assert "This is a late register." in page and "It closed at 9:00" in page
    response = client.post(url(own_class), post_data([pupil], ["/"]), follow=True)
    assert "This was a late register: it closed at 09:00" in response.content.decode()
    assert RegisterMark.objects.get().late_register is True
    assert "late register</span>" in client.get(url(own_class)).content.decode()


@time_machine.travel("2026-11-23 08:50 +0000", tick=False)
def test_a_register_taken_on_time_is_not_flagged(login, office_staff, own_class, pupil):
    client = login(office_staff)
    assert "This is a late register" not in client.get(url(own_class)).content.decode()
    client.post(url(own_class), post_data([pupil], ["/"]))
    assert RegisterMark.objects.get().late_register is False


@time_machine.travel("2026-11-23 10:00 +0000", tick=False)
def test_the_summary_counts_present_late_absent_and_not_yet_explained(login, office_staff, own_class, pupil):
    others = [f.PupilFactory(school=own_class.school, registration_class=own_class) for _ in range(5)]
    for p, code, minutes in [
        (pupil, "/", None),
        (others[0], "L", 5),
        (others[1], "L", 8),
        (others[2], "I", None),
    ]:
        f.RegisterMarkFactory(pupil=p, date=DAY, session="AM", code=code, minutes_late=minutes)
    f.RegisterMarkFactory(pupil=others[3], date=DAY, session="AM", code="N")
    page = login(office_staff).get(url(own_class)).content.decode()
    summary = page.split('data-testid="register-summary"')[1].split("</p>")[0]
    for number, word in [
        (1, "present"),
        (2, "late"),
        (1, "absent"),
        (1, "not yet explained"),
        (1, "without a code"),
    ]:
        assert f">{number}</span> {word}" in summary


@time_machine.travel("2026-11-23 08:50 +0000", tick=False)
def test_l_with_0_minutes_is_refused(login, office_staff, own_class, pupil):
    response = login(office_staff).post(url(own_class), post_data([pupil], ["L"], minutes={pupil.pk: "0"}))
    assert response.status_code == 400
    assert "L with 0 minutes is not late" in response.content.decode()
    assert not RegisterMark.objects.exists()


@pytest.mark.parametrize(
    "typed,said",
    [
        ("-5", "Minutes late cannot be negative (you typed -5)."),
        ("900", "Minutes late can be at most 600 (10 hours); you typed 900."),
    ],
)
@time_machine.travel("2026-11-23 08:50 +0000", tick=False)
def test_negative_or_huge_minutes_say_what_is_wrong(login, office_staff, own_class, pupil, typed, said):
    response = login(office_staff).post(url(own_class), post_data([pupil], ["L"], minutes={pupil.pk: typed}))
    assert response.status_code == 400
    assert said in response.content.decode()
    assert not RegisterMark.objects.exists()


@time_machine.travel("2026-11-23 10:00 +0000", tick=False)
def test_amending_a_mark_to_l_with_0_minutes_is_refused(login, office_staff, own_class, pupil):
    mark = f.RegisterMarkFactory(pupil=pupil, date=DAY, session="AM", code="/")
    response = login(office_staff).post(
        reverse("attendance:mark_amend", args=[mark.pk]),
        {"code": "L", "minutes_late": "0", "reason": "Arrived late", "version": mark.version},
    )
    assert response.status_code == 400
    assert "L with 0 minutes is not late" in response.content.decode()
    mark.refresh_from_db()
    assert mark.code == "/"
