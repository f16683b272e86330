"""The SEND charts page (issue 15): pictures where a picture beats a table, each with its table."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_safe

from school import policy
from school.calendar import SchoolCalendar

from .. import charts, selectors_charts
from .common import today


@require_safe
@policy.capability_required(policy.MANAGE_SEND)
def charts_page(request):
    school, day = request.school, today()
    calendar = SchoolCalendar.for_school(school)
    needs = selectors_charts.needs_by_area(school=school)
    spend = selectors_charts.spend_by_wave_and_area(school=school, today=day, calendar=calendar)
    terms = selectors_charts.targets_achieved_by_term(school=school)
    impact = selectors_charts.intervention_impact(school=school, today=day, calendar=calendar)
    pictures = {
        "needs": charts.bars(
            [n["label"] for n in needs],
            {"Pupils": [n["count"] for n in needs]},
            xlabel="Pupils on the register",
        ),
        "spend": charts.bars(
            [f"Wave {r['wave']}" for r in spend["rows"]],
            {
                a["label"]: [float(r["values"][i]) for r in spend["rows"]]
                for i, a in enumerate(spend["areas"])
            },
            xlabel="Projected spend this year (£)",
        )
        if spend["rows"]
        else None,
        "terms": charts.bars(
            [t["label"] for t in terms],
            {"Achieved": [t["pct"] for t in terms]},
            xlabel="Targets achieved (%)",
            percent=True,
        )
        if terms
        else None,
        "impact": charts.bars(
            [r["intervention"].name for r in impact],
            {
                "Attendance before (%)": [r["before_pct"] or 0 for r in impact],
                "Attendance since (%)": [r["after_pct"] or 0 for r in impact],
            },
            xlabel="Attendance (%)",
            percent=True,
        )
        if impact
        else None,
    }
    return render(
        request,
        "send/charts.html",
        {"needs": needs, "spend": spend, "terms": terms, "impact": impact, "pictures": pictures},
    )
