"""The demo school's marks look like a real primary school's autumn term (issue 3, "Demo data")."""

import io
from collections import Counter, defaultdict
from datetime import date

import time_machine
from django.core.management import call_command
from django.db.models import Count

from attendance import lateness
from attendance.figures import Figures, combine
from attendance.models import RegisterMark
from school import demo
from school.calendar import SchoolCalendar
from school.models import School

TODAY = date(2026, 11, 23)


@time_machine.travel(TODAY)
def test_demo_marks_have_the_shape_of_a_real_term(db):
    call_command("seed_demo", stdout=io.StringIO())  # the default seed, as `make run` builds it
    school = School.objects.get(name=demo.DEMO_SCHOOL)

    counts = defaultdict(dict)
    for row in RegisterMark.objects.values("pupil_id", "code").annotate(n=Count("id")).order_by():
        counts[row["pupil_id"]][row["code"]] = row["n"]
    figures = {pupil_id: Figures.from_code_counts(c) for pupil_id, c in counts.items()}
    whole_school = combine(figures.values())

    # Most pupils around 96%: the school as a whole between 93% and 97% (a ratio of sums).
    assert 93 <= whole_school.attendance_pct <= 97, whole_school.attendance_pct
    typical = sorted(f.attendance_pct for f in figures.values())[len(figures) // 2]
    assert 94 <= typical <= 99, typical
    assert any(f.is_persistent_absence and not f.is_severe_absence for f in figures.values())
    assert any(f.is_severe_absence for f in figures.values())

    by_code = Counter(RegisterMark.objects.values_list("code", flat=True))
    assert by_code["C2"] > 0, "a pupil on a part-time timetable"
    assert by_code["G"] > 0, "a holiday in term time"
    assert by_code["I"] > by_code["O"], "illness is the commonest absence"
    assert by_code["N"] > 0, "some absences still without a reason"

    # Lateness follows the register's rule: L up to the close, U after it, minutes always recorded.
    late = RegisterMark.objects.filter(code__in=["L", "U"], minutes_late__isnull=False)
    assert late.filter(code="L").exists()
    for code, session, minutes in late.values_list("code", "session", "minutes_late"):
        opens, closes = (
            (school.am_register_opens, school.am_register_closes)
            if session == "AM"
            else (school.pm_register_opens, school.pm_register_closes)
        )
        assert lateness.late_code(minutes_late=minutes, opens=opens, closes=closes) == code
    assert not RegisterMark.objects.filter(code="L", minutes_late__isnull=True).exists()

    # Every mark is on a school session, none after today, and this afternoon is not taken yet.
    calendar = SchoolCalendar.for_school(school)
    sessions = set(RegisterMark.objects.values_list("date", "session").distinct())
    assert all(calendar.is_session(day, session) for day, session in sessions)
    # Except the C2 pre-codes of the active part-time timetable (the SEND demo records it, and its
    # sessions not agreed are coded ahead of the register), no mark is after today.
    taken = set(RegisterMark.objects.exclude(code="C2").values_list("date", "session").distinct())
    assert max(day for day, _ in taken) == TODAY
    assert (TODAY, "PM") not in taken
    ahead = RegisterMark.objects.filter(date__gt=TODAY)
    assert ahead.exists() and set(ahead.values_list("code", flat=True)) == {"C2"}
    assert ahead.values("pupil_id").distinct().count() == 1

    # The N queue has something to flag: an unresolved N at least five school days old.
    n_days = set(RegisterMark.objects.filter(code="N").values_list("date", flat=True))
    assert any(calendar.add_school_days(day, 5) <= TODAY for day in n_days)
