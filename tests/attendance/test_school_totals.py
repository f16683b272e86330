"""school_pupil_totals: the nightly checks' one-query read of a whole school's figures."""

from datetime import date

import pytest

from attendance import codes, statistics
from attendance.models import RegisterMark
from school.calendar import SchoolCalendar
from school.models import Pupil
from tests import factories as f
from tests.attendance.test_statistics import marks, week_of_marks

START, END = date(2026, 11, 2), date(2026, 11, 20)


@pytest.fixture
def cal(school):
    return SchoolCalendar.for_school(school)


def test_agrees_with_pupil_figures_and_counts_the_extra_codes(
    school, own_class, other_school, cal, django_assert_num_queries
):
    one, two = (f.PupilFactory(school=school, registration_class=own_class) for _ in range(2))
    week_of_marks(one, 16, ["/", "\\", "L", "U", "I", "I", "C2", "C2", "#", "O"])
    RegisterMark.objects.filter(code="L").update(minutes_late=7)
    week_of_marks(two, 9, ["/", "\\"] * 4 + ["G", "G"])
    # Before the range but inside the 10-week window: only the penalty count sees these.
    marks(one, (date(2026, 10, 5), "AM", "N"), (date(2026, 10, 5), "PM", "I"))
    week_of_marks(f.PupilFactory(school=other_school), 16, ["O"] * 10)  # another school's marks

    window = statistics.ten_week_window(cal, END)
    with django_assert_num_queries(1):
        totals = statistics.school_pupil_totals(
            school, START, END, window_start=window[0], extra_codes=("C2", "I")
        )
    expected = statistics.pupil_figures(Pupil.objects.filter(school=school), START, END, calendar=cal)
    assert set(totals) == {one.pk, two.pk}
    for pupil_id, (figures, _) in totals.items():
        assert figures == expected[pupil_id]
    assert totals[one.pk].figures.unauthorised_last_10_weeks == 3  # O and U this month, N in October
    assert totals[one.pk].figures.late_minutes == 7
    assert totals[one.pk].extra == {"C2": 2, "I": 2}  # the October illness is outside the range
    assert totals[two.pk].extra == {"C2": 0, "I": 0}


def test_an_unknown_code_raises_rather_than_being_dropped(school, pupil):
    marks(pupil, (date(2026, 11, 16), "AM", "?"))
    with pytest.raises(codes.UnknownCode):
        statistics.school_pupil_totals(school, START, END)
