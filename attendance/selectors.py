"""Reads for registers and the office's absence work. Statistics live in ``attendance.statistics``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Min, OuterRef, Q, QuerySet

from school.calendar import SchoolCalendar
from school.models import ClassMembership, Pupil, PupilContact, RegistrationClass, Session

from . import codes, statistics
from .absence_days import N_DEADLINE_SCHOOL_DAYS, group_absences, n_deadline_state
from .models import LeaveRequest, RegisterMark

#: An N this many school days old is due today on the office's queue, overdue the day after
#: (docs/rules.md section 3).
#: Reads do not import the services, so the writes may use these selectors.
N_AGE_LIMIT = N_DEADLINE_SCHOOL_DAYS


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


def register_summary(marks, *, on_roll: int) -> dict[str, int]:
    """What a register holds: present, late, absent (explained), not yet explained (N), no code yet.

    The register page shows it before saving (static/js/register.js keeps it up to date as codes
    are typed), so "26 present, 2 late, 1 absent, 1 not yet explained" is checked at a glance.
    """
    summary = {"present": 0, "late": 0, "absent": 0, "unexplained": 0, "not_counted": 0, "blank": 0}
    for mark in marks:
        if mark is None:
            summary["blank"] += 1
        elif mark.code == "N":
            summary["unexplained"] += 1
        elif mark.code in codes.LATE_CODES:  # L before the register closed, U after it
            summary["late"] += 1
        elif codes.counts_as_attendance(mark.code):
            summary["present"] += 1
        elif codes.counts_as_possible(mark.code):
            summary["absent"] += 1
        else:
            summary["not_counted"] += 1
    summary["blank"] += max(0, on_roll - len(marks))
    return summary


def summary_kinds() -> dict[str, str]:
    """Each code's place in the register summary, for the page's script (the same rule as above)."""
    kinds = {}
    for code, _ in codes.choices():
        if code == "N":
            kinds[code] = "unexplained"
        elif code in codes.LATE_CODES:
            kinds[code] = "late"
        elif codes.counts_as_attendance(code):
            kinds[code] = "present"
        elif codes.counts_as_possible(code):
            kinds[code] = "absent"
        else:
            kinds[code] = "not_counted"
    return kinds


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
    """Attach each N's age in school days and where it stands against the deadline: the fifth school
    day after the session is the last the law allows ("due today"); overdue starts the day after."""
    rows = []
    for mark in marks:
        age = calendar.school_days_since(mark.date, today=today)
        state = n_deadline_state(age)
        rows.append(
            {
                "mark": mark,
                "age": age,
                "state": state,
                "overdue": state == "overdue",
                "due_today": state == "due_today",
                "due_soon": state == "due_tomorrow",
                "convertible": age >= N_AGE_LIMIT,
            }
        )
    return rows


def overdue_n_count(*, school, calendar: SchoolCalendar, today: date) -> int:
    """How many N marks are past the last day the law allows (more than 5 school days old; one query)."""
    return n_deadline_counts(school=school, calendar=calendar, today=today)["overdue"]


def n_deadline_counts(*, school, calendar: SchoolCalendar, today: date) -> dict[str, int]:
    """How many N marks are due today and how many are overdue (one query)."""
    counts = {"due_today": 0, "overdue": 0}
    dates = RegisterMark.objects.filter(school=school, code="N", date__lte=today).values_list(
        "date", flat=True
    )
    for day in dates:
        state = n_deadline_state(calendar.school_days_since(day, today=today))
        if state in counts:
            counts[state] += 1
    return counts


def n_queue_pupil_order(marks: QuerySet[RegisterMark]) -> QuerySet:
    """One row per pupil of the N queue (pupil_id, oldest N), oldest first: what the page paginates."""
    return (
        marks.order_by()
        .values("pupil_id")
        .annotate(oldest=Min("date"))
        .order_by("oldest", "pupil__legal_last_name", "pupil_id")
    )


def n_queue_pupils(*, marks: QuerySet[RegisterMark], calendar: SchoolCalendar, today: date) -> list[dict]:
    """The N queue one row per pupil: contacts with their numbers, and the N sessions grouped into
    absences (consecutive school sessions), each with its deadline state. ``marks`` is one page's N
    marks (already filtered to the page's pupils); three queries whatever the number of pupils."""
    loaded = list(marks.select_related("pupil", "pupil__registration_class").order_by("date", "session"))
    if not loaded:
        return []
    order: dict[str, int] = {Session.AM: 0, Session.PM: 1}
    sequence = calendar.sessions_between(loaded[0].date, today)
    aged = {row["mark"].pk: row for row in with_ages(loaded, calendar=calendar, today=today)}
    by_pupil: dict[int, list[RegisterMark]] = defaultdict(list)
    for mark in sorted(loaded, key=lambda m: (m.date, order[m.session])):
        by_pupil[mark.pupil_id].append(mark)
    contacts: dict[int, list[PupilContact]] = defaultdict(list)
    for link in PupilContact.objects.filter(pupil_id__in=list(by_pupil)).select_related("contact"):
        contacts[link.pupil_id].append(link)
    rank = {"overdue": 0, "due_today": 1, "due_tomorrow": 2, "open": 3}
    rows = []
    for pupil_marks in by_pupil.values():
        keyed = {(m.date, m.session): m for m in pupil_marks}
        absences = []
        for group in group_absences(list(keyed), sequence):
            items = [aged[keyed[key].pk] for key in group]
            worst = min(items, key=lambda r: rank[r["state"]])
            absences.append(
                {
                    "first": items[0]["mark"],
                    "last": items[-1]["mark"],
                    "sessions": items,
                    "state": worst["state"],
                    "age": worst["age"],
                    "convertible": [r["mark"].pk for r in items if r["convertible"]],
                }
            )
        rows.append(
            {
                "pupil": pupil_marks[0].pupil,
                "contacts": sorted(
                    contacts[pupil_marks[0].pupil_id], key=lambda link: (link.priority, link.pk)
                ),
                "absences": absences,
                "state": min((a["state"] for a in absences), key=rank.__getitem__),
                "sessions": len(pupil_marks),
            }
        )
    return rows


def leave_requests(*, school, status: str | None = None) -> QuerySet[LeaveRequest]:
    qs = LeaveRequest.objects.filter(school=school).select_related(
        "pupil", "decided_by", "created_by", "requested_by_contact"
    )
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


def leave_decision_context(
    *, leaves: list[LeaveRequest], calendar: SchoolCalendar, today: date
) -> list[LeaveRequest]:
    """Give each leave request on a page ``attendance`` (the pupil's Figures this academic year to date)
    and ``previous`` (the requests for the pupil before this one, latest first): a constant number of
    queries, whatever the number of requests."""
    if not leaves:
        return leaves
    pupil_ids = {leave.pupil_id for leave in leaves}
    start, end = statistics.default_range(calendar, today)
    figures = statistics.pupil_figures(Pupil.objects.filter(pk__in=pupil_ids), start, end, calendar=calendar)
    earlier: dict[int, list[LeaveRequest]] = defaultdict(list)
    for other in LeaveRequest.objects.filter(pupil_id__in=pupil_ids).order_by("created_at", "id"):
        earlier[other.pupil_id].append(other)
    for leave in leaves:
        before = [o for o in earlier[leave.pupil_id] if (o.created_at, o.pk) < (leave.created_at, leave.pk)]
        leave.attendance = figures.get(leave.pupil_id)  # type: ignore[attr-defined]
        leave.previous = before[::-1]  # type: ignore[attr-defined]
    return leaves
