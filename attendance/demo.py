"""Fictional demo marks for the demo school: a realistic term of registers up to ``today``.

Called by ``manage.py seed_demo`` after the school is built: ``build(*, school, rng, today)``.
Most pupils attend around 96%; a few are persistently and a couple severely absent; some miss
Mondays and Fridays, some are often late (L, sometimes U), one took a holiday in term time (G), one
is on a part-time timetable (C2 in the afternoons for the last two school weeks) and another was on
one for five school weeks that ended three weeks ago (the SEND demo records both timetables, the second
left active past its end date, so it is flagged), illness comes in spells, and a few absences from the last days
are still N (one of them overdue), so the office screens have work to show. Today's morning
registers are taken in every class, except that one class's register still lacks two pupils, so
"registers not yet taken" has an entry and the first-day calls list stays the length of a real
morning's (today's Ns and those two pupils, not whole classes of unmarked pupils).

The same seed gives the same marks in any database: every choice is keyed by what a user sees
(UPNs, class names, dates), never by database ids, and every sliced query has a full ordering.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

from school.calendar import SchoolCalendar
from school.models import Membership, Pupil, Role

from . import statistics
from .models import AbsenceCall, CallAttempt, LeaveRequest, MarkAmendment, RegisterMark

BATCH = 2000


def _profiles(pupils, rng):
    """Give each pupil an attendance habit; the shares follow national patterns roughly."""
    shuffled = pupils[:]
    rng.shuffle(shuffled)
    n = len(shuffled)
    plan = {}
    cut_severe, cut_persistent = max(2, n // 60), max(6, n // 9)
    for i, pupil in enumerate(shuffled):
        if i < cut_severe:
            plan[pupil.pk] = {"absence": 0.55, "pattern": None}
        elif i < cut_persistent:
            plan[pupil.pk] = {"absence": rng.uniform(0.10, 0.2), "pattern": "monfri" if i % 2 else None}
        else:
            plan[pupil.pk] = {"absence": rng.uniform(0.003, 0.025), "pattern": None}
        plan[pupil.pk]["late"] = 0.12 if i % 11 == 0 else 0.01
    return plan, shuffled


def _absence_code(rng, profile):
    roll = rng.random()
    if profile["absence"] >= 0.5:
        return rng.choice(["O", "O", "I", "G"]) if roll < 0.8 else "M"
    return "I" if roll < 0.7 else rng.choice(["M", "O", "R", "C"])


def build(*, school, rng, today: date | None = None) -> None:
    today = today or timezone.localdate()
    calendar = SchoolCalendar.for_school(school)
    start = statistics.default_range(calendar, today)[0]
    sessions = calendar.sessions_between(start, today)
    if not sessions:
        return
    pupils = list(
        Pupil.objects.filter(school=school, admission_date__lte=today)
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=start))
        .select_related("registration_class")
        .order_by("upn")  # not pk: ids differ between databases, UPNs do not
    )
    if not pupils:
        return
    staff = Membership.objects.filter(school=school).select_related("user").order_by("user__username")
    office = staff.filter(role=Role.OFFICE_STAFF).first()
    actor = office.user if office else None
    head = staff.filter(role=Role.HEADTEACHER).first()
    plan, shuffled = _profiles(pupils, rng)
    holiday_pupil, part_time_pupil, earlier_part_time_pupil = shuffled[-1], shuffled[-2], shuffled[-3]
    school_days = calendar.school_days_between(start, today)
    holiday_days = set(school_days[len(school_days) // 3 : len(school_days) // 3 + 5])
    part_time_from = school_days[max(0, len(school_days) - 10)]
    # Five school weeks (25 school days) ending three weeks ago, when the term is long enough for it.
    earlier_part_time = set(school_days[-40:-15]) if len(school_days) >= 45 else set()
    recent = school_days[-3:]
    class_names = sorted({p.registration_class.name for p in pupils if p.registration_class})
    # One class's morning register is missing two pupils (the fourth class by name, its first two
    # pupils by UPN); every other register of the morning is complete.
    incomplete = class_names[3] if len(class_names) > 3 else (class_names[0] if class_names else None)
    in_class = [p.pk for p in pupils if p.registration_class and p.registration_class.name == incomplete]
    unmarked_today = set(in_class[:2])  # ``pupils`` is in UPN order
    now = timezone.now()

    marks, spells = [], {}
    for pupil in pupils:
        profile = plan[pupil.pk]
        for day, session in sessions:
            if not pupil.on_roll_at(day):
                continue
            if day == today and (session == "PM" or pupil.pk in unmarked_today):
                continue  # the afternoon has not happened; two pupils are still to mark this morning
            code, minutes = ("/" if session == "AM" else "\\"), None
            if pupil == holiday_pupil and day in holiday_days:
                code = "G"
            elif pupil == part_time_pupil and day >= part_time_from and session == "PM":
                code = "C2"
            elif pupil == earlier_part_time_pupil and day in earlier_part_time and session == "PM":
                code = "C2"
            elif spells.get(pupil.pk, 0) > 0:
                spells[pupil.pk] -= 1
                code = "I"
            else:
                chance = profile["absence"]
                if profile["pattern"] == "monfri":
                    chance = chance * 2.2 if day.weekday() in (0, 4) else chance * 0.4
                if rng.random() < chance:
                    code = _absence_code(rng, profile)
                    if code == "I" and rng.random() < 0.25:
                        spells[pupil.pk] = rng.randint(1, 4)  # an illness spell over the next sessions
                elif session == "AM" and rng.random() < profile["late"]:
                    minutes = rng.randint(3, 45)
                    code = "L" if minutes <= 30 else "U"
            if day in recent and code in {"O", "I"} and rng.random() < 0.6:
                code, minutes = "N", None  # no reason yet: the office's first-day calls and N queue
            marks.append(
                RegisterMark(
                    school=school,
                    pupil=pupil,
                    date=day,
                    session=session,
                    code=code,
                    minutes_late=minutes,
                    recorded_by=actor,
                    recorded_at=now,
                    updated_by=actor,
                    updated_at=now,
                )
            )
    # One N left unresolved for a week, so the N queue shows an overdue flag.
    overdue_day = school_days[-7] if len(school_days) > 7 else None
    if overdue_day:
        for mark in marks:
            if mark.pupil_id == shuffled[0].pk and mark.date == overdue_day and mark.session == "AM":
                mark.code = "N"
    for i in range(0, len(marks), BATCH):
        RegisterMark.objects.bulk_create(marks[i : i + BATCH])
    _office_history(
        school=school,
        pupils=shuffled,
        actor=actor,
        head=head.user if head else None,
        today=today,
        calendar=calendar,
    )


def _office_history(*, school, pupils, actor, head, today, calendar):
    """A few amendments, calls and leave requests, so those screens are not empty."""
    if actor is None:
        return
    # A full ordering: many marks share a date, and an unordered slice differs between databases.
    by_day = ("date", "session", "pupil__upn")
    amended = list(RegisterMark.objects.filter(school=school, code="I").order_by(*by_day)[:3])
    for mark in amended:
        MarkAmendment.objects.create(
            mark=mark,
            old_code="N",
            new_code="I",
            reason="Parent phoned: unwell",
            amended_by=actor,
            amended_by_name=str(actor),
            amended_by_role="Office staff",
        )
        mark.version = 2
        mark.save(update_fields=["version"])
    recent_illness = RegisterMark.objects.filter(school=school, code="I", date__gte=today - timedelta(days=3))
    for mark in recent_illness.select_related("pupil").order_by(*by_day)[:2]:
        contact = (
            mark.pupil.contact_links.select_related("contact")
            .order_by("priority", "contact__last_name", "contact__first_name")
            .first()
        )
        AbsenceCall.objects.create(
            school=school,
            pupil=mark.pupil,
            caller_contact=contact.contact if contact else None,
            caller_name="" if contact else "Parent",
            reason="Temperature and sore throat",
            code="I",
            first_date=mark.date,
            first_session="AM",
            last_date=mark.date,
            last_session="PM",
            recorded_by=actor,
        )
    # A failed first call about the latest N, so the first-day calls list shows an attempt's history.
    latest_n = RegisterMark.objects.filter(school=school, code="N", date__lte=today).order_by(
        "-date", "session", "pupil__upn"
    )
    for mark in latest_n.select_related("pupil")[:1]:
        link = mark.pupil.contact_links.select_related("contact").order_by("priority", "id").first()
        if link is not None:
            CallAttempt.objects.create(
                school=school,
                pupil=mark.pupil,
                contact=link.contact,
                contact_name=str(link.contact)[:200],
                phone=link.contact.phone,
                outcome=CallAttempt.Outcome.NO_ANSWER,
                absence_date=mark.date,
                made_by=actor,
            )
    try:
        leave_start = calendar.add_school_days(today, 10)
    except ValueError:
        return
    asking = pupils[3].contact_links.select_related("contact").order_by("priority", "id").first()
    LeaveRequest.objects.create(
        school=school,
        pupil=pupils[3],
        requested_by_contact=asking.contact if asking else None,
        requested_by=str(asking.contact) if asking else "Parent",
        start_date=leave_start,
        end_date=leave_start + timedelta(days=1),
        reason="Attending a family funeral abroad",
        code="C",
        created_by=actor,
    )
