"""Reads for returns to the local authority: the list of returns, and the monthly attendance return.

The monthly attendance return (SI 2024/208; docs/rules.md section 7) lists, at least once a calendar
month, the compulsory-school-age pupils who fail to attend regularly or who have missed 10 continuous
school days with unauthorised codes. The product's reading of "fail to attend regularly": persistent
absence (absence of 10% or more of the pupil's possible sessions) over the school year to the month's
end. Each row carries the pupil's names, year, class and address, and the month's sessions with their
codes, in the shape local authorities ask for: one column per school session of the month.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from attendance import statistics
from attendance.models import RegisterMark
from attendance.school_age import birth_date_range
from letters.recipients import addressees_by_pupil
from school import policy
from school.calendar import SchoolCalendar
from school.models import Pupil, YearGroup
from school.spreadsheet import safe_cell

from .models_returns import LAReturn

__all__ = ["MONTHLY_COLUMNS", "la_returns_for", "monthly_return_rows"]

OPEN, SENT = "open", "sent"


def la_returns_for(*, user, school, show: str = OPEN) -> QuerySet[LAReturn]:
    """The school's returns for pupils in the user's scope: open ones first due first, or sent ones."""
    returns = LAReturn.objects.filter(school=school, pupil__in=policy.pupils_in_scope(user, school))
    returns = returns.select_related("pupil", "pupil__registration_class", "sent_recorded_by")
    if show == SENT:
        return returns.filter(sent_on__isnull=False).order_by("-sent_on", "-id")
    return returns.filter(sent_on__isnull=True).order_by("due_on", "id")


MONTHLY_COLUMNS = (
    "upn",
    "legal_last_name",
    "legal_first_name",
    "date_of_birth",
    "year_group",
    "class",
    "parents",
    "address",
    "reason",
    "year_possible",
    "year_attendance_pct",
    "year_unauthorised",
    "month_possible",
    "month_attendance",
    "month_authorised",
    "month_unauthorised",
)


def _address(addressees) -> str:
    if not addressees:
        return ""
    first = addressees[0]
    return first.address.replace("\n", ", ")


def monthly_return_rows(
    *, user, school, month: date, calendar: SchoolCalendar | None = None, today: date | None = None
) -> list[list[str]]:
    """The header and one row per pupil due on the month's return (a handful of queries, whatever
    the roll). ``month`` is any day of the month; the figures and the session columns run to its
    last day or today, whichever comes first (no columns for days that have not happened)."""
    calendar = calendar or SchoolCalendar.for_school(school)
    today = today or timezone.localdate()
    first = month.replace(day=1)
    last = date(first.year + (first.month == 12), first.month % 12 + 1, 1).toordinal() - 1
    end = min(date.fromordinal(last), max(today, first))
    year_start = calendar.academic_year_start(end) or first
    born_from, born_to = birth_date_range(year_start)
    pupils = (
        policy.pupils_in_scope(user, school)
        .filter(admission_date__lte=end, date_of_birth__gte=born_from, date_of_birth__lte=born_to)
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=first))
    )
    year = statistics.pupil_figures(pupils, year_start, end, calendar=calendar)
    continuous = set(
        LAReturn.objects.filter(
            school=school,
            kind=LAReturn.Kind.CONTINUOUS_UNAUTHORISED,
            due_on__gte=first,
            due_on__lte=end,
            pupil__in=pupils,
        ).values_list("pupil_id", flat=True)
    )
    due = {
        pid
        for pid, figs in year.items()
        if (figs.has_sessions and figs.is_persistent_absence) or pid in continuous
    }
    sessions = calendar.sessions_between(first, end)
    header = [*MONTHLY_COLUMNS, *(f"{day:%Y-%m-%d} {session}" for day, session in sessions)]
    if not due:
        return [header]
    month_rows = statistics.pupil_rows(Pupil.objects.filter(pk__in=due), first, end, calendar=calendar)
    month_figures = {row["pk"]: figs for row, figs in month_rows}
    marks: dict[int, dict] = {pid: {} for pid in due}
    for pid, day, session, code in RegisterMark.objects.filter(
        pupil_id__in=due, date__gte=first, date__lte=end
    ).values_list("pupil_id", "date", "session", "code"):
        marks[pid][(day, session)] = code
    addresses = addressees_by_pupil(due)
    years = dict(YearGroup.choices)
    out = [header]
    for pupil in (
        Pupil.objects.filter(pk__in=due)
        .select_related("registration_class")
        .order_by("legal_last_name", "legal_first_name", "pk")
    ):
        figs, month_figs = year[pupil.pk], month_figures[pupil.pk]
        reasons = []
        if figs.is_persistent_absence:
            reasons.append("persistent absence this school year")
        if pupil.pk in continuous:
            reasons.append("10 continuous school days of unauthorised absence")
        pct = figs.attendance_pct_1dp
        cells = [
            pupil.upn,
            pupil.legal_last_name,
            pupil.legal_first_name,
            pupil.date_of_birth.isoformat(),
            years.get(pupil.year_group, pupil.year_group),
            pupil.registration_class.name if pupil.registration_class else "",
            "; ".join(a.name for a in addresses.get(pupil.pk, [])),
            _address(addresses.get(pupil.pk, [])),
            "; ".join(reasons),
            figs.possible,
            "" if pct is None else f"{pct:.1f}",
            figs.unauthorised,
            month_figs.possible,
            month_figs.attendance,
            month_figs.authorised,
            month_figs.unauthorised,
            *(marks[pupil.pk].get(s, "") for s in sessions),
        ]
        out.append([safe_cell(c) for c in cells])
    return out
