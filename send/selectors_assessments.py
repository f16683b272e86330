"""Reads for EHC needs assessments: the school's list, and the closure a request for advice fell in."""

from __future__ import annotations

from datetime import date, timedelta

from school.models import TermPeriod

from . import ehc_assessment_deadlines as rules
from .models_assessment import EhcNeedsAssessment

# A closure of at least 4 weeks around the day asked: periods this far either side are enough to find it.
_WINDOW = timedelta(weeks=12)


def assessments_for_school(*, school):
    """The school's needs assessments not withdrawn, newest request first (the list page paginates it)."""
    return (
        EhcNeedsAssessment.objects.current()
        .filter(school=school)
        .select_related("pupil", "local_authority")
        .order_by("-request_date", "-id")
    )


def withdrawn_assessments_for_school(*, school):
    return (
        EhcNeedsAssessment.objects.withdrawn()
        .filter(school=school)
        .select_related("pupil", "withdrawn_by")
        .order_by("-withdrawn_at", "-id")
    )


def advice_closure(*, school, asked_on: date) -> tuple[date, date] | None:
    """The closure (first day closed, day the school re-opens) whose exception covers advice asked for on
    `asked_on` (send.ehc_assessment_deadlines.advice_request_in_closure), from the school's term dates;
    None when there is none or the term dates around it are not recorded. One query."""
    periods = list(
        TermPeriod.objects.filter(
            academic_year__school=school,
            end_date__gte=asked_on - _WINDOW,
            start_date__lte=asked_on + _WINDOW,
        )
        .order_by("start_date")
        .values_list("start_date", "end_date")
    )
    for (_, ended), (reopens_on, _) in zip(periods, periods[1:], strict=False):
        closes_on = ended + timedelta(days=1)
        if rules.advice_request_in_closure(asked_on, closes_on=closes_on, reopens_on=reopens_on):
            return closes_on, reopens_on
    return None


def closure_reason(*, asked_on: date, closure: tuple[date, date]) -> str:
    """The reason the exception form starts with, in the SENDCo's words to the local authority."""
    closes_on, reopens_on = closure
    last_closed = reopens_on - timedelta(days=1)
    return (
        f"The local authority asked for the school's advice on {asked_on:%-d %B %Y}, during the summer "
        f"closure (the school was closed from {closes_on:%-d %B %Y} to {last_closed:%-d %B %Y}), so the "
        "6-week limit for the school's advice does not apply."
    )
