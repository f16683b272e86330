"""Which day of an absence it is, and the N deadline: the office's two clocks (docs/rules.md section 3).

The first-day calls list says "day 3" because the attendance policy asks for a home visit when a pupil
has been away three school days with no contact (seed policy 5.6); the N queue says "due today" on the
last school day the regulations allow for replacing an N, and "overdue" only after it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from . import codes

#: The school day of absence from which the policy expects a home visit (seed policy 5.6).
HOME_VISIT_DAY = 3

#: An N must be replaced within this many school days after its session (Attendance Regulations 2024).
N_DEADLINE_SCHOOL_DAYS = 5


def day_of_absence(school_days: Iterable[date], codes_by_day: Mapping[date, list[str]]) -> int:
    """How many school days in a row, counting back from the first day given, the pupil was absent.

    ``school_days`` runs backwards from today (today first). Today counts as day 1 (the pupil is on the
    list because they are absent today); an earlier day counts when it has marks and none of them is
    attendance. A day with no marks at all, or with any attendance, ends the run.

    >>> from datetime import date
    >>> days = [date(2026, 11, 25), date(2026, 11, 24), date(2026, 11, 23), date(2026, 11, 20)]
    >>> marks = {date(2026, 11, 24): ["N", "N"], date(2026, 11, 23): ["I", "O"], date(2026, 11, 20): ["/", "N"]}
    >>> day_of_absence(days, marks)
    3
    >>> day_of_absence(days, {})
    1
    """
    count = 0
    for index, day in enumerate(school_days):
        if index == 0:
            count = 1
            continue
        day_codes = codes_by_day.get(day) or []
        absent = [c for c in day_codes if codes.counts_as_possible(c) and not codes.counts_as_attendance(c)]
        if not day_codes or len(absent) != len(day_codes):
            break
        count += 1
    return count


def n_deadline_state(age: int) -> str:
    """Where an N of ``age`` school days stands: "open", "due_tomorrow", "due_today" or "overdue".

    The law allows 5 school days after the session, so on the fifth the N is due today, not overdue.

    >>> [n_deadline_state(a) for a in (0, 3, 4, 5, 6)]
    ['open', 'open', 'due_tomorrow', 'due_today', 'overdue']
    """
    if age > N_DEADLINE_SCHOOL_DAYS:
        return "overdue"
    if age == N_DEADLINE_SCHOOL_DAYS:
        return "due_today"
    if age == N_DEADLINE_SCHOOL_DAYS - 1:
        return "due_tomorrow"
    return "open"


def group_absences(keys: list, sequence: list) -> list[list]:
    """Split sorted session ``keys`` into runs of consecutive school sessions (one absence each).

    ``sequence`` is every school session in order; two keys belong to one absence when no school
    session lies between them (a weekend or a holiday does not break an absence).

    >>> seq = [("Fri", "AM"), ("Fri", "PM"), ("Mon", "AM"), ("Mon", "PM"), ("Tue", "AM")]
    >>> group_absences([("Fri", "PM"), ("Mon", "AM"), ("Tue", "AM")], seq)
    [[('Fri', 'PM'), ('Mon', 'AM')], [('Tue', 'AM')]]
    """
    position = {key: index for index, key in enumerate(sequence)}
    groups: list[list] = []
    for key in keys:
        here = position.get(key)
        if groups and here is not None and position.get(groups[-1][-1]) == here - 1:
            groups[-1].append(key)
        else:
            groups.append([key])
    return groups
