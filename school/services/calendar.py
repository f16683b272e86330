"""The school calendar: academic years, terms and closure days."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from .. import selectors
from ..audit import record, snapshot
from ..calendar import SchoolCalendar, closure_date_refusal
from ..editing import ensure_unchanged
from ..models import (
    AcademicYear,
    ClosureDay,
    School,
    TermPeriod,
)
from .changes import (
    apply_changes,
    check_fields,
    diff_of,
)


@transaction.atomic
def academic_year_create(*, actor, school: School, name: str, start_date, end_date) -> AcademicYear:
    year = AcademicYear(school=school, name=name, start_date=start_date, end_date=end_date)
    year.full_clean()
    year.save()
    record(actor=actor, action="school.calendar.year_created", obj=year, after=snapshot(year))
    return year


@transaction.atomic
def academic_year_update(
    *, actor, academic_year: AcademicYear, expected_version: int | None = None, **changes
) -> bool:
    ensure_unchanged(academic_year, expected_version=expected_version)
    check_fields(changes, frozenset({"name", "start_date", "end_date"}))
    return apply_changes(
        academic_year,
        changes,
        actor=actor,
        action="school.calendar.year_changed",
        reason="",
        school=academic_year.school,
    )


def _check_period_overlap(period: TermPeriod) -> None:
    overlapping = TermPeriod.objects.filter(
        academic_year__school=period.academic_year.school,
        start_date__lte=period.end_date,
        end_date__gte=period.start_date,
    ).exclude(pk=period.pk)
    clash = overlapping.first()
    if clash is not None:
        raise ValidationError(f"These dates overlap {clash}.")


@transaction.atomic
def term_period_create(*, actor, academic_year: AcademicYear, name: str, start_date, end_date) -> TermPeriod:
    period = TermPeriod(academic_year=academic_year, name=name, start_date=start_date, end_date=end_date)
    period.full_clean()
    _check_period_overlap(period)
    period.save()
    record(
        actor=actor,
        action="school.calendar.half_term_created",
        obj=period,
        after=snapshot(period),
        school=academic_year.school,
    )
    return period


@transaction.atomic
def term_period_update(
    *, actor, term_period: TermPeriod, expected_version: int | None = None, **changes
) -> bool:
    ensure_unchanged(term_period, expected_version=expected_version)
    check_fields(changes, frozenset({"name", "start_date", "end_date"}))
    before = snapshot(term_period)
    for name, value in changes.items():
        setattr(term_period, name, value)
    term_period.full_clean()
    _check_period_overlap(term_period)
    old, new = diff_of(before, snapshot(term_period))
    if not new:
        return False
    term_period.save()
    record(
        actor=actor,
        action="school.calendar.half_term_changed",
        obj=term_period,
        before=old,
        after=new,
        school=term_period.academic_year.school,
    )
    return True


def closure_date_check(*, school: School, day) -> None:
    """Refuse, beside the date, a closure on a day the school does not meet anyway."""
    in_year = selectors.in_academic_year(school=school, day=day)
    refusal = closure_date_refusal(SchoolCalendar.for_school(school), day, in_academic_year=in_year)
    if refusal:
        raise ValidationError({"date": refusal})


@transaction.atomic
def closure_day_create(
    *, actor, school: School, date, kind: str, sessions: str = "both", reason: str = ""
) -> ClosureDay:
    closure = ClosureDay(school=school, date=date, kind=kind, sessions=sessions, reason=reason)
    try:
        closure.full_clean()
    except ValidationError as error:
        if "__all__" in error.message_dict and ClosureDay.objects.filter(school=school, date=date).exists():
            raise ValidationError({"date": "There is already a closure on that day."}) from None
        raise
    closure_date_check(school=school, day=date)
    closure.save()
    record(actor=actor, action="school.calendar.closure_created", obj=closure, after=snapshot(closure))
    return closure


@transaction.atomic
def closure_day_delete(*, actor, closure: ClosureDay) -> None:
    record(actor=actor, action="school.calendar.closure_deleted", obj=closure, before=snapshot(closure))
    closure.delete()
