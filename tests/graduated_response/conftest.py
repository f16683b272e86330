"""Helpers for the graduated response tests: fill a pupil's register from a pattern."""

from datetime import date

import pytest

from attendance.models import RegisterMark
from school.calendar import SchoolCalendar

YEAR_START = date(2026, 9, 1)


def fill_marks(pupil, start, end, code_for=None, *, default="/"):
    """Give `pupil` a mark for every school session from start to end (inclusive).

    `code_for(day, session, index)` returns the code (index counts sessions from 0); default present.
    Existing marks are left alone.
    """
    cal = SchoolCalendar.for_school(pupil.school)
    marks = []
    for index, (day, session) in enumerate(cal.sessions_between(start, end)):
        code = code_for(day, session, index) if code_for else None
        marks.append(
            RegisterMark(school=pupil.school, pupil=pupil, date=day, session=session, code=code or default)
        )
    RegisterMark.objects.bulk_create(marks, ignore_conflicts=True)
    return len(marks)


def absent_every(n_absent_in, of):
    """A pattern: the first `n_absent_in` sessions of every `of` are O, the rest present."""

    def code_for(day, session, index):
        return "O" if index % of < n_absent_in else "/"

    return code_for


@pytest.fixture
def fill():
    return fill_marks
