"""Writes for returns to the local authority: find the returns that have become due, record one as sent.

``la_returns_refresh`` runs in the nightly checks (after the night's alerts are written) and from the
returns page's "Check now" button. It is idempotent: a return is one row per pupil, kind and period
(a database constraint), so running it again, or twice at once, adds nothing. The rules for what is
due and when are in ``graduated_response.la_returns``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from attendance.models import RegisterMark
from school import audit
from school.calendar import SchoolCalendar
from school.editing import ensure_still, ensure_unchanged
from school.models import Pupil, PupilContact, RegistrationClass, School, YearGroup

from . import la_returns as rules
from .models import Alert
from .models_returns import LAReturn
from .triggers import Kind

__all__ = ["admission_register_items", "la_return_record_sent", "la_returns_refresh"]


def admission_register_items(pupils: list[Pupil]) -> dict[int, dict]:
    """What the admission register holds for each pupil (SI 2024/208 reg 5), in one query for the
    parents: names, sex, date of birth, parents with their addresses and telephone numbers."""
    links: dict[int, list[dict]] = defaultdict(list)
    for link in PupilContact.objects.filter(pupil__in=[p.pk for p in pupils]).select_related("contact"):
        contact = link.contact
        links[link.pupil_id].append(
            {
                "name": str(contact),
                "relationship": link.relationship,
                "parental_responsibility": link.parental_responsibility,
                "address": contact.address,
                "postcode": contact.postcode,
                "phone": contact.phone,
            }
        )
    years = dict(YearGroup.choices)
    return {
        p.pk: {
            "upn": p.upn,
            "legal_first_name": p.legal_first_name,
            "legal_last_name": p.legal_last_name,
            "preferred_name": p.display_name if p.display_name != p.legal_name else "",
            "sex": p.get_sex_display(),
            "date_of_birth": p.date_of_birth.isoformat(),
            "year_group": years.get(p.year_group, str(p.year_group)),
            "class": p.registration_class.name if p.registration_class else "",
            "admission_date": p.admission_date.isoformat(),
            "leaving_date": p.leaving_date.isoformat() if p.leaving_date else "",
            "contacts": links.get(p.pk, []),
        }
        for p in pupils
    }


def _d(day: date) -> str:
    return f"{day:%-d %B %Y}"


def _admissions_and_deletions(*, school, calendar, year_start: date, today: date) -> list[LAReturn]:
    first_day = calendar.academic_year_start(today)
    junior = min(
        RegistrationClass.objects.filter(school=school).values_list("year_group", flat=True), default=0
    )
    found = []
    joined = Pupil.objects.filter(school=school, admission_date__gte=year_start, admission_date__lte=today)
    for pupil in joined:
        exempt = rules.new_pupil_exempt(
            admission_date=pupil.admission_date,
            year_group=pupil.year_group,
            first_school_day=first_day,
            junior_year=junior,
        )
        if not exempt:
            found.append(
                LAReturn(
                    pupil=pupil,
                    kind=LAReturn.Kind.NEW_PUPIL,
                    period_key=pupil.admission_date.isoformat(),
                    due_on=rules.new_pupil_due(pupil.admission_date),
                    reason=f"Admitted on {_d(pupil.admission_date)}.",
                )
            )
    left = Pupil.objects.filter(school=school, leaving_date__gte=year_start, leaving_date__lte=today)
    for pupil in left:
        found.append(
            LAReturn(
                pupil=pupil,
                kind=LAReturn.Kind.DELETION,
                period_key=pupil.leaving_date.isoformat(),
                due_on=rules.deletion_due(pupil.leaving_date),
                reason=f"Last day on roll {_d(pupil.leaving_date)}; the name is deleted the next day.",
            )
        )
    return found


def _continuous_absence(*, school, year_start: date) -> list[LAReturn]:
    alerts = Alert.objects.filter(
        school=school, kind=Kind.CONTINUOUS_UNAUTHORISED, created_on__gte=year_start, pupil__isnull=False
    ).select_related("pupil")
    return [
        LAReturn(
            pupil=alert.pupil,
            kind=LAReturn.Kind.CONTINUOUS_UNAUTHORISED,
            period_key=alert.period_key,
            due_on=rules.monthly_due(alert.created_on),
            reason=alert.message,
            contents={"period": alert.figures},
        )
        for alert in alerts
    ]


def _sickness(*, school, calendar, year_start: date, today: date) -> list[LAReturn]:
    alerts = {
        a.pupil_id: a
        for a in Alert.objects.filter(
            school=school, kind=Kind.ILLNESS_15_DAYS, created_on__gte=year_start, pupil__isnull=False
        ).select_related("pupil")
    }
    if not alerts:
        return []
    marks: dict[int, dict] = defaultdict(dict)
    for pupil_id, day, session, code in RegisterMark.objects.filter(
        pupil_id__in=list(alerts), date__gte=year_start, date__lte=today
    ).values_list("pupil_id", "date", "session", "code"):
        marks[pupil_id][(day, session)] = code
    sessions = calendar.sessions_between(year_start, today)
    found = []
    for pupil_id, alert in alerts.items():
        periods = rules.illness_periods(sessions, marks[pupil_id])
        for period in rules.sickness_periods_due(periods, reached_on=alert.created_on):
            first, last = period[0][0], period[-1][0]
            found.append(
                LAReturn(
                    pupil=alert.pupil,
                    kind=LAReturn.Kind.SICKNESS,
                    period_key=first.isoformat(),
                    due_on=rules.monthly_due(max(first, alert.created_on)),
                    reason=(
                        f"Illness from {_d(first)} (to {_d(last)} so far, {len(period)} sessions). "
                        + alert.message
                    ),
                    contents={"period": {"from": str(first), "to": str(last), "sessions": len(period)}},
                )
            )
    return found


@transaction.atomic
def la_returns_refresh(*, school: School, today: date, actor=None) -> int:
    """Create every return that has become due this school year and is not recorded yet; the number made."""
    # The nightly run holds this lock too, so the button and the night take turns.
    School.objects.select_for_update().filter(pk=school.pk).first()
    calendar = SchoolCalendar.for_school(school)
    year_start = calendar.academic_year_start(today) or date(
        today.year if today.month >= 9 else today.year - 1, 9, 1
    )
    drafts = [
        *_admissions_and_deletions(school=school, calendar=calendar, year_start=year_start, today=today),
        *_continuous_absence(school=school, year_start=year_start),
        *_sickness(school=school, calendar=calendar, year_start=year_start, today=today),
    ]
    existing = set(
        LAReturn.objects.filter(school=school, pupil_id__in={d.pupil_id for d in drafts}).values_list(
            "pupil_id", "kind", "period_key"
        )
    )
    new = [d for d in drafts if (d.pupil_id, d.kind, d.period_key) not in existing]
    if not new:
        return 0
    items = admission_register_items(list({d.pupil_id: d.pupil for d in new}.values()))
    now = timezone.now()
    for draft in new:
        draft.school = school
        draft.created_at = now
        draft.contents = {**items[draft.pupil_id], **draft.contents}
        draft.full_clean(validate_constraints=False)
    LAReturn.objects.bulk_create(new, ignore_conflicts=True)
    made = LAReturn.objects.filter(school=school, created_at=now)
    audit.record_bulk(
        actor=actor,
        action="graduated_response.la_return.due",
        school=school,
        entries=[
            {
                "object_type": "graduated_response.lareturn",
                "object_id": r.pk,
                "pupil_id": r.pupil_id,
                "object_repr": str(r),
                "after": {"kind": r.kind, "period": r.period_key, "due_on": r.due_on.isoformat()},
            }
            for r in made
        ],
    )
    return len(new)


@transaction.atomic
def la_return_record_sent(
    *, actor, la_return: LAReturn, sent_on: date, sent_how: str, note: str = ""
) -> LAReturn:
    """Close a return: the day it went to the local authority and how. Refused if already recorded."""
    locked = ensure_still(la_return, done="This return was already recorded as sent", sent_on=None)
    if sent_on > timezone.localdate():
        raise ValidationError({"sent_on": "The day it was sent cannot be in the future."})
    locked.sent_on, locked.sent_how, locked.sent_note = sent_on, sent_how, note
    locked.sent_recorded_by, locked.sent_recorded_at = actor, timezone.now()
    locked.full_clean()
    locked.save()
    audit.record(
        actor=actor,
        action="graduated_response.la_return.sent",
        obj=locked,
        before={"sent_on": None},
        after={"sent_on": sent_on.isoformat(), "sent_how": sent_how, "note": note},
    )
    return locked


@transaction.atomic
def previous_school_setting_update(
    *, actor, school: School, count: bool, expected_version: int | None = None
):
    """The school's reading of whether a previous school's unauthorised sessions count towards 10 in 10."""
    from .models import ResponseSettings

    settings_row = ResponseSettings.objects.get(school=school)
    ensure_unchanged(settings_row, expected_version=expected_version)
    before = settings_row.count_previous_school_sessions
    if before == count:
        return settings_row
    settings_row.count_previous_school_sessions = count
    settings_row.full_clean()
    settings_row.save(update_fields=["count_previous_school_sessions"])
    audit.record(
        actor=actor,
        action="graduated_response.settings.previous_school_changed",
        obj=settings_row,
        before={"count_previous_school_sessions": before},
        after={"count_previous_school_sessions": count},
    )
    return settings_row
