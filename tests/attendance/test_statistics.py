"""The statistics engine through the database: worked examples, the 10-school-week window, lists."""

from datetime import date

import pytest

from attendance import statistics
from attendance.figures import Figures
from attendance.models import RegisterMark
from school.calendar import SchoolCalendar
from school.models import Pupil
from tests import factories as f


def marks(pupil, *items):
    """items: (date, session, code) or (date, session, code, minutes)."""
    RegisterMark.objects.bulk_create(
        [
            RegisterMark(
                school=pupil.school,
                pupil=pupil,
                date=i[0],
                session=i[1],
                code=i[2],
                minutes_late=i[3] if len(i) > 3 else None,
            )
            for i in items
        ]
    )


def week_of_marks(pupil, monday_day, codes):
    """Ten codes for Monday AM to Friday PM of the week starting on the given day of November 2026."""
    items = []
    for i, code in enumerate(codes):
        items.append((date(2026, 11, monday_day + i // 2), "AM" if i % 2 == 0 else "PM", code))
    marks(pupil, *items)


@pytest.fixture
def cal(school):
    return SchoolCalendar.for_school(school)


START, END = date(2026, 11, 2), date(2026, 11, 20)


def test_worked_example_for_one_pupil(school, pupil, cal, django_assert_num_queries):
    week_of_marks(pupil, 16, ["/", "\\", "/", "\\", "L", "U", "I", "I", "#", "#"])
    RegisterMark.objects.filter(code="L").update(minutes_late=12)
    with django_assert_num_queries(2):
        result = statistics.pupil_figures(Pupil.objects.filter(pk=pupil.pk), START, END, calendar=cal)
    figs = result[pupil.pk]
    assert (figs.possible, figs.attendance, figs.present, figs.authorised, figs.unauthorised) == (
        8,
        5,
        5,
        2,
        1,
    )
    assert (figs.late_l, figs.late_minutes, figs.late_u, figs.not_counted) == (1, 12, 1, 2)
    assert figs.attendance_pct_1dp == pytest.approx(62.5)
    assert figs.is_persistent_absence and not figs.is_severe_absence
    assert figs.unauthorised_last_10_weeks == 1


def test_pupil_with_no_possible_sessions_has_no_percentage(school, pupil, own_class, cal):
    nobody = f.PupilFactory(school=school, registration_class=own_class)
    marks(pupil, (date(2026, 11, 16), "AM", "#"), (date(2026, 11, 16), "PM", "Z"))
    result = statistics.pupil_figures(Pupil.objects.filter(school=school), START, END, calendar=cal)
    assert result[pupil.pk].possible == 0 and result[pupil.pk].attendance_pct is None
    assert result[nobody.pk] == Figures.from_totals()  # no marks at all: still listed, zero figures


def test_group_figures_are_a_ratio_of_sums(school, own_class, cal, django_assert_num_queries):
    full, half = (f.PupilFactory(school=school, registration_class=own_class) for _ in range(2))
    week_of_marks(full, 2, ["/", "\\"] * 5)
    week_of_marks(half, 9, ["/", "\\"] * 5)
    week_of_marks(half, 16, ["O"] * 10)
    pupils = Pupil.objects.filter(pk__in=[full.pk, half.pk])
    with django_assert_num_queries(1):
        group = statistics.group_figures(pupils, START, END, calendar=cal)
    assert (group.possible, group.attendance) == (30, 20)
    assert str(group.attendance_pct_1dp) == "66.7"  # 20/30, not the mean of 100% and 50% (75%)


def test_marks_outside_the_range_are_ignored(school, pupil, cal):
    marks(
        pupil,
        (date(2026, 11, 2), "AM", "O"),
        (date(2026, 11, 23), "AM", "O"),
        (date(2026, 11, 10), "AM", "/"),
    )
    figs = statistics.pupil_figures(Pupil.objects.filter(pk=pupil.pk), date(2026, 11, 3), END, calendar=cal)[
        pupil.pk
    ]
    assert (figs.possible, figs.attendance) == (1, 1)


def test_ten_school_weeks_skip_half_term(school, pupil, cal):
    # Ten school weeks ending Friday 20 Nov 2026: the weeks of 16, 9, 2 Nov, then (half-term skipped)
    # 19, 12, 5 Oct, 28, 21, 14 and 7 Sep. So 7 Sep counts and Friday 4 Sep does not.
    assert statistics.ten_week_window(cal, END) == (date(2026, 9, 7), END)
    marks(
        pupil,
        (date(2026, 9, 4), "AM", "G"),
        (date(2026, 9, 7), "AM", "G"),
        (date(2026, 10, 22), "PM", "N"),
        (date(2026, 11, 20), "PM", "U"),
        (date(2026, 11, 19), "PM", "I"),
    )
    figs = statistics.pupil_figures(Pupil.objects.filter(pk=pupil.pk), START, END, calendar=cal)[pupil.pk]
    assert figs.unauthorised_last_10_weeks == 3
    assert figs.unauthorised == 1  # the range itself starts on 2 Nov


def test_ten_school_weeks_span_two_academic_years(db):
    school = f.SchoolFactory()
    f.add_academic_year(school, name="2025/26", half_terms=f.HALF_TERMS_2025_26)
    f.add_academic_year(school)
    cal = SchoolCalendar.for_school(school)
    pupil = f.PupilFactory(school=school)
    end = date(2026, 9, 18)
    # Weeks of 14 Sep, 7 Sep and 31 Aug (term starts Wed 2 Sep), then the summer is skipped:
    # 20 Jul, 13 Jul, 6 Jul, 29 Jun, 22 Jun, 15 Jun and 8 Jun 2026.
    assert statistics.ten_week_window(cal, end) == (date(2026, 6, 8), end)
    marks(
        pupil,
        (date(2026, 6, 5), "AM", "O"),
        (date(2026, 6, 8), "AM", "O"),
        (date(2026, 7, 22), "PM", "G"),
        (date(2026, 9, 2), "AM", "N"),
    )
    start = statistics.default_range(cal, end)[0]
    assert start == date(2026, 9, 2)
    figs = statistics.pupil_figures(Pupil.objects.filter(pk=pupil.pk), start, end, calendar=cal)[pupil.pk]
    assert (figs.unauthorised_last_10_weeks, figs.unauthorised, figs.possible) == (3, 1, 1)


def test_persistent_and_severe_lists_use_exact_thresholds(
    school, own_class, cal, django_assert_max_num_queries
):
    def pupil_with(absent, present):
        p = f.PupilFactory(school=school, registration_class=own_class)
        days = [date(2026, 11, d) for d in (2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 16, 17, 18, 19, 20)]
        slots = [(d, s) for d in days for s in ("AM", "PM")][: absent + present]
        marks(p, *[(d, s, "I" if i < absent else "/") for i, (d, s) in enumerate(slots)])
        return p

    exactly_ten = pupil_with(2, 18)  # 10.0%: persistent
    under_ten = pupil_with(2, 19)  # 9.5%: not
    exactly_half = pupil_with(10, 10)  # 50%: severe
    pupil_with(0, 0)  # no sessions: on no list
    pupils = Pupil.objects.filter(school=school)
    with django_assert_max_num_queries(3):
        persistent = [p for p, _ in statistics.absence_list(pupils, START, END, calendar=cal)]
    assert [p.pk for p in persistent] == [exactly_half.pk, exactly_ten.pk]
    assert under_ten.pk not in {p.pk for p in persistent}
    severe = statistics.absence_list(pupils, START, END, severe=True, calendar=cal)
    assert [p.pk for p, _ in severe] == [exactly_half.pk]
    assert severe[0][1].is_severe_absence


def test_cohort_comparison_groups_by_send_status(school, own_class, cal, django_assert_max_num_queries):
    ehcp = f.PupilFactory(school=school, registration_class=own_class, sen_provision="E")
    support = f.PupilFactory(school=school, registration_class=own_class, sen_provision="K")
    none = f.PupilFactory(school=school, registration_class=own_class)
    week_of_marks(ehcp, 16, ["I"] * 5 + ["/", "\\"] * 2 + ["/"])
    week_of_marks(support, 16, ["/", "\\"] * 5)
    week_of_marks(none, 16, ["/", "\\"] * 5)
    with django_assert_max_num_queries(2):
        result = statistics.cohort_comparison(Pupil.objects.filter(school=school), START, END, calendar=cal)
    send = next(d for d in result if d["field"] == "sen_provision")
    by_label = {g["label"]: g for g in send["groups"]}
    assert str(by_label["EHC plan"]["figures"].attendance_pct_1dp) == "50.0"
    assert by_label["EHC plan"]["severe"] == 1
    assert str(by_label["No SEN"]["figures"].attendance_pct_1dp) == "100.0"
    assert [g["label"] for g in send["groups"]] == ["No SEN", "SEN support", "EHC plan"]


def test_weekday_pattern_shows_monday_and_friday_absence(school, pupil):
    week_of_marks(pupil, 9, ["O", "O", "/", "\\", "/", "\\", "/", "\\", "O", "O"])
    week_of_marks(pupil, 16, ["O", "O", "/", "\\", "/", "\\", "/", "\\", "/", "\\"])
    pattern = dict(statistics.weekday_pattern(Pupil.objects.filter(pk=pupil.pk), START, END))
    assert (
        pattern["Monday"].absent == 4 and pattern["Friday"].absent == 2 and pattern["Wednesday"].absent == 0
    )


def test_weekly_table_has_a_cell_per_school_week(
    school, own_class, pupil, cal, django_assert_max_num_queries
):
    week_of_marks(pupil, 16, ["/", "\\"] * 4 + ["O", "O"])
    with django_assert_max_num_queries(2):
        weeks, rows = statistics.weekly_table(
            Pupil.objects.filter(registration_class=own_class), START, END, calendar=cal
        )
    assert weeks == [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)]
    (row_pupil, per_week, total) = rows[0]
    assert row_pupil == pupil and per_week[0].possible == 0 and str(per_week[2].attendance_pct_1dp) == "80.0"
