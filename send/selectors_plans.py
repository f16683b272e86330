"""Reads for EHC plans and their Section F delivery check, each in a fixed number of queries.

Delivered minutes a week are summed in the database (one subquery per line, not a query per pupil);
send/section_f.py then judges each line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from . import section_f
from .models import EhcPlan, Intervention, PlanProvisionLine, ProvisionEnrolment


def plans_in_force(*, school, on: date) -> QuerySet[EhcPlan]:
    return EhcPlan.objects.in_force(on).filter(school=school)


def plan_in_force_for(*, pupil, on: date) -> EhcPlan | None:
    return EhcPlan.objects.in_force(on).filter(pupil=pupil).select_related("local_authority").first()


def _delivered_minutes(on: date) -> Subquery:
    """Minutes a week of the line's pupil's places current on `on` in the line's linked interventions."""
    places = (
        ProvisionEnrolment.objects.current()
        .filter(
            pupil_id=OuterRef("plan__pupil_id"),
            intervention__plan_lines=OuterRef("pk"),
            start_date__lte=on,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .values("pupil_id")
        .annotate(total=Sum(F("intervention__sessions_per_week") * F("intervention__minutes_per_session")))
        .values("total")
    )
    return Subquery(places, output_field=IntegerField())


def lines_with_delivery(plans: QuerySet[EhcPlan], *, on: date) -> list[PlanProvisionLine]:
    """The current Section F lines of `plans`, each with `.delivered` minutes a week and `.delivery`
    (a section_f.LineCheck), in two queries whatever the number of plans."""
    lines = (
        PlanProvisionLine.objects.current()
        .filter(plan__in=plans)
        .select_related("plan__pupil__registration_class", "plan__local_authority")
        .annotate(delivered=Coalesce(_delivered_minutes(on), Value(0)))
        .prefetch_related(Prefetch("interventions", queryset=Intervention.objects.order_by("name")))
        .order_by("plan_id", "id")
    )
    result = list(lines)
    for line in result:
        line.delivery = section_f.check_line(
            description=line.description,
            sessions_per_week=line.sessions_per_week,
            minutes_per_session=line.minutes_per_session,
            delivered=line.delivered,
        )
    return result


@dataclass
class OverviewRow:
    plan: EhcPlan
    line: PlanProvisionLine | None  # None: the plan has no Section F lines recorded yet

    @property
    def sort_key(self) -> tuple:
        if self.line is None:
            # Nothing to check yet: after the short lines, with the ones that cannot be checked.
            return (section_f.STATUS_ORDER[section_f.UNQUANTIFIED], 0, self.plan.pupil.legal_last_name)
        return (*self.line.delivery.sort_key, self.plan.pupil.legal_last_name)


def section_f_overview(*, school, on: date, pupils=None) -> dict:
    """Every plan in force at `school` on `on` (narrowed to `pupils`, a queryset, when given), one row per
    Section F line, lines short of delivery first; plans with no lines yet are listed too. Three queries."""
    plans = plans_in_force(school=school, on=on)
    if pupils is not None:
        plans = plans.filter(pupil__in=pupils)
    plan_list = list(plans.select_related("pupil__registration_class", "local_authority"))
    lines = lines_with_delivery(plans, on=on)
    with_lines = {line.plan_id for line in lines}
    plans_by_id = {p.pk: p for p in plan_list}
    rows = [OverviewRow(plan=plans_by_id.get(line.plan_id, line.plan), line=line) for line in lines]
    rows += [OverviewRow(plan=p, line=None) for p in plan_list if p.pk not in with_lines]
    rows.sort(key=lambda r: r.sort_key)
    short = [r for r in rows if r.line is not None and r.line.delivery.status == section_f.SHORT]
    return {
        "rows": rows,
        "plans": len(plan_list),
        "short_lines": len(short),
        "short_pupils": len({r.plan.pupil_id for r in short}),
        "unquantified_lines": sum(1 for r in rows if r.line is not None and r.line.delivery.problems),
        "plans_without_lines": len(plan_list) - len(with_lines & set(plans_by_id)),
    }
