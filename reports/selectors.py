"""Anonymised aggregates for governors. Everything here goes through reports.suppression."""

from datetime import date

from django.db.models import Count, Prefetch

from attendance import statistics
from attendance.figures import combine, percentage_1dp
from school.calendar import SchoolCalendar
from school.models import Pupil

from .models import SenInformationReport, SenInformationReportVersion
from .suppression import (
    SMALL,
    count_for_display,
    counts_for_display,
    hidden_groups_with_reasons,
    is_suppressed_group,
)


def _present_group(*, label: str, pupils: int, figures, persistent, severe) -> dict:
    return {
        "label": label,
        "suppressed": False,
        "pupils": pupils,
        "attendance_pct": figures.attendance_pct_1dp,
        "authorised_pct": figures.authorised_pct_1dp,
        "unauthorised_pct": figures.unauthorised_pct_1dp,
        "persistent": persistent,
        "severe": severe,
        # A rate only beside a count that is shown: a rate next to "fewer than 5" would give it away.
        "persistent_pct": percentage_1dp(persistent, pupils) if isinstance(persistent, int) else None,
        "severe_pct": percentage_1dp(severe, pupils) if isinstance(severe, int) else None,
    }


def _present_breakdown(groups: list[dict]) -> list[dict]:
    """One breakdown (e.g. by year group) with small groups and small counts suppressed."""
    hidden = hidden_groups_with_reasons([group["pupils"] for group in groups])
    visible = [group for i, group in enumerate(groups) if i not in hidden]
    persistent = dict(
        zip(map(id, visible), counts_for_display([g["persistent"] for g in visible]), strict=True)
    )
    severe = dict(zip(map(id, visible), counts_for_display([g["severe"] for g in visible]), strict=True))
    result = []
    for i, group in enumerate(groups):
        if i in hidden:
            result.append({"label": group["label"], "suppressed": True, "small": hidden[i] == SMALL})
            continue
        result.append(
            _present_group(
                label=group["label"],
                pupils=group["pupils"],
                figures=group["figures"],
                persistent=persistent[id(group)],
                severe=severe[id(group)],
            )
        )
    return result


def governor_overview(*, school, today: date) -> dict:
    """Whole-school attendance, cohorts and the SEN register in numbers, with small groups suppressed."""
    calendar = SchoolCalendar.for_school(school)
    start, end = statistics.default_range(calendar, today)
    pupils = Pupil.objects.for_school(school).on_roll(at=today)
    dimensions = statistics.cohort_comparison(pupils, start, end, calendar=calendar)
    cohorts = [
        {"label": dimension["label"], "groups": _present_breakdown(dimension["groups"])}
        for dimension in dimensions
    ]
    # Every breakdown partitions the same pupils (those with possible sessions: enrolments without any
    # are left out of every count, as on the whole-school page); the first one gives the whole school.
    everyone = dimensions[0]["groups"] if dimensions else []
    total = sum(group["pupils"] for group in everyone)
    if is_suppressed_group(total):
        whole = {"label": "Whole school", "suppressed": True, "small": True}
    else:
        whole = _present_group(
            label="Whole school",
            pupils=total,
            figures=combine([group["figures"] for group in everyone]),
            persistent=count_for_display(sum(group["persistent"] for group in everyone)),
            severe=count_for_display(sum(group["severe"] for group in everyone)),
        )
    provision = dict(pupils.values_list("sen_provision").annotate(n=Count("pk")).order_by())
    labels = (("K", "SEN support"), ("E", "EHC plan"))
    counts = counts_for_display([provision.get(code, 0) for code, _ in labels])
    sen = [
        {"label": label, "count": count, "is_number": isinstance(count, int)}
        for (_, label), count in zip(labels, counts, strict=True)
    ]
    return {"start": start, "end": end, "whole": whole, "cohorts": cohorts, "sen": sen}


# --- the annual SEN information report ------------------------------------------------------------------
def sen_information_reports(*, school):
    """The school's reports (not withdrawn), newest year first, each with its published versions."""
    return (
        SenInformationReport.objects.current()
        .filter(school=school)
        .prefetch_related(
            Prefetch("versions", queryset=SenInformationReportVersion.objects.order_by("-number"))
        )
    )


def published_versions(*, school):
    """Published versions of the school's reports that have not been withdrawn: what governors read."""
    return SenInformationReportVersion.objects.filter(
        report__school=school, report__withdrawn_at__isnull=True
    ).select_related("report", "report__school", "published_by")
