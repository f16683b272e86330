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
    >>> v["sessions_missed_words"], v["days_lost_words"], v["hours_lost_words"]
    ('12 sessions missed', '6 school days', '39 hours')
    >>> figure_values(Figures.from_code_counts({}), hours_per_session=Decimal("3.25"))["attendance_pct"]
    'not yet measured'
    >>> one = Figures.from_code_counts({"/": 184, "O": 1, "I": 1})
    >>> p = figure_values(one, hours_per_session=Decimal("3.25"), language="Polish")
    >>> p["attendance_pct"], p["sessions_missed_words"], p["days_lost_words"], p["hours_lost_words"]
    ('98,9%', '2 opuszczone sesje', '1 dnia szkolnego', '6,5 godziny')
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from .counted_words import FIELD_OF, counted, number_text
from .merge_fields import FIELDS, date_text
from .recipients import Addressee


def figure_values(figures, *, hours_per_session: Decimal, language: str = "English") -> dict[str, str]:
    """The figures as the letter prints them, in its language (letters/counted_words.py): "92,5%" in
    Polish, "92.5%" in English and Welsh, and the counted phrases ("1 session missed")."""
    pct = figures.attendance_pct_1dp
    absence = figures.absence_pct_1dp
    hours = figures.hours_lost(hours_per_session)
    days = Decimal(figures.sessions_lost) / 2

    def number(value) -> str:
        return number_text(value, language)

    values = {
        "attendance_pct": f"{number_text(pct, language, places=1)}%"
        if pct is not None
        else "not yet measured",
        "absence_pct": f"{number_text(absence, language, places=1)}%"
        if absence is not None
        else "not yet measured",
        "sessions_possible": number(figures.possible),
        "sessions_attended": number(figures.attendance),
        "sessions_missed": number(figures.sessions_lost),
        "sessions_authorised": number(figures.authorised),
        "sessions_unauthorised": number(figures.unauthorised),
        "lates": number(figures.late_l + figures.late_u),
        "minutes_late": number(figures.late_minutes),
        "hours_lost": number(hours),
        "minutes_lost": number(hours * 60),
        "days_lost": number(days),
        "unauthorised_last_10_weeks": number(figures.unauthorised_last_10_weeks),
    }
    amounts = {
        "sessions_missed": figures.sessions_lost,
        "days_lost": days,
        "hours_lost": hours,
        "unauthorised_last_10_weeks": figures.unauthorised_last_10_weeks,
    }
    for key, field in FIELD_OF.items():
        values[field] = counted(_one_place(amounts[key]), key, language)
    return values


def _one_place(value) -> Decimal:
    """The value as printed (one decimal place at most), so its words agree with the printed figure."""
    value = Decimal(value)
    return value if value == value.to_integral_value() else value.quantize(Decimal("0.1"))


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
        "attendance_target": f"{number_text(Decimal(letterhead.get('attendance_target') or '96'), language)}%",
        "figures_from": when(figures_from),
        "figures_to": when(figures_to),
    }
    if figures is not None:
        values.update(
            figure_values(figures, hours_per_session=Decimal(school.hours_per_session), language=language)
        )
    for key, value in (extra or {}).items():
        # A meeting's date says the day of the week too: "Tuesday 8 December 2026".
        values[key] = _json_safe(value, language=language, weekday=key == "meeting_date")
    return {key: values.get(key, "") for key in FIELDS} | {k: v for k, v in values.items() if k not in FIELDS}
