"""Reads for the office's first-day calls: who to ring this morning, and what to know before ringing.

A pupil reaches the list with an N today, or with no mark at all once the session's register has
closed (a register nobody took must not leave its absent pupils silently forgotten). Each row says
which school day of absence it is (day 3: a home visit is due), the flags that change the call
(looked after, child in need or protection for those who may see it, SEND, an open case), the
contacts by priority with their numbers, and the failed attempts already made for this absence.
A constant number of queries, whatever the number of pupils.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db.models import Prefetch, Q

from school.calendar import SchoolCalendar
from school.models import Pupil, PupilContact, RegistrationClass

from . import call_flags
from .absence_days import HOME_VISIT_DAY, day_of_absence
from .models import CallAttempt, RegisterMark
from .selectors import registers_not_taken

#: How far back the day-of-absence count looks (an absence longer than this shows "10 or more").
LOOKBACK_SCHOOL_DAYS = 10


def closed_sessions(school, *, day: date, now: datetime | None, calendar: SchoolCalendar) -> list[str]:
    """The sessions of ``day`` whose register has closed by ``now`` (all of them for a past day)."""
    sessions = calendar.sessions_on(day)
    if now is None or now.date() > day:
        return list(sessions)
    if now.date() < day:
        return []
    closes = {"AM": school.am_register_closes, "PM": school.pm_register_closes}
    return [s for s in sessions if now.time() >= closes[s]]


def _unmarked(school, *, day, now, calendar) -> dict[int, list[str]]:
    """Pupils with no mark in a closed register of ``day``: pupil id -> what the office is told."""
    sessions = closed_sessions(school, day=day, now=now, calendar=calendar)
    if not sessions:
        return {}
    missing = [
        item
        for item in registers_not_taken(
            classes=RegistrationClass.objects.filter(school=school), day=day, calendar=calendar
        )
        if item["session"] in sessions
    ]
    result: dict[int, list[str]] = defaultdict(list)
    for session in sessions:
        classes = {item["registration_class"].pk: item for item in missing if item["session"] == session}
        if not classes:
            continue
        rows = (
            # One filter() so values_list reads the membership that matched (the class that day).
            Pupil.objects.filter(
                Q(class_memberships__end__isnull=True) | Q(class_memberships__end__gte=day),
                school=school,
                class_memberships__start__lte=day,
                class_memberships__registration_class__in=list(classes),
            )
            .on_roll(at=day)
            .exclude(register_marks__date=day, register_marks__session=session)
            .values_list("pk", "class_memberships__registration_class")
        )
        for pk, class_id in rows:
            item = classes[class_id]
            if item["missing"] == item["on_roll"]:
                text = f"{item['registration_class'].name} {session} register not taken"
            else:
                text = f"No mark on the {item['registration_class'].name} {session} register"
            if text not in result[pk]:
                result[pk].append(text)
    return dict(result)


def first_day_calls(
    *,
    school,
    day: date,
    now: datetime | None = None,
    calendar: SchoolCalendar | None = None,
    see_safeguarding: bool = False,
) -> list[dict]:
    """The calls to make on ``day``, one row per pupil, in name order."""
    calendar = calendar or SchoolCalendar.for_school(school)
    reasons: dict[int, list[str]] = defaultdict(list)
    for pk, session in RegisterMark.objects.filter(school=school, date=day, code="N").values_list(
        "pupil_id", "session"
    ):
        reasons[pk].append(f"N {session}")
    for pk, texts in _unmarked(school, day=day, now=now, calendar=calendar).items():
        reasons[pk].extend(texts)
    if not reasons:
        return []
    pupils = list(
        Pupil.objects.filter(school=school, pk__in=list(reasons))
        .select_related("registration_class")
        .prefetch_related(
            Prefetch(
                "contact_links",
                queryset=PupilContact.objects.select_related("contact")
                .prefetch_related(
                    Prefetch(
                        "contact__pupil_links",
                        queryset=PupilContact.objects.select_related("pupil", "pupil__registration_class"),
                    )
                )
                .order_by("priority", "id"),
            )
        )
        .order_by("legal_last_name", "legal_first_name")
    )
    ids = [p.pk for p in pupils]
    back = [day, *reversed(calendar.school_days_between(day - timedelta(days=60), day - timedelta(days=1)))]
    back = back[: LOOKBACK_SCHOOL_DAYS + 1]
    codes_by_pupil: dict[int, dict[date, list[str]]] = defaultdict(lambda: defaultdict(list))
    for pk, when, code in RegisterMark.objects.filter(
        pupil_id__in=ids, date__gte=back[-1], date__lt=day
    ).values_list("pupil_id", "date", "code"):
        codes_by_pupil[pk][when].append(code)
    attempts: dict[tuple[int, int | None], list[CallAttempt]] = defaultdict(list)
    for attempt in CallAttempt.objects.filter(pupil_id__in=ids, absence_date__gte=back[-1]).select_related(
        "made_by"
    ):
        attempts[(attempt.pupil_id, attempt.contact_id)].append(attempt)
    extra_flags = call_flags.flags_for(school=school, pupil_ids=ids)

    result = []
    for pupil in pupils:
        days = day_of_absence(back, codes_by_pupil[pupil.pk])
        first_day = back[days - 1]
        contacts = []
        for link in pupil.contact_links.all():
            tried = [a for a in attempts[(pupil.pk, link.contact_id)] if a.absence_date >= first_day]
            contacts.append({"link": link, "attempts": tried})
        result.append(
            {
                "pupil": pupil,
                "reasons": reasons[pupil.pk],
                "day_of_absence": days,
                "home_visit_due": days >= HOME_VISIT_DAY,
                "flags": _flags(pupil, see_safeguarding=see_safeguarding) + extra_flags[pupil.pk],
                "contacts": contacts,
                "siblings": _siblings(pupil, day),
            }
        )
    return result


def _flags(pupil, *, see_safeguarding: bool) -> list[str]:
    flags = []
    if pupil.looked_after:
        flags.append("Looked after")
    if see_safeguarding and pupil.safeguarding_status:
        flags.append(pupil.get_safeguarding_status_display())
    if pupil.sen_provision == "E":
        flags.append("SEND: EHC plan")
    elif pupil.sen_provision == "K":
        flags.append("SEND support")
    return flags


def _siblings(pupil, day) -> list[Pupil]:
    siblings = {}
    for link in pupil.contact_links.all():
        for other in link.contact.pupil_links.all():
            if other.pupil_id != pupil.pk and other.pupil.on_roll_at(day):
                siblings[other.pupil_id] = other.pupil
    return list(siblings.values())
