"""Attendance figures from session counts: worked examples and boundaries, no database."""

import doctest
from decimal import Decimal

import pytest

from attendance import figures
from attendance.codes import UnknownCode
from attendance.figures import Figures, combine, percentage, percentage_1dp


def pupil(**counts):
    return Figures.from_code_counts(counts)


def test_zero_possible_sessions_has_no_percentage_not_zero_or_a_hundred():
    f = Figures.from_code_counts({"#": 4, "Z": 6})
    assert (f.possible, f.not_counted) == (0, 10)
    assert f.has_sessions is False
    for value in (
        f.attendance_pct,
        f.absence_pct,
        f.authorised_pct,
        f.unauthorised_pct,
        f.attendance_pct_1dp,
        f.absence_pct_1dp,
    ):
        assert value is None
    assert f.is_persistent_absence is False and f.is_severe_absence is False
    assert Figures.from_code_counts({}).attendance_pct is None


def test_l_is_present_and_u_is_unauthorised_absence():
    f = Figures.from_code_counts({"/": 4, "\\": 4, "L": 1, "U": 1}, late_minutes=12)
    assert (f.possible, f.attendance, f.present, f.unauthorised) == (10, 9, 9, 1)
    assert (f.late_l, f.late_u, f.late_minutes) == (1, 1, 12)
    assert f.attendance_pct == 90.0
    assert f.unauthorised_pct == 10.0
    assert f.is_persistent_absence  # U is absence: 1 of 10 sessions is exactly 10%


def test_not_counted_codes_leave_the_percentage_unchanged():
    base = Figures.from_code_counts({"/": 9, "I": 1})
    with_closures = Figures.from_code_counts(
        {"/": 9, "I": 1, "#": 6, "D": 2, "X": 1, "Q": 1, "Y1": 1, "Y4": 2, "Y7": 1, "Z": 3}
    )
    assert with_closures.possible == base.possible == 10
    assert with_closures.not_counted == 17
    assert with_closures.attendance_pct == base.attendance_pct == 90.0


def test_approved_activity_counts_as_attendance_but_not_as_present():
    f = Figures.from_code_counts({"/": 6, "V": 2, "K": 1, "W": 1})
    assert (f.attendance, f.present, f.approved_activity, f.absent) == (10, 6, 4, 0)
    assert f.attendance_pct_1dp == Decimal("100.0")


def test_withdrawn_codes_are_classified_when_importing_history():
    f = Figures.from_code_counts({"/": 6, "H": 2, "F": 1, "J": 1, "Y": 5})
    assert (f.possible, f.attendance, f.approved_activity, f.authorised, f.not_counted) == (10, 7, 1, 3, 5)


def test_code_counts_are_normalised_and_unknown_codes_refused():
    assert Figures.from_code_counts({"c2 ": 2, "/": 2}).authorised == 2
    with pytest.raises(UnknownCode):
        Figures.from_code_counts({"/": 2, "Q9": 1})
    with pytest.raises(ValueError, match="negative"):
        Figures.from_code_counts({"/": -1})


def test_percentages_and_absence_split():
    f = pupil(**{"/": 150, "I": 12, "M": 3, "G": 10, "O": 5})
    assert (f.possible, f.authorised, f.unauthorised, f.absent, f.sessions_lost) == (180, 15, 15, 30, 30)
    assert f.absence_pct == pytest.approx(100 * 30 / 180)
    assert f.authorised_pct_1dp == Decimal("8.3")
    assert f.unauthorised_pct_1dp == Decimal("8.3")
    assert f.attendance_pct_1dp == Decimal("83.3")
    assert f.absence_pct_1dp == Decimal("16.7")


def test_hours_lost_uses_3_25_hours_a_session_unless_told_otherwise():
    f = pupil(**{"/": 10, "I": 3, "U": 1})
    assert f.hours_lost() == Decimal("13.00")
    assert f.hours_lost(hours_per_session=Decimal("2.5")) == Decimal("10.0")
    assert figures.DEFAULT_HOURS_PER_SESSION * 2 == Decimal("6.5")  # one school day


def test_group_figures_are_a_ratio_of_sums_not_a_mean_of_percentages():
    full_attender = pupil(**{"/": 10})  # 100%
    half_attender = pupil(**{"/": 50, "O": 50})  # 50%
    group = combine([full_attender, half_attender])
    mean_of_percentages = (full_attender.attendance_pct + half_attender.attendance_pct) / 2
    assert mean_of_percentages == 75.0
    assert (group.attendance, group.possible) == (60, 110)
    assert group.attendance_pct_1dp == Decimal("54.5")
    assert group.attendance_pct != mean_of_percentages


def test_combine_sums_every_count():
    a = Figures.from_code_counts(
        {"L": 2, "U": 1, "I": 1, "#": 2}, late_minutes=15, unauthorised_last_10_weeks=1
    )
    b = Figures.from_code_counts(
        {"L": 1, "U": 3, "V": 1, "D": 1}, late_minutes=5, unauthorised_last_10_weeks=3
    )
    g = combine([a, b])
    assert g == Figures(
        possible=9,
        attendance=4,
        present=3,
        approved_activity=1,
        authorised=1,
        unauthorised=4,
        late_l=3,
        late_minutes=20,
        late_u=4,
        not_counted=3,
        unauthorised_last_10_weeks=4,
    )
    assert combine(iter([a, b])) == g  # accepts any iterable, e.g. a generator over a queryset


def test_empty_group_has_no_sessions_and_no_percentage():
    g = combine([])
    assert g.possible == 0 and g.attendance_pct is None


def test_a_pupil_with_no_sessions_does_not_change_the_group_figure():
    g = combine([pupil(**{"/": 9, "N": 1}), pupil(**{"Z": 10})])
    assert g.attendance_pct == 90.0


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (9295, 10000, "93.0"),  # 92.95 exactly: half goes up (a float would give 92.9)
        (1859, 2000, "93.0"),
        (9294, 10000, "92.9"),
        (92949, 100000, "92.9"),  # 92.949 stays down
        (19, 20, "95.0"),
        (95, 100, "95.0"),
        (1, 3, "33.3"),
        (2, 3, "66.7"),
        (9995, 10000, "100.0"),
        (1, 2000, "0.1"),  # 0.05 goes up
        (0, 7, "0.0"),
        (7, 7, "100.0"),
    ],
)
def test_rounding_to_one_decimal_place_is_half_up_and_exact(part, whole, expected):
    assert percentage_1dp(part, whole) == Decimal(expected)
    assert str(percentage_1dp(part, whole)) == expected


def test_attendance_pct_1dp_rounds_92_95_up_to_93_0():
    f = Figures.from_totals(present=1859, authorised=141)
    assert f.attendance_pct_1dp == Decimal("93.0")
    assert Figures.from_totals(present=18588, authorised=1412).attendance_pct_1dp == Decimal("92.9")


def test_percentage_of_nothing_is_none():
    assert percentage(0, 0) is None and percentage_1dp(0, 0) is None
    assert percentage(1, 8) == 12.5


@pytest.mark.parametrize(
    ("absent", "possible", "persistent", "severe"),
    [
        (1000, 10000, True, False),  # exactly 10%
        (999, 10000, False, False),  # 9.99%
        (3, 30, True, False),  # 10% where 3 / 30 * 100 is not exactly 10.0 in floats
        (7, 70, True, False),
        (5000, 10000, True, True),  # exactly 50%
        (4999, 10000, True, False),  # 49.99%
        (1, 2, True, True),
        (38, 38, True, True),
        (0, 38, False, False),
    ],
)
def test_persistent_and_severe_absence_boundaries(absent, possible, persistent, severe):
    f = Figures.from_totals(
        present=possible - absent, authorised=absent // 2, unauthorised=absent - absent // 2
    )
    assert f.is_persistent_absence is persistent
    assert f.is_severe_absence is severe


def test_inconsistent_counts_are_refused():
    with pytest.raises(ValueError, match="possible"):
        Figures(possible=10, attendance=8, present=8, approved_activity=0, authorised=1, unauthorised=0)
    with pytest.raises(ValueError, match="attendance"):
        Figures(possible=10, attendance=9, present=8, approved_activity=0, authorised=1, unauthorised=0)
    with pytest.raises(ValueError, match="negative"):
        Figures(possible=0, attendance=1, present=1, approved_activity=0, authorised=0, unauthorised=-1)
    with pytest.raises(ValueError, match="late"):
        Figures.from_totals(present=1, late_l=2)
    with pytest.raises(ValueError, match="late"):
        Figures.from_totals(unauthorised=1, late_u=2)
    with pytest.raises(TypeError):
        Figures.from_totals(present=1.5)


def test_figures_are_immutable():
    f = Figures.from_totals(present=1)
    with pytest.raises(AttributeError):
        f.present = 2


def test_worked_examples_in_the_docstrings_hold():
    result = doctest.testmod(figures)
    assert result.attempted > 0 and result.failed == 0
