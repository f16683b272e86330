"""Demo letters from cases: the escalation a newcomer should see in the communication logs.

Letter 1 (initial concerns) goes to the families of most open cases from Tier 2, and Letter 2 (the
invitation to a School Attendance Meeting) to a few still in Tier 3 or worse, each prepared through
the same service as the case page's "Prepare letters" (one per address, a log entry each). A key adult
records a conversation on one of their cases, as the checklist asks. Fictional data only.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from django.core.exceptions import ValidationError

from letters import meetings
from letters.recipients import addressees
from school.calendar import SchoolCalendar
from school.models import Contact, Membership, Role

from . import case_letters, services
from .models import Case


def build(*, school, rng, today: date) -> None:
    officer = (
        Membership.objects.filter(school=school, role=Role.ATTENDANCE_OFFICER).select_related("user").first()
    )
    if officer is None:
        return
    cases = list(
        Case.objects.open()
        .filter(school=school, current_tier__gte=2)
        .select_related("pupil", "school", "key_adult")
        .order_by("-current_tier", "pk")
    )
    _one_family_reads_polish([case for i, case in enumerate(cases) if i % 4 != 3])
    calendar = SchoolCalendar.for_school(school)
    for i, case in enumerate(cases):
        codes = ["letter_1"] if i % 4 != 3 else []  # a few families not written to yet
        if codes and case.current_tier >= 3 and i % 2 == 0:
            codes.append("letter_2")
        for code in codes:
            if code == "letter_2":  # Letter 2 invites to a meeting: the meeting is planned first
                _plan_sam(officer=officer.user, case=case, calendar=calendar, today=today, n=i)
            try:
                case_letters.case_letters_produce(
                    actor=officer.user,
                    case=case,
                    code=code,
                    trigger=case_letters.default_trigger(case=case, code=code),
                )
            except ValidationError:
                break  # no contact with parental responsibility: the case page says so
    keyed = next((c for c in cases if c.key_adult_id), None)
    if keyed is not None:
        services.communication_log_add(
            actor=keyed.key_adult,
            case=keyed,
            kind="call",
            happened_on=max(keyed.opened_on, today - timedelta(days=rng.randint(1, 3))),
            with_whom="Parent",
            summary="Talked at the classroom door about mornings; agreed to try the breakfast club.",
        )


def _one_family_reads_polish(written_to: list[Case]) -> None:
    """One family written to prefers Polish, so the demo's logs hold a Letter 1 in the parent's language
    (letters/demo_templates.py adds the Polish translation of Letter 1). A household's letter goes in
    its first parent's language, so the whole household at that address is made Polish-speaking."""
    households = [(case, addressees(case.pupil)) for case in written_to]
    if any(a.language == "Polish" for _, people in households for a in people):
        return
    for _, people in households[1:] + households[:1]:  # not the first case: it also shows Letter 2
        if people:
            Contact.objects.filter(pk__in=people[0].contact_ids).update(preferred_language="Polish")
            return


def _plan_sam(*, officer, case: Case, calendar, today: date, n: int) -> None:
    """A School Attendance Meeting on one of the next school days, so Letter 2 says when and where."""
    days = (today + timedelta(days=k) for k in range(3, 40))
    school_days = [day for day in days if calendar.is_school_day(day)]
    if not school_days:
        return
    meetings.meeting_plan(
        actor=officer,
        pupil=case.pupil,
        kind="sam",
        planned_on=school_days[n % min(len(school_days), 8)],
        planned_time=(time(9, 0), time(9, 15), time(15, 30))[n % 3],
        place="the school office",
    )
