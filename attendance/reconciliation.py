"""Reconciling one day's figures with the DfE's daily-attendance definitions (docs/rules.md sections 1, 2).

For a chosen date the DfE's definitions are computed straight from the database, independently of the
statistics engine: the pupils on roll that day, their marks that day counted with conditional counts
on the code sets of ``attendance.codes`` (possible = attendance + authorised + unauthorised; "not
counted" codes left out), and persistent absence as pupils on roll whose absence over the year to
that date is at least 10% of their own possible sessions (pupils with none left out). The product's
own figures come from ``attendance.statistics``, as every page gets them. Both are shown side by side.

Where they differ, each pupil whose counts differ is listed. Beside that, every pupil-level reason the
LA's or DfE's copy of the figures could differ from the school's is listed too: a mark on a day the pupil
was not on roll, a session the school met with no mark yet, a mark on a session the calendar has closed,
and pupils on roll with no possible sessions this year (left out of the persistent absence count).
A handful of queries, whatever the roll.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet

from school.calendar import SchoolCalendar

from . import codes, statistics
from .models import RegisterMark

MEASURES = (
    ("possible", "Possible sessions"),
    ("attendance", "Attendance"),
    ("authorised", "Authorised absence"),
    ("unauthorised", "Unauthorised absence"),
    ("persistent", "Persistently absent pupils (year to date)"),
)


def _counts():
    return {
        "possible": Count("id", filter=Q(code__in=codes.POSSIBLE_CODES)),
        "attendance": Count("id", filter=Q(code__in=codes.ATTENDANCE_CODES)),
        "authorised": Count("id", filter=Q(code__in=codes.AUTHORISED_CODES)),
        "unauthorised": Count("id", filter=Q(code__in=codes.UNAUTHORISED_CODES)),
    }


@dataclass
class Reconciliation:
    on: date
    year_start: date
    rows: list[dict] = field(default_factory=list)  # measure, label, dfe, product, difference
    differences: list[dict] = field(default_factory=list)  # pupil, what, dfe, product
    explanations: list[dict] = field(default_factory=list)  # pupil (or None), text

    @property
    def agree(self) -> bool:
        return not self.differences and all(row["difference"] == 0 for row in self.rows)


def reconcile(
    *, pupils: QuerySet, school, on: date, calendar: SchoolCalendar | None = None
) -> Reconciliation:
    calendar = calendar or SchoolCalendar.for_school(school)
    year_start = calendar.academic_year_start(on) or on
    on_roll = pupils.filter(admission_date__lte=on).filter(
        Q(leaving_date__isnull=True) | Q(leaving_date__gte=on)
    )
    names = {p.pk: p for p in on_roll.select_related("registration_class")}

    # The DfE's definitions, straight from the marks.
    day = RegisterMark.objects.filter(pupil__in=on_roll.values("pk"), date=on)
    dfe_by_pupil = {row["pupil_id"]: row for row in day.values("pupil_id").annotate(**_counts()).order_by()}
    dfe = {
        key: sum(row[key] for row in dfe_by_pupil.values())
        for key in ("possible", "attendance", "authorised", "unauthorised")
    }
    absent = codes.AUTHORISED_CODES | codes.UNAUTHORISED_CODES
    year = (
        RegisterMark.objects.filter(pupil__in=on_roll.values("pk"), date__gte=year_start, date__lte=on)
        .values("pupil_id")
        .annotate(
            possible=Count("id", filter=Q(code__in=codes.POSSIBLE_CODES)),
            absent=Count("id", filter=Q(code__in=absent)),
        )
        .order_by()
    )
    year_rows = {row["pupil_id"]: row for row in year}
    dfe["persistent"] = sum(
        1 for row in year_rows.values() if row["possible"] and row["absent"] * 10 >= row["possible"]
    )

    # The product's own, from the statistics engine.
    product_by_pupil = dict(statistics.pupil_figures(on_roll, on, on, calendar=calendar))
    group = statistics.group_figures(on_roll, on, on, calendar=calendar)
    product_year = statistics.pupil_figures(on_roll, year_start, on, calendar=calendar)
    product = {
        "possible": group.possible,
        "attendance": group.attendance,
        "authorised": group.authorised,
        "unauthorised": group.unauthorised,
        "persistent": sum(1 for f in product_year.values() if f.has_sessions and f.is_persistent_absence),
    }
    result = Reconciliation(on=on, year_start=year_start)
    result.rows = [
        {
            "measure": key,
            "label": label,
            "dfe": dfe[key],
            "product": product[key],
            "difference": product[key] - dfe[key],
        }
        for key, label in MEASURES
    ]
    for pupil_id, pupil in names.items():
        mine, theirs = product_by_pupil.get(pupil_id), dfe_by_pupil.get(pupil_id, {})
        for key in ("possible", "attendance", "authorised", "unauthorised"):
            if getattr(mine, key, 0) != theirs.get(key, 0):
                result.differences.append(
                    {"pupil": pupil, "what": key, "dfe": theirs.get(key, 0), "product": getattr(mine, key, 0)}
                )
    result.explanations = _explanations(
        school=school, on=on, calendar=calendar, names=names, year_rows=year_rows, pupils=pupils
    )
    return result


def _explanations(*, school, on, calendar, names, year_rows, pupils) -> list[dict]:
    out = []
    off_roll = (
        RegisterMark.objects.filter(school=school, date=on, pupil__in=pupils.values("pk"))
        .exclude(pupil_id__in=list(names))
        .select_related("pupil")
        .order_by("pupil__legal_last_name", "session")
    )
    for mark in off_roll:
        out.append(
            {
                "pupil": mark.pupil,
                "text": f"{mark.session} is marked {mark.code}, but the pupil was not on roll on this day: "
                "left out of both counts (check the admission or leaving date).",
            }
        )
    met = calendar.sessions_on(on)
    marked: dict[int, dict[str, str]] = defaultdict(dict)
    for pupil_id, session, code in RegisterMark.objects.filter(pupil_id__in=list(names), date=on).values_list(
        "pupil_id", "session", "code"
    ):
        marked[pupil_id][session] = code
    for pupil_id, pupil in names.items():
        for session in met:
            if session not in marked[pupil_id]:
                out.append(
                    {
                        "pupil": pupil,
                        "text": f"No {session} mark yet: not a possible session in either count until the "
                        "register is completed, but the DfE expects one for every pupil on roll.",
                    }
                )
        for session, code in sorted(marked[pupil_id].items()):
            if session not in met and codes.counts_as_possible(code):
                out.append(
                    {
                        "pupil": pupil,
                        "text": f"{session} is marked {code} on a session the school calendar has closed: both "
                        "count it as possible; if the school was closed it should be # (or Y4 if unexpected).",
                    }
                )
        row = year_rows.get(pupil_id)
        if not row or not row["possible"]:
            out.append(
                {
                    "pupil": pupil,
                    "text": "No possible sessions this school year: left out of the persistent absence count "
                    "and every rate, as the DfE leaves such enrolments out.",
                }
            )
    return out
