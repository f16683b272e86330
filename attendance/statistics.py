"""The one attendance statistics engine: every page, export, report, letter and nightly check uses it.

The rules are pure functions in ``attendance.codes`` (how a code counts) and ``attendance.figures``
(possible, attendance %, persistent and severe absence, ratios of sums). This module only counts
sessions in the database, always as one aggregate query, never a query per pupil.

Public API (``pupils`` is any queryset of ``school.models.Pupil``; dates are inclusive):

``default_range(calendar, today=None) -> (start, end)``
    The DfE headline period: first school day of the academic year to today.
``ten_week_window(calendar, end) -> (start, end) | None``
    The last 10 school weeks up to ``end`` (holiday weeks skipped; may span academic years).
``pupil_figures(pupils, start, end, *, calendar=None) -> dict[pupil_id, Figures]``
    Two queries (one aggregate over the marks, one for the pupils). Every pupil of ``pupils`` is in the dict (zero figures when there are no marks).
    ``Figures.unauthorised_last_10_weeks`` counts G, N, O and U in the 10 school weeks ending ``end``.
``pupil_rows(pupils, start, end, *, fields=(), calendar=None) -> list[(dict, Figures)]``
    Like ``pupil_figures`` but also returns the named pupil fields (``"upn"``, ``"year_group"``...),
    so callers can group in Python without another query.
``pupil_rows_with_codes(...) -> list[(dict, Figures, {code: sessions})]``
    ``pupil_rows`` with each pupil's sessions per code as well (the LA export's per-code columns).
``school_pupil_totals(school, start, end, *, window_start=None, extra_codes=()) -> dict[pupil_id, PupilTotals]``
    One query for a whole school (no pupil join): the figures over ``start``..``end`` of every
    pupil with marks recorded at ``school``, the penalty codes from ``window_start`` (the 10-week
    window, which may begin before ``start``), and the sessions with each code of ``extra_codes``
    (for example C2 and I). ``PupilTotals`` is ``(figures, {code: sessions})``. Only pupils with
    marks are in the dict; the caller decides who is on roll. The nightly checks read this.
``group_figures(pupils, start, end, *, calendar=None) -> Figures``
    One query: the group's figures as a ratio of sums (class, year group, school, cohort).
``absence_list(pupils, start, end, *, severe=False, calendar=None) -> list[(Pupil, Figures)]``
    Pupils in persistent (or severe) absence, worst first (three queries). Paginate it.
``cohort_comparison(pupils, start, end, *, calendar=None) -> list[dict]``
    Figures and persistent and severe absence (counts and rates) by school age (compulsory or not),
    SEN provision, pupil premium, FSM, EAL, looked after, sex and year group (two queries). Pupils
    with no possible sessions are left out.
``group_summary(figures_list) -> dict``
    One group's figures, pupils with sessions, persistent and severe counts and rates.
``weekly_table(pupils, start, end, *, calendar) -> (weeks, rows)``
    Attendance % per pupil per school week (one query).
``weekday_pattern(pupil_or_pupils, start, end) -> list[(weekday name, Figures)]``
    Monday to Friday figures (one query), to spot Monday/Friday absence.
``weekly_trend(pupils, start, end, *, calendar) -> list[(monday, Figures)]``
    A group's (or one pupil's) figures per school week (one query).

When ``calendar`` is omitted it is built from the pupils' school (three queries); pass one
(``SchoolCalendar.for_school(school)``) when calling several functions in a request or task.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from fractions import Fraction
from typing import NamedTuple

from django.db.models import Count, Q, QuerySet, Sum, Value
from django.db.models.functions import ExtractIsoWeekDay
from django.utils import timezone

from school.calendar import SchoolCalendar, monday_of
from school.models import Pupil, YearGroup

from . import codes
from .figures import Figures, combine, percentage_1dp
from .models import RegisterMark
from .school_age import is_compulsory_school_age

__all__ = [
    "absence_list",
    "cohort_comparison",
    "default_range",
    "group_summary",
    "group_figures",
    "pupil_figures",
    "pupil_rows",
    "pupil_rows_with_codes",
    "school_pupil_totals",
    "ten_week_window",
    "weekday_pattern",
    "weekly_table",
    "weekly_trend",
]

TEN_WEEKS = 10


# --- periods ---------------------------------------------------------------------------------------
def default_range(calendar: SchoolCalendar, today: date | None = None) -> tuple[date, date]:
    """First school day of the academic year to ``today`` (the DfE "year to date")."""
    today = today or timezone.localdate()
    start = calendar.academic_year_start(today)
    if start is None or start > today:
        start = date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    return start, today


def ten_week_window(calendar: SchoolCalendar, end: date) -> tuple[date, date] | None:
    """The rolling window for the penalty-notice threshold: the last 10 school weeks to ``end``."""
    return calendar.last_school_weeks(TEN_WEEKS, ending=end)


def _calendar_for(pupils: QuerySet, calendar: SchoolCalendar | None) -> SchoolCalendar:
    if calendar is not None:
        return calendar
    school_id = pupils.values_list("school_id", flat=True).first()
    return SchoolCalendar.for_school(school_id)


# --- the aggregate query ------------------------------------------------------------------------------
def _mark_counts(marks: QuerySet, start: date, end: date, window_start: date | None, *, by_pupil=True):
    """One GROUP BY (pupil, code) over ``marks`` -> (pupil_id, code, sessions, L minutes, window sessions).

    Sessions and minutes count ``start``..``end``; window sessions count ``window_start``..``end`` (the
    10-week window may begin before ``start``, in the previous academic year). Grouping by code (a few
    dozen values) and classifying in Python with ``attendance.codes`` keeps the rules in one place, and
    conditional counts on two grouping columns measure faster on PostgreSQL than grouping by computed
    "in range" / "in window" columns or a conditional count per category. At most pupils x codes rows.
    With ``by_pupil=False`` the rows are (code, sessions, minutes, window sessions) for the whole group.
    """
    low = min(start, window_start) if window_start else start
    in_range = Q(date__gte=start) if low < start else None  # only then do the range's counts need a bound
    aggregates = {
        "n": Count("id", filter=in_range),
        "minutes": Sum("minutes_late", filter=in_range),
        "window": Count("id", filter=Q(date__gte=window_start)) if window_start else Value(0),
    }
    keys = ("pupil_id", "code") if by_pupil else ("code",)
    return marks.filter(date__gte=low, date__lte=end).values_list(*keys).annotate(**aggregates).order_by()


def _code_counts(pupils: QuerySet, start: date, end: date, window_start: date | None, *, by_pupil=True):
    return _mark_counts(
        RegisterMark.objects.filter(pupil__in=pupils.values("pk")),
        start,
        end,
        window_start,
        by_pupil=by_pupil,
    )


def _tally(rows) -> tuple[dict, dict, dict]:
    """Per pupil: {code: sessions}, L minutes, and penalty-code sessions in the window."""
    counts: dict = defaultdict(dict)
    minutes: dict = defaultdict(int)
    window: dict = defaultdict(int)
    for pupil_id, code, n, late_minutes, in_window in rows:
        if n:
            counts[pupil_id][code] = n
        if code == "L":
            minutes[pupil_id] += late_minutes or 0
        if code in codes.PENALTY_UNAUTHORISED_CODES:
            window[pupil_id] += in_window
    return counts, minutes, window


def _figures_by_pupil(rows) -> dict[int, Figures]:
    counts, minutes, window = _tally(rows)
    return {
        pupil_id: Figures.from_code_counts(
            counts[pupil_id], minutes[pupil_id], unauthorised_last_10_weeks=window[pupil_id]
        )
        for pupil_id in set(counts) | set(window)
    }


ZERO = Figures.from_totals()


# --- pupils -------------------------------------------------------------------------------------------
def pupil_rows(
    pupils: QuerySet,
    start: date,
    end: date,
    *,
    fields: tuple[str, ...] = (),
    calendar: SchoolCalendar | None = None,
) -> list[tuple[dict, Figures]]:
    """(pupil values, Figures) for every pupil of ``pupils``: two queries (the pupils, the marks)."""
    calendar = _calendar_for(pupils, calendar)
    window = ten_week_window(calendar, end)
    figures = _figures_by_pupil(_code_counts(pupils, start, end, window[0] if window else None))
    values = Pupil.objects.filter(pk__in=pupils.values("pk")).values("pk", *fields).order_by()
    return [(row, figures.get(row["pk"], ZERO)) for row in values]


def pupil_rows_with_codes(
    pupils: QuerySet,
    start: date,
    end: date,
    *,
    fields: tuple[str, ...] = (),
    calendar: SchoolCalendar | None = None,
) -> list[tuple[dict, Figures, dict[str, int]]]:
    """Like ``pupil_rows``, with each pupil's sessions per code too (the same two queries)."""
    calendar = _calendar_for(pupils, calendar)
    window = ten_week_window(calendar, end)
    rows = list(_code_counts(pupils, start, end, window[0] if window else None))
    figures = _figures_by_pupil(rows)
    counts, _, _ = _tally(rows)
    values = Pupil.objects.filter(pk__in=pupils.values("pk")).values("pk", *fields).order_by()
    return [(row, figures.get(row["pk"], ZERO), dict(counts.get(row["pk"], {}))) for row in values]


def pupil_figures(
    pupils: QuerySet, start: date, end: date, *, calendar: SchoolCalendar | None = None
) -> dict[int, Figures]:
    return {row["pk"]: figs for row, figs in pupil_rows(pupils, start, end, calendar=calendar)}


class PupilTotals(NamedTuple):
    figures: Figures
    extra: dict[str, int]  # sessions with each of the ``extra_codes`` asked for


def school_pupil_totals(
    school,
    start: date,
    end: date,
    *,
    window_start: date | None = None,
    extra_codes: tuple[str, ...] = (),
) -> dict[int, PupilTotals]:
    """Every pupil's figures from the marks recorded at ``school``, in one query.

    A plain GROUP BY pupil and code over the school's marks between the earlier of ``start`` and
    ``window_start`` and ``end`` (index on school and date), counting the year's sessions and the
    window's with conditional counts; the codes are classified in Python by ``Figures.from_code_counts``
    (so the rules stay in ``attendance.codes``). At most pupils x codes rows come back, a few
    thousand for a school. Measured on PostgreSQL this shape is faster than a conditional count per
    category, and much faster than filtering by a pupil subquery.
    """
    rows = _mark_counts(RegisterMark.objects.filter(school=school), start, end, window_start)
    counts, minutes, window = _tally(rows)
    return {
        pupil_id: PupilTotals(
            Figures.from_code_counts(
                counts[pupil_id], minutes[pupil_id], unauthorised_last_10_weeks=window[pupil_id]
            ),
            {code: counts[pupil_id].get(code, 0) for code in extra_codes},
        )
        for pupil_id in set(counts) | set(window)
    }


def group_figures(
    pupils: QuerySet, start: date, end: date, *, calendar: SchoolCalendar | None = None
) -> Figures:
    """A group's figures in one query; each percentage is a ratio of sums (docs/rules.md section 2)."""
    calendar = _calendar_for(pupils, calendar)
    window = ten_week_window(calendar, end)
    counts, late_minutes, unauthorised_10w = {}, 0, 0
    for code, n, minutes, in_window in _code_counts(
        pupils, start, end, window[0] if window else None, by_pupil=False
    ):
        if n:
            counts[code] = n
        if code == "L":
            late_minutes += minutes or 0
        if code in codes.PENALTY_UNAUTHORISED_CODES:
            unauthorised_10w += in_window
    return Figures.from_code_counts(counts, late_minutes, unauthorised_last_10_weeks=unauthorised_10w)


def absence_list(
    pupils: QuerySet, start: date, end: date, *, severe: bool = False, calendar: SchoolCalendar | None = None
) -> list[tuple[Pupil, Figures]]:
    """(pupil, Figures) for pupils absent at least 10% (or 50% when ``severe``), worst first. Three queries."""
    flagged = {
        row["pk"]: figs
        for row, figs in pupil_rows(pupils, start, end, calendar=calendar)
        if (figs.is_severe_absence if severe else figs.is_persistent_absence)
    }
    found = Pupil.objects.filter(pk__in=list(flagged)).select_related("registration_class")
    return sorted(
        ((p, flagged[p.pk]) for p in found),
        key=lambda item: (
            -Fraction(item[1].absent, item[1].possible),
            item[0].legal_last_name,
            item[0].legal_first_name,
            item[0].pk,
        ),
    )


# --- groups ----------------------------------------------------------------------------------------------
COHORT_DIMENSIONS = [
    ("sen_provision", "SEND status", {"N": "No SEN", "K": "SEN support", "E": "EHC plan"}),
    ("pupil_premium", "Pupil premium", {True: "Pupil premium", False: "Not pupil premium"}),
    ("free_school_meals", "Free school meals", {True: "Free school meals", False: "No free school meals"}),
    ("eal", "English as an additional language", {True: "EAL", False: "English first language"}),
    ("looked_after", "Looked after", {True: "Looked after", False: "Not looked after"}),
    ("sex", "Sex", dict(Pupil.Sex.choices)),
    ("year_group", "Year group", dict(YearGroup.choices)),
]


SCHOOL_AGE_DIMENSION = (
    "compulsory_school_age",
    "School age",
    {True: "Compulsory school age (5 to 15)", False: "Not of compulsory school age"},
)


def group_summary(members: list[Figures]) -> dict:
    """A group's figures (ratio of sums), its pupils with possible sessions, and its persistent and
    severe absence as counts and as rates of those pupils (the DfE's "percentage of enrolments")."""
    members = [f for f in members if f.has_sessions]
    persistent = sum(1 for f in members if f.is_persistent_absence)
    severe = sum(1 for f in members if f.is_severe_absence)
    return {
        "pupils": len(members),
        "figures": combine(members),
        "persistent": persistent,
        "severe": severe,
        "persistent_pct": percentage_1dp(persistent, len(members)),
        "severe_pct": percentage_1dp(severe, len(members)),
    }


def cohort_comparison(
    pupils: QuerySet, start: date, end: date, *, calendar: SchoolCalendar | None = None
) -> list[dict]:
    """For each dimension, each group's figures (ratio of sums) and its persistent and severe absence.

    Enrolments with no possible sessions in the period are left out of every count and rate
    (docs/rules.md section 2), as on the whole-school page. The first dimension is school age: the
    DfE's headline cohort (aged 5 to 15 on 31 August before the year) and everyone else, apart.
    """
    calendar = _calendar_for(pupils, calendar)
    year_start = calendar.academic_year_start(end) or start
    fields = tuple(name for name, _, _ in COHORT_DIMENSIONS)
    rows = [
        (
            {
                **row,
                SCHOOL_AGE_DIMENSION[0]: is_compulsory_school_age(
                    row["date_of_birth"], year_start=year_start
                ),
            },
            figs,
        )
        for row, figs in pupil_rows(pupils, start, end, fields=(*fields, "date_of_birth"), calendar=calendar)
        if figs.has_sessions
    ]
    result = []
    for name, label, labels in [SCHOOL_AGE_DIMENSION, *COHORT_DIMENSIONS]:
        groups: dict = defaultdict(list)
        for row, figs in rows:
            groups[row[name]].append(figs)
        result.append(
            {
                "field": name,
                "label": label,
                "groups": [
                    {"value": value, "label": labels.get(value, str(value)), **group_summary(members)}
                    for value, members in sorted(
                        groups.items(),
                        key=lambda item: list(labels).index(item[0]) if item[0] in labels else 99,
                    )
                ],
            }
        )
    return result


def weekly_table(pupils: QuerySet, start: date, end: date, *, calendar: SchoolCalendar):
    """(weeks, rows): rows are (pupil, [Figures per week], Figures for the period) for each pupil."""
    weeks = calendar.school_weeks_between(start, end)
    pupil_list = list(pupils.order_by("legal_last_name", "legal_first_name"))
    counts: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    marks = (
        RegisterMark.objects.filter(pupil__in=[p.pk for p in pupil_list], date__gte=start, date__lte=end)
        .values_list("pupil_id", "date", "code")
        .order_by()
    )
    # Weekly buckets are formed in Python from one query of (pupil, date, code): the rows are a
    # class's marks for the period, and week arithmetic is portable across databases this way.
    for pupil_id, day, code in marks:
        counts[pupil_id][monday_of(day)][code] += 1
    rows = []
    for pupil in pupil_list:
        per_week = [Figures.from_code_counts(counts[pupil.pk][monday]) for monday in weeks]
        rows.append((pupil, per_week, combine(per_week)))
    return weeks, rows


def weekly_trend(
    pupils: QuerySet, start: date, end: date, *, calendar: SchoolCalendar
) -> list[tuple[date, Figures]]:
    weeks = calendar.school_weeks_between(start, end)
    counts: dict = defaultdict(lambda: defaultdict(int))
    rows = (
        RegisterMark.objects.filter(pupil__in=pupils.values("pk"), date__gte=start, date__lte=end)
        .values("date", "code")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        counts[monday_of(row["date"])][row["code"]] += row["n"]
    return [(monday, Figures.from_code_counts(counts[monday])) for monday in weeks]


WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def weekday_pattern(pupils: QuerySet, start: date, end: date) -> list[tuple[str, Figures]]:
    """Figures for each weekday: a pupil missing mostly Mondays and Fridays shows here."""
    counts: dict = defaultdict(lambda: defaultdict(int))
    rows = (
        RegisterMark.objects.filter(pupil__in=pupils.values("pk"), date__gte=start, date__lte=end)
        .annotate(weekday=ExtractIsoWeekDay("date"))
        .values("weekday", "code")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        counts[row["weekday"]][row["code"]] += row["n"]
    return [(name, Figures.from_code_counts(counts[i + 1])) for i, name in enumerate(WEEKDAYS)]


def session_calendar(pupil, start: date, end: date, *, calendar: SchoolCalendar) -> list[dict]:
    """Weeks of school days with the pupil's AM and PM marks, for the coloured session calendar."""
    marks = {
        (m.date, m.session): m
        for m in RegisterMark.objects.filter(pupil=pupil, date__gte=start, date__lte=end).order_by()
    }
    weeks = []
    for monday in calendar.school_weeks_between(start, end):
        days = []
        for offset in range(5):
            day = monday + timedelta(days=offset)
            sessions = calendar.sessions_on(day) if start <= day <= end else ()
            days.append(
                {
                    "date": day,
                    "school_day": bool(sessions),
                    "am": marks.get((day, "AM")) if "AM" in sessions else None,
                    "pm": marks.get((day, "PM")) if "PM" in sessions else None,
                }
            )
        weeks.append({"monday": monday, "days": days})
    return weeks
