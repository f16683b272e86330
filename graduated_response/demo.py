"""Demo graduated response data: the nightly checks run for each past Friday of the term and then
for last night, so the demo dashboard has cases with real tier histories, checklists and alerts.
A little case work is added (key adults, a few actions done, a call logged) so every screen has
something to show. Called by ``manage.py seed_demo`` after the attendance and SEND demo data.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from letters import demo_meetings
from school.calendar import SchoolCalendar
from school.models import Membership, Role

from . import demo_case_letters, demo_measures, services
from .models import Alert, Case, CaseAction, NightlyRun
from .nightly import nightly_checks_run


def _nights(calendar: SchoolCalendar, today: date) -> list[date]:
    start = calendar.academic_year_start(today) or today
    nights, day = [], start + timedelta(days=(4 - start.weekday()) % 7)
    while day < today - timedelta(days=1):
        nights.append(day)
        day += timedelta(days=7)
    return [*nights, today - timedelta(days=1)]


def _staff_keep_up(*, school, actor, night: date, rng) -> None:
    """Demo staff do most checklist actions on time, so only a realistic few are overdue.

    Demo data only: a bulk update stands in for the weeks of case work a real school would have
    recorded one action at a time through services.case_action_complete.
    """
    due = list(
        CaseAction.objects.filter(case__school=school, done_at__isnull=True, due_on__lte=night).values_list(
            "pk", "due_on"
        )
    )
    done = [pk for pk, _ in due if rng.random() < 0.9]
    CaseAction.objects.filter(pk__in=done).update(
        done_by=actor,
        done_at=timezone.make_aware(datetime.combine(night, time(15, 30))),
        done_note="Done (demo data).",
    )


def build(*, school, rng, today: date) -> None:
    calendar = SchoolCalendar.for_school(school)
    officer = (
        Membership.objects.filter(school=school, role=Role.ATTENDANCE_OFFICER).select_related("user").first()
    )
    for night in _nights(calendar, today):
        run = nightly_checks_run(school=school, on=night)
        if run.status != NightlyRun.Status.SUCCEEDED:
            raise RuntimeError(f"demo nightly checks failed on {night}: {run.errors}")
        if officer is not None:
            _staff_keep_up(school=school, actor=officer.user, night=night, rng=rng)
    if officer is None:
        return
    actor = officer.user
    # Alerts from earlier in the term were dealt with at the time; only recent ones are new.
    services.alerts_acknowledge(
        actor=actor,
        school=school,
        alerts=Alert.objects.filter(school=school, created_on__lt=today - timedelta(days=14)),
        outcome="Dealt with at the time (demo data).",
    )
    cases = list(
        Case.objects.open().filter(school=school).select_related("pupil").order_by("-current_tier", "pk")
    )
    teachers = {
        m.user_id: m.user
        for m in Membership.objects.filter(school=school, role=Role.CLASS_TEACHER).select_related("user")
    }
    # Key adults: the class teacher for most cases (the policy's "key adult who maintains contact").
    for case in cases[: max(1, len(cases) * 2 // 3)]:
        staff = (
            case.pupil.registration_class.staff.filter(pk__in=teachers).first()
            if case.pupil.registration_class
            else None
        )
        if staff is not None:
            services.case_key_adult_set(
                actor=actor, school=school, cases=Case.objects.filter(pk=case.pk), key_adult=staff
            )
    for case in cases[:4]:
        for action in case.actions.filter(done_at__isnull=True).order_by("due_on")[: rng.randint(1, 3)]:
            services.case_action_complete(actor=actor, action=action, note="Done in the demo.")
        services.communication_log_add(
            actor=actor,
            case=case,
            kind="call",
            happened_on=min(today, case.opened_on + timedelta(days=1)),
            with_whom="Parent",
            summary="Talked through the attendance figures and what support the school can offer.",
        )
    demo_case_letters.build(school=school, rng=rng, today=today)  # Letters 1 and 2 in the case logs
    demo_meetings.build(school=school, rng=rng, today=today)  # a SAM with targets, a SAP, a joint review
    demo_measures.build(school=school, rng=rng, today=today)  # contract, notice to improve, penalties
