"""The merge values of one letter: pupil, class, school, letterhead, addressee and the statistics
engine's figures, plus what the caller passes in ``extra`` (letters/merge_fields.py lists the keys).

``figure_values`` is the pure part (Figures -> printed strings); ``merge_values`` reads the rest.
Every value is JSON-safe (strings, or a list of target dicts), because the letter snapshots them.

    >>> from attendance.figures import Figures
    >>> f = Figures.from_code_counts({"/": 120, "I": 8, "O": 4, "L": 2}, late_minutes=25)
    >>> v = figure_values(f, hours_per_session=Decimal("3.25"))
    >>> v["attendance_pct"], v["sessions_missed"], v["sessions_unauthorised"], v["lates"]
    ('91.0%', '12', '4', '2')
    >>> v["hours_lost"], v["minutes_lost"], v["days_lost"], v["minutes_late"]
    ('39', '2,340', '6', '25')
    >>> figure_values(Figures.from_code_counts({}), hours_per_session=Decimal("3.25"))["attendance_pct"]
    'no sessions yet'
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from .merge_fields import FIELDS, date_text
from .recipients import Addressee


def _number(value: Decimal | int) -> str:
    """Whole numbers without decimals, others to one place, thousands with commas (2,340; 6.5)."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.quantize(Decimal('0.1')):,}"


def figure_values(figures, *, hours_per_session: Decimal) -> dict[str, str]:
    pct = figures.attendance_pct_1dp
    absence = figures.absence_pct_1dp
    hours = figures.hours_lost(hours_per_session)
    return {
        "attendance_pct": f"{pct}%" if pct is not None else "no sessions yet",
        "absence_pct": f"{absence}%" if absence is not None else "no sessions yet",
        "sessions_possible": _number(figures.possible),
        "sessions_attended": _number(figures.attendance),
        "sessions_missed": _number(figures.sessions_lost),
        "sessions_authorised": _number(figures.authorised),
        "sessions_unauthorised": _number(figures.unauthorised),
        "lates": _number(figures.late_l + figures.late_u),
        "minutes_late": _number(figures.late_minutes),
        "hours_lost": _number(hours),
        "minutes_lost": _number(hours * 60),
        "days_lost": _number(Decimal(figures.sessions_lost) / 2),
        "unauthorised_last_10_weeks": _number(figures.unauthorised_last_10_weeks),
    }


def pupil_figures_for_letter(pupil, *, today: date):
    """(Figures, start, end) over the academic year to date (attendance.statistics.default_range)."""
    from attendance import statistics
    from school.calendar import SchoolCalendar
    from school.models import Pupil

    calendar = SchoolCalendar.for_school(pupil.school)
    start, end = statistics.default_range(calendar, today)
    figures = statistics.pupil_figures(Pupil.objects.filter(pk=pupil.pk), start, end, calendar=calendar)
    return figures[pupil.pk], start, end


def _json_safe(value, *, language: str, weekday: bool = False):
    if isinstance(value, date):
        return date_text(value, language=language, weekday=weekday)
    if isinstance(value, (list, tuple)):
        return [
            {k: (v.isoformat() if isinstance(v, date) else v) for k, v in item.items()}
            if isinstance(item, dict)
            else str(item)
            for item in value
        ]
    return "" if value is None else str(value)


def merge_values(
    *,
    pupil,
    addressee: Addressee | None,
    letterhead: dict,
    figures,
    figures_from: date | None,
    figures_to: date | None,
    today: date,
    extra: dict | None = None,
    language: str = "English",
) -> dict:
    """Every merge field's value for this letter (unknown ``extra`` keys are refused by the caller)."""
    school = pupil.school

    def when(day: date | None) -> str:
        return date_text(day, language=language) if day else ""

    first = pupil.preferred_first_name or pupil.legal_first_name
    last = pupil.preferred_last_name or pupil.legal_last_name
    values = {
        "pupil_first_name": first,
        "pupil_last_name": last,
        "pupil_full_name": f"{first} {last}",
        "pupil_date_of_birth": when(pupil.date_of_birth),
        "pupil_year_group": pupil.get_year_group_display(),
        "class_name": pupil.registration_class.name if pupil.registration_class_id else "",
        "school_name": school.name,
        "school_address": ", ".join(
            line.strip() for line in letterhead.get("address", "").splitlines() if line.strip()
        ),
        "school_contact": letterhead.get("contact_line", ""),
        "signatory_name": letterhead.get("signatory_name", ""),
        "signatory_role": letterhead.get("signatory_role", ""),
        "staff_name": letterhead.get("signatory_name", "") or "the school office",
        "letter_date": when(today),
        "contact_name": addressee.name if addressee else "Parent or carer",
        "contact_address": ", ".join(addressee.address.splitlines()) if addressee else "",
        "attendance_target": f"{Decimal(letterhead.get('attendance_target') or '96').normalize():f}%",
        "figures_from": when(figures_from),
        "figures_to": when(figures_to),
    }
    if figures is not None:
        values.update(figure_values(figures, hours_per_session=Decimal(school.hours_per_session)))
    for key, value in (extra or {}).items():
        # A meeting's date says the day of the week too: "Tuesday 8 December 2026".
        values[key] = _json_safe(value, language=language, weekday=key == "meeting_date")
    return {key: values.get(key, "") for key in FIELDS} | {k: v for k, v in values.items() if k not in FIELDS}
