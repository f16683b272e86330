"""Reads for EHC plans and their Section F delivery check, each in a fixed number of queries.

Delivered minutes a week are summed in the database (one subquery per line, not a query per pupil);
send/section_f.py then judges each line. The school-wide overview also judges, sorts and counts the
lines in the database (as section_f does), so only the page shown is built in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from . import section_f
from .models import EhcPlan, Intervention, PlanProvisionLine, ProvisionEnrolment


def plans_in_force(*, school, on: date) -> QuerySet[EhcPlan]:
    return EhcPlan.objects.in_force(on).filter(school=school)


def plan_in_force_for(*, pupil, on: date) -> EhcPlan | None:
    return EhcPlan.objects.in_force(on).filter(pupil=pupil).select_related("local_authority").first()


def _delivered_minutes(on: date) -> Subquery:
    """Minutes a week of the line's pupil's places current on `on` in the line's linked interventions.

    An intervention linked to two current lines of one plan counts once, against the first of them (the
    line added first): the places are the pupil's, and the same sessions cannot meet two lines."""
    earlier_line = PlanProvisionLine.objects.current().filter(
        plan_id=OuterRef(OuterRef("plan_id")),
        pk__lt=OuterRef(OuterRef("pk")),
        interventions=OuterRef("intervention_id"),
    )
    places = (
        ProvisionEnrolment.objects.current()
        .filter(
            pupil_id=OuterRef("plan__pupil_id"),
            intervention__plan_lines=OuterRef("pk"),
            start_date__lte=on,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .filter(~Exists(earlier_line))
        .values("pupil_id")
        .annotate(total=Sum(F("intervention__sessions_per_week") * F("intervention__minutes_per_session")))
        .values("total")
    )
    return Subquery(places, output_field=IntegerField())


def _first_lines(plan_ids) -> dict[tuple[int, int], int]:
    """(plan, intervention) -> the first current line of the plan linked to the intervention."""
    links = PlanProvisionLine.interventions.through.objects.filter(
        planprovisionline__plan_id__in=plan_ids, planprovisionline__withdrawn_at__isnull=True
    )
    return {
        (row["planprovisionline__plan_id"], row["intervention_id"]): row["first"]
        for row in links.values("planprovisionline__plan_id", "intervention_id").annotate(
            first=Min("planprovisionline_id")
        )
    }


def lines_with_delivery(plans: QuerySet[EhcPlan], *, on: date, only=None) -> list[PlanProvisionLine]:
    """The current Section F lines of `plans` (of those, the ids in `only` when given), each with
    `.delivered` minutes a week, `.delivery` (a section_f.LineCheck) and `.counted_elsewhere` (the ids
    of its interventions counted against an earlier line of the plan), in four queries whatever the
    number of plans."""
    lines = (
        PlanProvisionLine.objects.current()
        .filter(plan__in=plans)
        .select_related("plan__pupil__registration_class", "plan__local_authority")
        .annotate(delivered=Coalesce(_delivered_minutes(on), Value(0)))
        .prefetch_related(Prefetch("interventions", queryset=Intervention.objects.order_by("name")))
        .order_by("plan_id", "id")
    )
    if only is not None:
        lines = lines.filter(pk__in=only)
    result = list(lines)
    first = _first_lines({line.plan_id for line in result}) if result else {}
    for line in result:
        line.delivery = section_f.check_line(
            description=line.description,
            sessions_per_week=line.sessions_per_week,
            minutes_per_session=line.minutes_per_session,
            delivered=line.delivered,
        )
        line.counted_elsewhere = {
            i.pk for i in line.interventions.all() if first.get((line.plan_id, i.pk), line.pk) != line.pk
        }
    return result


@dataclass
class OverviewRow:
    plan: EhcPlan
    line: PlanProvisionLine | None  # None: the plan has no Section F lines recorded yet


def _vague_pattern() -> str:
    """section_f.VAGUE_PHRASES (plain words and spaces, nothing to escape) as a whole-word regex for the
    database: PostgreSQL's word boundary is \\y; SQLite runs Python's re, where it is \\b."""
    boundary = r"\y" if connection.vendor == "postgresql" else r"\b"
    return boundary + "(" + "|".join(section_f.VAGUE_PHRASES) + ")" + boundary


def _judged_lines(plans, *, on: date):
    """The current lines of `plans` judged in the database as section_f.check_line judges them: the
    shortfall (None when the line cannot be checked), whether it has problems, and its status order."""
    specified = Case(
        When(
            Q(sessions_per_week__gt=0, minutes_per_session__gt=0),
            then=F("sessions_per_week") * F("minutes_per_session"),
        ),
        default=None,
        output_field=IntegerField(),
    )
    problems = Q(sessions_per_week__isnull=True) | Q(sessions_per_week=0)
    problems |= Q(minutes_per_session__isnull=True) | Q(minutes_per_session=0)
    problems |= Q(description__iregex=_vague_pattern())
    return (
        PlanProvisionLine.objects.current()
        .filter(plan__in=plans)
        .annotate(
            row_delivered=Coalesce(_delivered_minutes(on), Value(0)),
            row_specified=specified,
        )
        .annotate(
            row_shortfall=Case(
                When(row_specified__isnull=True, then=None),
                When(row_specified__gt=F("row_delivered"), then=F("row_specified") - F("row_delivered")),
                default=Value(0),
                output_field=IntegerField(),
            ),
            row_problems=Case(
                When(problems, then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
        )
        .annotate(
            row_order=Case(
                When(row_shortfall__gt=0, then=Value(section_f.STATUS_ORDER[section_f.SHORT])),
                When(row_problems=True, then=Value(section_f.STATUS_ORDER[section_f.UNQUANTIFIED])),
                default=Value(section_f.STATUS_ORDER[section_f.MET]),
                output_field=IntegerField(),
            )
        )
    )


_KEYS = ("row_plan", "row_line", "row_order", "row_minus_short", "row_name")


class OverviewRows:
    """The overview's rows, sorted and counted in the database; a slice (what Paginator asks for) builds
    only the rows in it. Lines short of delivery first, the largest shortfall first, then the lines that
    cannot be checked together with plans that have no lines yet, then lines met; by surname within."""

    def __init__(self, *, plans, lines, on: date):
        # No ORDER BY inside the union's parts (SQLite refuses it); the union is ordered as a whole.
        line_keys = (
            lines.order_by()
            .annotate(
                row_plan=F("plan_id"),
                row_line=F("pk"),
                row_minus_short=-Coalesce(F("row_shortfall"), Value(0)),
                row_name=F("plan__pupil__legal_last_name"),
            )
            .values_list(*_KEYS)
        )
        bare_keys = (
            plans.order_by()
            .exclude(pk__in=lines.values("plan_id"))
            .annotate(
                row_plan=F("pk"),
                row_line=Value(None, output_field=IntegerField()),
                row_order=Value(section_f.STATUS_ORDER[section_f.UNQUANTIFIED], output_field=IntegerField()),
                row_minus_short=Value(0, output_field=IntegerField()),
                row_name=F("pupil__legal_last_name"),
            )
            .values_list(*_KEYS)
        )
        self._keys = line_keys.union(bare_keys, all=True).order_by(
            "row_order", "row_minus_short", "row_name", "row_plan", "row_line"
        )
        self._plans, self._on = plans, on
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = self._keys.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        return iter(self[0 : self.count()])

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        keys = list(self._keys[index])
        line_ids = [k[1] for k in keys if k[1] is not None]
        lines = (
            {line.pk: line for line in lines_with_delivery(self._plans, on=self._on, only=line_ids)}
            if line_ids
            else {}
        )
        bare = (
            {
                p.pk: p
                for p in self._plans.filter(pk__in=[k[0] for k in keys if k[1] is None]).select_related(
                    "pupil__registration_class", "local_authority"
                )
            }
            if len(line_ids) < len(keys)
            else {}
        )
        return [
            OverviewRow(plan=lines[k[1]].plan, line=lines[k[1]])
            if k[1] is not None
            else OverviewRow(plan=bare[k[0]], line=None)
            for k in keys
        ]


def section_f_overview(*, school, on: date, pupils=None) -> dict:
    """Every plan in force at `school` on `on` (narrowed to `pupils`, a queryset, when given), one row per
    Section F line, lines short of delivery first; plans with no lines yet are listed too. The counts
    are one aggregate query; `rows` is sorted in the database and builds only the page it is sliced to."""
    plans = plans_in_force(school=school, on=on)
    if pupils is not None:
        plans = plans.filter(pupil__in=pupils)
    lines = _judged_lines(plans, on=on)
    short = Q(row_shortfall__gt=0)
    totals = lines.aggregate(
        short_lines=Count("pk", filter=short),
        short_pupils=Count("plan__pupil_id", filter=short, distinct=True),
        unquantified_lines=Count("pk", filter=Q(row_problems=True)),
        plans_with_lines=Count("plan_id", distinct=True),
    )
    plan_count = plans.count()
    return {
        "rows": OverviewRows(plans=plans, lines=lines, on=on),
        "plans": plan_count,
        "short_lines": totals["short_lines"],
        "short_pupils": totals["short_pupils"],
        "unquantified_lines": totals["unquantified_lines"],
        "plans_without_lines": plan_count - totals["plans_with_lines"],
    }
