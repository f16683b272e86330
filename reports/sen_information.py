"""The figures of the annual SEN information report, from the SEND app's selectors, suppressed.

Everything here describes groups, never a child: counts of pupils of 1 to 4 read "fewer than 5" and a
neighbouring count that would give one away reads "not shown" (reports/suppression.py, docs/rules.md
section 6). A share (targets achieved, reviews on time) is shown only when it is about 5 pupils or more.
A fixed number of queries, whatever the number of pupils (tests/reports/test_sen_information_report.py).

The result is JSON-safe: publishing stores it as it is, so a published version never changes.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, F, Q

from send import register_status
from send.models import Intervention, ProvisionEnrolment, SupportCycle, Target
from send.models_timetables import PartTimeTimetable
from send.selectors import academic_year_bounds, need_counts, register_counts
from send.selectors_reviews import plan_reviews

from .suppression import count_for_display, counts_for_display, is_suppressed_group


def share_for_display(part: int, whole: int, *, pupils: int) -> float | None:
    """`part` of `whole` as a percentage to 1 decimal place, or None when it would describe fewer than
    5 pupils (or there is nothing to divide).

    >>> share_for_display(31, 40, pupils=12)
    77.5
    >>> share_for_display(3, 4, pupils=4) is None   # four pupils: a share could point at a child
    True
    >>> share_for_display(0, 0, pupils=0) is None
    True
    """
    if whole == 0 or is_suppressed_group(pupils):
        return None
    return round(part * 100 / whole, 1)


def _register(school) -> dict:
    by_status = {row["status"]: row["count"] for row in register_counts(school=school)}
    sen_support = by_status.get(register_status.SEN_SUPPORT, 0)
    ehc_plan = by_status.get(register_status.EHC_PLAN, 0)
    shown = counts_for_display([sen_support, ehc_plan])
    return {
        "rows": [
            {"label": register_status.LABELS[register_status.SEN_SUPPORT], "count": shown[0]},
            {"label": register_status.LABELS[register_status.EHC_PLAN], "count": shown[1]},
        ],
        "total": count_for_display(sen_support + ehc_plan),
    }


def _areas(school) -> list[dict]:
    areas, unrecorded = need_counts(school=school)
    labels = [area["label"] for area in areas] + ["Not yet recorded"]
    shown = counts_for_display([area["total"] for area in areas] + [unrecorded])
    return [{"label": label, "count": count} for label, count in zip(labels, shown, strict=True)]


def _targets(school, start: date, today: date) -> dict:
    row = (
        Target.objects.current()
        .filter(cycle__school=school, cycle__reviewed_on__gte=start, cycle__reviewed_on__lte=today)
        .exclude(outcome="")
        .aggregate(
            targets=Count("id"),
            achieved=Count("id", filter=Q(outcome=Target.Outcome.ACHIEVED)),
            partly=Count("id", filter=Q(outcome=Target.Outcome.PARTLY)),
            pupils=Count("cycle__pupil", distinct=True),
        )
    )
    return {
        "pupils": count_for_display(row["pupils"]),
        "achieved_pct": share_for_display(row["achieved"], row["targets"], pupils=row["pupils"]),
        "partly_pct": share_for_display(row["partly"], row["targets"], pupils=row["pupils"]),
    }


def _cycle_reviews(school, start: date, today: date) -> dict:
    """Cycles whose review fell due this year up to yesterday: held by the date due, or not."""
    row = SupportCycle.objects.filter(school=school, review_due__gte=start, review_due__lt=today).aggregate(
        due=Count("id"),
        on_time=Count("id", filter=Q(reviewed_on__isnull=False, reviewed_on__lte=F("review_due"))),
        pupils=Count("pupil", distinct=True),
    )
    return {
        "pupils": count_for_display(row["pupils"]),
        "on_time_pct": share_for_display(row["on_time"], row["due"], pupils=row["pupils"]),
    }


def _annual_reviews(school, today: date) -> dict:
    reviews = plan_reviews(school, today=today)
    up_to_date = sum(1 for review in reviews if not review.is_overdue(today))
    return {
        "plans": count_for_display(len(reviews)),
        "on_time_pct": share_for_display(up_to_date, len(reviews), pupils=len(reviews)),
    }


def _provision(school, start: date, today: date) -> dict:
    offered = dict(
        Intervention.objects.filter(school=school, is_active=True)
        .values_list("wave")
        .annotate(n=Count("id"))
        .order_by()
    )
    pupils = (
        ProvisionEnrolment.objects.current()
        .filter(school=school, start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .aggregate(n=Count("pupil", distinct=True))["n"]
    )
    waves = [
        {"label": label, "interventions": offered.get(wave, 0)} for wave, label in Intervention.Wave.choices
    ]
    return {
        "waves": waves,
        "interventions": sum(offered.values()),
        "pupils": count_for_display(pupils),
    }


def _part_time(school, start: date, today: date) -> dict:
    current = PartTimeTimetable.objects.current().filter(school=school)
    row = current.aggregate(
        today=Count("pupil", distinct=True, filter=Q(pk__in=current.in_force(today).values("pk"))),
        year=Count(
            "pupil",
            distinct=True,
            filter=Q(start_date__lte=today) & (Q(ended_on__isnull=True) | Q(ended_on__gte=start)),
        ),
    )
    return {"today": count_for_display(row["today"]), "this_year": count_for_display(row["year"])}


def figures(*, school, today: date) -> dict:
    """Everything the report counts, as of `today`, suppressed and JSON-safe."""
    start, _end = academic_year_bounds(today)
    return {
        "as_of": today.isoformat(),
        "as_of_text": f"{today:%-d %B %Y}",
        "year_from_text": f"{start:%-d %B %Y}",
        "register": _register(school),
        "areas": _areas(school),
        "targets": _targets(school, start, today),
        "cycle_reviews": _cycle_reviews(school, start, today),
        "annual_reviews": _annual_reviews(school, today),
        "provision": _provision(school, start, today),
        "part_time": _part_time(school, start, today),
    }
