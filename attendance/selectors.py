"""Reads for registers and the office's absence work. Statistics live in ``attendance.statistics``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, OuterRef, Q, QuerySet

from school.calendar import SchoolCalendar
from school.models import ClassMembership, Pupil, RegistrationClass, Session

from .models import LeaveRequest, RegisterMark

#: An N older than this many school days is overdue on the office's queue (docs/rules.md section 3).
#: Reads do not import the services, so the writes may use these selectors.
N_AGE_LIMIT = 5


# --- registers -----------------------------------------------------------------------------------------
def register_rows(*, registration_class, day: date, session: str) -> list[tuple[Pupil, RegisterMark | None]]:
    """Every pupil on roll and in the class *that day*, with their mark for the session (two queries)."""
    pupils = list(
        Pupil.objects.in_class_on(registration_class, day=day)
        .on_roll(at=day)
        .order_by("legal_last_name", "legal_first_name")
    )
    marks = {
        m.pupil_id: m
        for m in RegisterMark.objects.filter(
            pupil__in=[p.pk for p in pupils], date=day, session=session
        ).select_related("updated_by")
    }
    return [(p, marks.get(p.pk)) for p in pupils]


@dataclass
class RegisterStatus:
    registration_class: RegistrationClass
    on_roll: int
    marked: dict  # session -> count of pupils with a mark
    sessions: tuple  # the sessions the school meets that day

    def is_taken(self, session) -> bool:
        return self.on_roll > 0 and self.marked.get(session, 0) >= self.on_roll

    @property
    def cells(self):
        return [
            {
                "session": s,
                "open": s in self.sessions,
                "taken": self.is_taken(s),
                "marked": self.marked.get(s, 0),
            }
            for s in ("AM", "PM")
        ]


def register_statuses(*, classes: QuerySet, day: date, calendar: SchoolCalendar) -> list[RegisterStatus]:
    """Each class's register state for a day in three queries. A register is taken when every pupil
    on roll has a mark for the session (pre-coded absences count, the rest must be entered)."""
    class_list = list(classes.select_related("school").order_by("year_group", "name"))
    # Who was in each class that day comes from the dated memberships, not today's class.
    members = (
        ClassMembership.objects.on(day)
        .filter(registration_class__in=[c.pk for c in class_list], pupil__admission_date__lte=day)
        .filter(Q(pupil__leaving_date__isnull=True) | Q(pupil__leaving_date__gte=day))
    )
    on_roll = dict(members.values_list("registration_class").annotate(n=Count("id")).order_by())
    marked: dict = defaultdict(dict)
    rows = (
        RegisterMark.objects.filter(date=day, pupil__in=members.values("pupil_id"))
        .annotate(class_id=members.filter(pupil=OuterRef("pupil")).values("registration_class")[:1])
        .values_list("class_id", "session")
        .annotate(n=Count("id"))
        .order_by()
    )
    for class_id, session, n in rows:
        marked[class_id][session] = n
    sessions = calendar.sessions_on(day)
    return [RegisterStatus(c, on_roll.get(c.pk, 0), marked[c.pk], sessions) for c in class_list]


def registers_not_taken(*, classes: QuerySet, day: date, calendar: SchoolCalendar, now=None) -> list[dict]:
    """(class, session, pupils still without a mark) for every register of the day not yet complete.

    With ``now`` (a local datetime on ``day``), a register that has not opened yet is not listed.
    """
    result = []
    statuses = register_statuses(classes=classes, day=day, calendar=calendar)
    school = statuses[0].registration_class.school if statuses else None
    for status in statuses:
        for session in status.sessions:
            if now is not None and now.date() == day and school is not None:
                opens = school.am_register_opens if session == "AM" else school.pm_register_opens
                if now.time() < opens:
                    continue
            if status.on_roll and not status.is_taken(session):
                result.append(
                    {
                        "registration_class": status.registration_class,
                        "session": session,
                        "missing": status.on_roll - status.marked.get(session, 0),
                        "on_roll": status.on_roll,
                    }
                )
    return result


def class_id_on(pupil, day: date) -> int | None:
    """The pupil's class on `day` (today's class when no membership covers that day)."""
    found = ClassMembership.objects.on(day).filter(pupil=pupil).values_list("registration_class", flat=True)
    return next(iter(found), pupil.registration_class_id)


# --- the office -------------------------------------------------------------------------------------------
def n_queue(*, school) -> QuerySet[RegisterMark]:
    """Every unresolved N of the school, oldest first (so overdue ones lead)."""
    return (
        RegisterMark.objects.filter(school=school, code="N")
        .select_related("pupil", "pupil__registration_class")
        .order_by("date", "session", "pupil__legal_last_name")
    )


def with_ages(marks, *, calendar: SchoolCalendar, today: date) -> list[dict]:
    """Attach each N's age in school days and whether it is overdue (5 school days or more)."""
    rows = []
    for mark in marks:
        age = calendar.school_days_since(mark.date, today=today)
        rows.append(
            {"mark": mark, "age": age, "overdue": age >= N_AGE_LIMIT, "due_soon": age == N_AGE_LIMIT - 1}
        )
    return rows


def overdue_n_count(*, school, calendar: SchoolCalendar, today: date) -> int:
    """How many N marks are 5 or more school days old (one query)."""
    dates = RegisterMark.objects.filter(school=school, code="N", date__lte=today).values_list(
        "date", flat=True
    )
    return sum(1 for day in dates if calendar.school_days_since(day, today=today) >= N_AGE_LIMIT)


def leave_requests(*, school, status: str | None = None) -> QuerySet[LeaveRequest]:
    qs = LeaveRequest.objects.filter(school=school).select_related("pupil", "decided_by", "created_by")
    if status:
        qs = qs.filter(status=status)
    return qs


def pupil_amendments(*, pupil):
    from .models import MarkAmendment

    return (
        MarkAmendment.objects.filter(mark__pupil=pupil).select_related("mark").order_by("-amended_at", "-id")
    )


def leave_c_granted(*, pupil_ids, day, session) -> set[int]:
    """Pupils among ``pupil_ids`` whose granted leave request with code C covers (day, session)."""
    order: dict[str, int] = {Session.AM: 0, Session.PM: 1}
    key = (day, order[session])
    granted = LeaveRequest.objects.filter(
        pupil_id__in=list(pupil_ids),
        status=LeaveRequest.Status.GRANTED,
        code="C",
        start_date__lte=day,
        end_date__gte=day,
    ).values_list("pupil_id", "start_date", "start_session", "end_date", "end_session")
    return {
        pupil_id
        for pupil_id, start, start_s, end, end_s in granted
        if (start, order[start_s]) <= key <= (end, order[end_s])
    }
