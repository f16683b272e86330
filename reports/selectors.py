"""Anonymised aggregates for governors. Everything here goes through reports.suppression."""

from datetime import date

from django.db.models import Count

from attendance import statistics
from attendance.figures import combine
from school.calendar import SchoolCalendar
from school.models import Pupil

from .suppression import count_for_display, is_suppressed_group


def _present_group(*, label: str, pupils: int, figures, persistent: int, severe: int) -> dict:
    if is_suppressed_group(pupils):
        return {"label": label, "suppressed": True}
    return {
        "label": label,
        "suppressed": False,
        "pupils": pupils,
        "attendance_pct": figures.attendance_pct_1dp,
        "authorised_pct": figures.authorised_pct_1dp,
        "unauthorised_pct": figures.unauthorised_pct_1dp,
        "persistent": count_for_display(persistent),
        "severe": count_for_display(severe),
    }


def governor_overview(*, school, today: date) -> dict:
    """Whole-school attendance, cohorts and the SEN register in numbers, with small groups suppressed."""
    calendar = SchoolCalendar.for_school(school)
    start, end = statistics.default_range(calendar, today)
    pupils = Pupil.objects.for_school(school).on_roll(at=today)
    dimensions = statistics.cohort_comparison(pupils, start, end, calendar=calendar)
    whole = None
    cohorts = []
    for dimension in dimensions:
        groups = [
            _present_group(
                label=group["label"],
                pupils=group["pupils"],
                figures=group["figures"],
                persistent=group["persistent"],
                severe=group["severe"],
            )
            for group in dimension["groups"]
        ]
        cohorts.append({"label": dimension["label"], "groups": groups})
        if whole is None:  # every dimension partitions the same pupils; sum one of them for the school
            members = [group["figures"] for group in dimension["groups"]]
            whole = _present_group(
                label="Whole school",
                pupils=sum(group["pupils"] for group in dimension["groups"]),
                figures=combine(members),
                persistent=sum(group["persistent"] for group in dimension["groups"]),
                severe=sum(group["severe"] for group in dimension["groups"]),
            )
    provision = dict(pupils.values_list("sen_provision").annotate(n=Count("pk")).order_by())
    sen = [
        {"label": label, "count": count_for_display(provision.get(code, 0))}
        for code, label in (("K", "SEN support"), ("E", "EHC plan"))
    ]
    return {"start": start, "end": end, "whole": whole, "cohorts": cohorts, "sen": sen}
