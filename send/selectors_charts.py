"""What the SEND charts page (send:charts) draws, each aggregated in the database or from the provision
map's per-intervention totals, never a query per pupil: needs by broad area, spend by wave and area,
the share of targets achieved per term, and each intervention's impact (attendance and entry and exit
measures, before and after)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Avg, Case, Count, F, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear

from attendance.figures import combine
from school.calendar import SchoolCalendar

from . import needs
from .models import ProvisionEnrolment, Target
from .selectors import attendance_before_after, need_counts, provision_map

TERMS = {1: "Autumn", 2: "Spring", 3: "Summer"}


def term_of(month: int) -> int:
    """The school term a month falls in, by our reading of the school year: autumn September to
    December, spring January to March, summer April to August (Easter moves; the month decides).

    >>> [term_of(m) for m in (9, 12, 1, 3, 4, 8)]
    [1, 1, 2, 2, 3, 3]
    """
    return 1 if month >= 9 else 2 if month <= 3 else 3


def needs_by_area(*, school) -> list[dict]:
    areas, _ = need_counts(school=school)
    return [{"label": a["label"], "count": a["total"]} for a in areas]


def spend_by_wave_and_area(*, school, today: date, calendar: SchoolCalendar) -> dict:
    """This academic year's projected spend, by wave (rows) and broad area (series), from the provision
    map's per-intervention totals."""
    data = provision_map(school=school, today=today, calendar=calendar)
    table: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for totals in data["per_intervention"]:
        intervention = totals["intervention"]
        table[intervention.wave][intervention.area_of_need] += totals["projected"]
    areas = [a for a, _ in needs.BROAD_AREAS if any(table[w].get(a) for w in table)]
    waves = sorted(table)
    return {
        "waves": waves,
        "areas": [{"code": a, "label": needs.BROAD_AREA_LABELS[a]} for a in areas],
        "rows": [{"wave": w, "values": [table[w].get(a, Decimal("0")) for a in areas]} for w in waves],
    }


def targets_achieved_by_term(*, school) -> list[dict]:
    """Per term, the targets with an outcome recorded and how many were achieved (one query). A target
    belongs to the term of its cycle's review (or its own review date before the review is held)."""
    on = Coalesce(F("cycle__reviewed_on"), F("review_date"))
    month = ExtractMonth(on)
    rows = (
        Target.objects.current()
        .filter(cycle__school=school)
        .exclude(outcome="")
        .annotate(month=month)
        .annotate(
            term=Case(
                When(Q(month__gte=9), then=Value(1)),
                When(Q(month__lte=3), then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            ),
            school_year=Case(
                When(Q(month__gte=9), then=ExtractYear(on)),
                default=ExtractYear(on) - 1,
                output_field=IntegerField(),
            ),
        )
        .order_by()
        .values("school_year", "term")
        .annotate(
            total=Count("id"),
            achieved=Count("id", filter=Q(outcome=Target.Outcome.ACHIEVED)),
        )
        .order_by("school_year", "term")
    )
    return [
        {
            "label": f"{TERMS[r['term']]} {r['school_year']}/{(r['school_year'] + 1) % 100:02d}",
            "total": r["total"],
            "achieved": r["achieved"],
            "pct": round(100 * r["achieved"] / r["total"], 1),
        }
        for r in rows
    ]


def intervention_impact(*, school, today: date, calendar: SchoolCalendar) -> list[dict]:
    """Per intervention with places this year: the mean entry and exit measure of places with both
    (one query), and the attendance of its pupils in the weeks before their places and since
    (the statistics engine, two queries per group of places that started together)."""
    year = provision_map(school=school, today=today, calendar=calendar)["rows"]
    measures = {
        r["intervention_id"]: r
        for r in ProvisionEnrolment.objects.current()
        .filter(school=school, pk__in=[e.pk for e in year], entry_measure__isnull=False)
        .exclude(exit_measure__isnull=True)
        .order_by()
        .values("intervention_id")
        .annotate(n=Count("id"), entry=Avg("entry_measure"), exit=Avg("exit_measure"))
    }
    attendance = attendance_before_after(year, calendar=calendar, today=today)
    by_intervention: dict[int, dict] = {}
    for enrolment in year:
        row = by_intervention.setdefault(
            enrolment.intervention_id,
            {"intervention": enrolment.intervention, "places": 0, "before": [], "after": []},
        )
        row["places"] += 1
        before, after = attendance.get(enrolment.pk, (None, None))
        if before is not None:
            row["before"].append(before)
        if after is not None:
            row["after"].append(after)
    result = []
    for pk, row in by_intervention.items():
        m = measures.get(pk)
        before, after = combine(row["before"]), combine(row["after"])
        result.append(
            {
                "intervention": row["intervention"],
                "places": row["places"],
                "before_pct": before.attendance_pct if before.has_sessions else None,
                "after_pct": after.attendance_pct if after.has_sessions else None,
                "measured": m["n"] if m else 0,
                "entry": m["entry"] if m else None,
                "exit": m["exit"] if m else None,
            }
        )
    return sorted(result, key=lambda r: r["intervention"].name)
