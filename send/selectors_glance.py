"""The "At a glance" card of a pupil's SEND page (issue 15, "the right context where decisions are
made"): this year's attendance with its weekly trend, the flags that change how the pupil is
supported (medical condition, looked after, English as an additional language), the EHC plan in force
and the next dates that matter. A fixed number of queries for one pupil; the attendance case's tier and
key adult come from graduated_response's panel (an earlier app never reads a later one's tables)."""

from __future__ import annotations

from datetime import date

from school.calendar import SchoolCalendar
from school.models import Pupil

from .selectors_evidence import attendance_summary
from .selectors_reviews import plan_reviews


def pupil_flags(pupil: Pupil) -> list[str]:
    """The flags a supporting adult should know, in plain English (no query)."""
    flags = []
    if pupil.medical_condition:
        flags.append("Medical condition")
    if pupil.looked_after:
        flags.append("Looked after")
    elif pupil.previously_looked_after:
        flags.append("Previously looked after")
    if pupil.eal:
        flags.append("English as an additional language")
    return flags


def next_dates(*, open_cycle, plan_review, funding, today: date) -> list[dict]:
    """The dates coming up (or passed and not yet done), soonest first: the open cycle's review, the
    EHC plan's next review and the review of each funding application. Pure.

        >>> from types import SimpleNamespace as S
        >>> cycle = S(number=2, review_due=date(2026, 12, 10), reviewed_on=None)
        >>> [d["what"] for d in next_dates(open_cycle=cycle, plan_review=None, funding=[], today=date(2026, 12, 1))]
        ['Cycle 2 review']
    """
    rows = []
    if open_cycle is not None and open_cycle.review_due and not open_cycle.reviewed_on:
        rows.append({"what": f"Cycle {open_cycle.number} review", "on": open_cycle.review_due})
    if plan_review is not None:
        rows.append({"what": "EHC plan review due by", "on": plan_review.due.due})
    for application in funding:
        if application.review_date and application.review_date >= today:
            rows.append({"what": f"{application.get_kind_display()} review", "on": application.review_date})
    for row in rows:
        row["overdue"] = row["on"] < today
    return sorted(rows, key=lambda r: r["on"])


def pupil_at_a_glance(*, pupil: Pupil, today: date, ehc_plan, open_cycle, funding) -> dict:
    """The card's contents (a fixed number of queries: the calendar, the attendance figures and trend,
    and the plan's review when there is a plan)."""
    calendar = SchoolCalendar.for_school(pupil.school)
    plan_review = None
    if ehc_plan is not None:
        rows = plan_reviews(pupil.school, today=today, plans=type(ehc_plan).objects.filter(pk=ehc_plan.pk))
        plan_review = rows[0] if rows else None
    return {
        "attendance": attendance_summary(pupil=pupil, today=today, calendar=calendar),
        "flags": pupil_flags(pupil),
        "plan": ehc_plan,
        "plan_review": plan_review,
        "dates": next_dates(open_cycle=open_cycle, plan_review=plan_review, funding=funding, today=today),
    }
