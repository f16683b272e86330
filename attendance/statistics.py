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
    One query. Every pupil of ``pupils`` is in the dict (zero figures when there are no marks).
    ``Figures.unauthorised_last_10_weeks`` counts G, N, O and U in the 10 school weeks ending ``end``.
``pupil_rows(pupils, start, end, *, fields=(), calendar=None) -> list[(dict, Figures)]``
    Like ``pupil_figures`` but also returns the named pupil fields (``"upn"``, ``"year_group"``...),
    so callers can group in Python without another query.
``group_figures(pupils, start, end, *, calendar=None) -> Figures``
    One query: the group's figures as a ratio of sums (class, year group, school, cohort).
``absence_list(pupils, start, end, *, severe=False) -> QuerySet[Pupil]``
    Pupils in persistent (or severe) absence, worst first, each annotated with ``n_possible``,
    ``n_absent`` and ``n_attendance``. Use ``figures_of(pupil)`` on a row. Paginate it.
``cohort_comparison(pupils, start, end, *, calendar=None) -> list[dict]``
    Figures and persistent-absence counts by SEN provision, pupil premium, FSM, EAL, looked after,
    sex and year group (one query).
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

from django.db.models import Count, F, FilteredRelation, Q, QuerySet, Sum
from django.db.models.functions import ExtractIsoWeekDay
from django.utils import timezone

from school.calendar import SchoolCalendar, monday_of
from school.models import Pupil, YearGroup

from . import codes
from .figures import Figures, combine
from .models import RegisterMark

__all__ = [
    "absence_list",
    "cohort_comparison",
    "default_range",
    "figures_of",
    "group_figures",
    "pupil_figures",
    "pupil_rows",
    "ten_week_window",
    "weekday_pattern",
    "weekly_table",
    "weekly_trend",
]

TEN_WEEKS = 10
_COUNT_FIELDS = (
    "n_present", "n_approved", "n_authorised", "n_unauthorised", "n_not_counted",
    "n_late_l", "n_late_u", "n_late_minutes", "n_unauth_10w",
)


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


# --- the aggregate expressions ------------------------------------------------------------------------
def _aggregates(prefix: str, start: date, end: date, window_start: date | None) -> dict:
    """Conditional counts of marks by category; ``prefix`` reaches the mark from the queried model."""
    in_range = Q(**{f"{prefix}date__gte": start, f"{prefix}date__lte": end})

    def count(code_set, where=in_range):
        return Count(f"{prefix}id", filter=where & Q(**{f"{prefix}code__in": sorted(code_set)}))

    aggregates = {
        "n_present": count(codes.PRESENT_CODES),
        "n_approved": count(codes.APPROVED_ACTIVITY_CODES),
        "n_authorised": count(codes.AUTHORISED_CODES),
        "n_unauthorised": count(codes.UNAUTHORISED_CODES),
        "n_not_counted": count(codes.NOT_COUNTED_CODES),
        "n_late_l": count({"L"}),
        "n_late_u": count({"U"}),
        "n_late_minutes": Sum(
            f"{prefix}minutes_late", filter=in_range & Q(**{f"{prefix}code": "L"}), default=0
        ),
    }
    if window_start is not None:
        window = Q(**{f"{prefix}date__gte": window_start, f"{prefix}date__lte": end})
        aggregates["n_unauth_10w"] = count(codes.PENALTY_UNAUTHORISED_CODES, window)
    return aggregates


def figures_of(row) -> Figures:
    """Figures from a row (dict or annotated object) holding the ``n_*`` counts."""
    get = row.get if isinstance(row, dict) else (lambda name, default=0: getattr(row, name, default))
    return Figures.from_totals(
        present=get("n_present", 0) or 0,
        approved_activity=get("n_approved", 0) or 0,
        authorised=get("n_authorised", 0) or 0,
        unauthorised=get("n_unauthorised", 0) or 0,
        late_l=get("n_late_l", 0) or 0,
        late_minutes=int(get("n_late_minutes", 0) or 0),
        late_u=get("n_late_u", 0) or 0,
        not_counted=get("n_not_counted", 0) or 0,
        unauthorised_last_10_weeks=get("n_unauth_10w", 0) or 0,
    )


def _annotated_pupils(pupils: QuerySet, start: date, end: date, window_start: date | None) -> QuerySet:
    """Pupils (each once) with their counts; the date range sits in the join, so the index is used."""
    low = min(start, window_start) if window_start else start
    return (
        Pupil.objects.filter(pk__in=pupils.values("pk"))
        .annotate(
            m=FilteredRelation(
                "register_marks", condition=Q(register_marks__date__gte=low, register_marks__date__lte=end)
            )
        )
        .annotate(**_aggregates("m__", start, end, window_start))
    )


# --- pupils -------------------------------------------------------------------------------------------
def pupil_rows(
    pupils: QuerySet, start: date, end: date, *, fields: tuple[str, ...] = (), calendar: SchoolCalendar | None = None
) -> list[tuple[dict, Figures]]:
    calendar = _calendar_for(pupils, calendar)
    window = ten_week_window(calendar, end)
    rows = _annotated_pupils(pupils, start, end, window[0] if window else None).values(
        "pk", *fields, *[name for name in _COUNT_FIELDS if name != "n_unauth_10w" or window]
    )
    return [(row, figures_of(row)) for row in rows.order_by()]


def pupil_figures(
    pupils: QuerySet, start: date, end: date, *, calendar: SchoolCalendar | None = None
) -> dict[int, Figures]:
    return {row["pk"]: figs for row, figs in pupil_rows(pupils, start, end, calendar=calendar)}


def group_figures(
    pupils: QuerySet, start: date, end: date, *, calendar: SchoolCalendar | None = None
) -> Figures:
    """A group's figures in one query; each percentage is a ratio of sums (STATUTORY_RULES.md 2)."""
    calendar = _calendar_for(pupils, calendar)
    window = ten_week_window(calendar, end)
    low = min(start, window[0]) if window else start
    row = RegisterMark.objects.filter(pupil__in=pupils.values("pk"), date__gte=low, date__lte=end).aggregate(
        **_aggregates("", start, end, window[0] if window else None)
    )
    return figures_of(row)


def absence_list(pupils: QuerySet, start: date, end: date, *, severe: bool = False) -> QuerySet:
    """Pupils whose absence is at least 10% (or 50% when ``severe``) of their possible sessions."""
    absent = codes.AUTHORISED_CODES | codes.UNAUTHORISED_CODES
    in_range = Q(m__date__gte=start, m__date__lte=end)
    qs = (
        Pupil.objects.filter(pk__in=pupils.values("pk"))
        .annotate(m=FilteredRelation("register_marks", condition=Q(register_marks__date__gte=start,
                                                                    register_marks__date__lte=end)))
        .annotate(**_aggregates("m__", start, end, None))
        .annotate(
            n_possible=Count("m__id", filter=in_range & Q(m__code__in=sorted(codes.POSSIBLE_CODES))),
            n_absent=Count("m__id", filter=in_range & Q(m__code__in=sorted(absent))),
        )
        .filter(n_possible__gt=0)
    )
    # Integer comparisons, as in Figures: absent x 10 >= possible is persistent, x 2 severe.
    factor = 2 if severe else 10
    qs = qs.alias(scaled=F("n_absent") * factor).filter(scaled__gte=F("n_possible"))
    return qs.select_related("registration_class").order_by(
        (F("n_absent") * 1.0 / F("n_possible")).desc(), "legal_last_name", "legal_first_name"
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


def cohort_comparison(
    pupils: QuerySet, start: date, end: date, *, calendar: SchoolCalendar | None = None
) -> list[dict]:
    """For each dimension, each group's figures (ratio of sums) and its persistent absence rate."""
    fields = tuple(name for name, _, _ in COHORT_DIMENSIONS)
    rows = pupil_rows(pupils, start, end, fields=fields, calendar=calendar)
    result = []
    for name, label, labels in COHORT_DIMENSIONS:
        groups: dict = defaultdict(list)
        for row, figs in rows:
            groups[row[name]].append(figs)
        result.append({
            "field": name,
            "label": label,
            "groups": [
                {
                    "value": value,
                    "label": labels.get(value, str(value)),
                    "pupils": len(members),
                    "figures": combine(members),
                    "persistent": sum(1 for f in members if f.is_persistent_absence),
                    "severe": sum(1 for f in members if f.is_severe_absence),
                }
                for value, members in sorted(groups.items(), key=lambda item: list(labels).index(item[0])
                                             if item[0] in labels else 99)
            ],
        })
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


def weekly_trend(pupils: QuerySet, start: date, end: date, *, calendar: SchoolCalendar) -> list[tuple[date, Figures]]:
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
            days.append({
                "date": day,
                "school_day": bool(sessions),
                "am": marks.get((day, "AM")) if "AM" in sessions else None,
                "pm": marks.get((day, "PM")) if "PM" in sessions else None,
            })
        weeks.append({"monday": monday, "days": days})
    return weeks
