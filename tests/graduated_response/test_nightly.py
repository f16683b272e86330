"""The nightly run: cases, escalation and step-down over simulated weeks, triggers, SEND routing,
idempotency, failures and catch-up."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from attendance.models import RegisterMark
from graduated_response.models import (
    Alert,
    Case,
    CaseAction,
    CaseStatusEvent,
    NightlyRun,
    PupilWeekBand,
    TierBand,
    TierChange,
)
from graduated_response.nightly import nightly_catch_up_dates, nightly_checks_run, nightly_run_missing_check
from graduated_response.nightly_ehcp import request_reviews
from graduated_response.tasks import run_nightly_checks_all, run_nightly_checks_for_school
from school.calendar import SchoolCalendar
from school.models import AuditEntry
from send.models import AnnualReview
from tests import factories as f
from tests.graduated_response.conftest import fill_marks
from tests.send.ehcp_factories import ehc_plan

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


def run_on(school, day, **kwargs):
    with time_machine.travel(datetime(day.year, day.month, day.day, 23, 0, tzinfo=LONDON), tick=False):
        return nightly_checks_run(school=school, on=day, **kwargs)


def fridays(start, end):
    day = start + timedelta(days=(4 - start.weekday()) % 7)
    while day <= end:
        yield day
        day += timedelta(days=7)


def test_one_absence_in_a_new_pupils_first_week_does_not_open_a_case(school, own_class):
    newcomer = f.PupilFactory(school=school, registration_class=own_class, admission_date=date(2026, 11, 2))
    fill_marks(newcomer, date(2026, 11, 2), date(2026, 11, 6), lambda d, s, i: "O" if i == 0 else None)
    run = run_on(school, date(2026, 11, 6))
    assert run.status == "succeeded" and run.pupils_evaluated == 0
    assert not Case.objects.exists()
    # After 20 possible sessions the pupil is judged: 19 of 20 is 95.0%, Tier 1.
    fill_marks(newcomer, date(2026, 11, 9), date(2026, 11, 13))
    run = run_on(school, date(2026, 11, 13))
    assert run.pupils_evaluated == 1
    assert Case.objects.get(pupil=newcomer).current_tier == 1


def test_case_opens_with_figures_checklist_and_audit(school, pupil):
    # 1 session in 8 missed (O): 87.5%-ish, Tier 3.
    fill_marks(pupil, date(2026, 9, 1), date(2026, 11, 20), lambda d, s, i: "O" if i % 8 == 0 else None)
    run = run_on(school, date(2026, 11, 20))
    case = Case.objects.get(pupil=pupil)
    assert (case.status, case.current_tier, case.opened_on) == ("open", 3, date(2026, 11, 20))
    change = case.tier_changes.get()
    assert change.from_tier is None and change.to_tier == 3
    assert change.figures["possible"] == 106 and change.figures["attendance_pct"] == "86.8"
    assert change.figures["unauthorised"] == 14
    # Tier 3's checklist, and the groundwork of Tiers 1 and 2 it skipped (issue 14).
    assert case.actions.filter(tier=3).count() == 9
    assert set(case.actions.values_list("tier", flat=True)) == {1, 2, 3}
    assert CaseStatusEvent.objects.get(case=case).to_status == "open"
    entry = AuditEntry.objects.get(action="graduated_response.case.opened")
    assert entry.pupil_id == pupil.pk and entry.after["tier"] == 3 and entry.actor is None
    assert (run.cases_opened, run.pupils_evaluated) == (1, 1)
    kinds = set(Alert.objects.filter(pupil=pupil).values_list("kind", flat=True))
    assert {"tier_entered", "penalty_threshold", "separate_absences"} <= kinds


def test_escalation_is_immediate_and_skips_tiers(school, pupil):
    fill_marks(pupil, date(2026, 9, 1), date(2026, 11, 13), lambda d, s, i: "O" if i % 16 == 0 else None)
    run_on(school, date(2026, 11, 13))
    case = Case.objects.get(pupil=pupil)
    assert case.current_tier == 1
    # A fortnight off (90 of 116 sessions, 77.6%): straight to Tier 4 on the next night, no waiting.
    fill_marks(pupil, date(2026, 11, 16), date(2026, 11, 27), lambda d, s, i: "G")
    run = run_on(school, date(2026, 11, 27))
    case.refresh_from_db()
    assert case.current_tier == 4 and run.escalated == 1
    assert list(case.tier_changes.values_list("from_tier", "to_tier")) == [(None, 1), (1, 4)]
    assert AuditEntry.objects.filter(action="graduated_response.case.escalated", pupil=pupil).count() == 1
    assert case.actions.filter(tier=4).count() == 9


def test_step_down_needs_four_better_school_weeks_and_half_term_is_not_a_school_week(school, pupil):
    # Absent the first three days (6 sessions), then present every session until mid-January.
    fill_marks(
        pupil, date(2026, 9, 1), date(2027, 1, 15), lambda d, s, i: "O" if d < date(2026, 9, 7) else None
    )
    history = {}
    for friday in fridays(date(2026, 9, 4), date(2027, 1, 15)):
        run = run_on(school, friday)
        assert run.status == "succeeded"
        case = Case.objects.filter(pupil=pupil).first()
        history[friday] = None if case is None else (case.current_tier if case.status == "open" else "closed")
    # Measured tiers each Friday: not judged, not judged, 4 (76.9%), 3, 3, 3, 2 (90.9%), 2, [half-term],
    # 1 (93.0%), 1, 1, 1, 0 (95.2%), 0, 0, 0, 0. The case only steps down after 4 better school weeks.
    assert history[date(2026, 9, 4)] is None and history[date(2026, 9, 11)] is None
    assert history[date(2026, 9, 18)] == 4
    assert [history[date(2026, 10, d)] for d in (2, 9, 16)] == [4, 4, 4]
    assert history[date(2026, 10, 23)] == 3  # weeks of 21 Sep to 12 Oct all better than Tier 4
    # Friday 30 Oct is in half-term: the figures do not move and the week does not count.
    assert history[date(2026, 10, 30)] == 3
    assert history[date(2026, 11, 6)] == 3 and history[date(2026, 11, 13)] == 3
    assert history[date(2026, 11, 20)] == 2
    assert history[date(2026, 11, 27)] == 2
    assert history[date(2026, 12, 4)] == 1
    assert [history[date(2026, 12, 11)], history[date(2026, 12, 18)], history[date(2027, 1, 8)]] == [1, 1, 1]
    assert history[date(2027, 1, 15)] == "closed"
    case = Case.objects.get(pupil=pupil)
    assert "recovered" in case.close_reason and case.closed_on == date(2027, 1, 15)
    assert list(case.tier_changes.values_list("to_tier", flat=True)) == [4, 3, 2, 1, 0]
    assert not PupilWeekBand.objects.filter(pupil=pupil, week_start=date(2026, 10, 26)).exists()
    assert AuditEntry.objects.filter(action="graduated_response.case.stepped_down").count() == 3
    assert AuditEntry.objects.filter(action="graduated_response.case.closed").count() == 1
    assert list(case.status_events.values_list("from_status", "to_status")) == [
        ("", "open"),
        ("open", "closed"),
    ]


def test_a_pupil_whose_attendance_falls_again_gets_a_new_case(school, pupil):
    case = Case.objects.create(
        school=school,
        pupil=pupil,
        current_tier=1,
        opened_on=date(2026, 10, 1),
        status="closed",
        closed_on=date(2026, 10, 20),
        close_reason="Recovered",
    )
    fill_marks(pupil, date(2026, 9, 1), date(2026, 11, 20), lambda d, s, i: "O" if i % 8 == 0 else None)
    run_on(school, date(2026, 11, 20))
    assert Case.objects.filter(pupil=pupil).count() == 2
    assert Case.objects.get(pk=case.pk).status == "closed"


def test_send_support_and_ehc_plan_routing(school, own_class, sendco):
    k = f.PupilFactory(school=school, registration_class=own_class, sen_provision="K")
    e = f.PupilFactory(school=school, registration_class=own_class, sen_provision="E")
    n = f.PupilFactory(school=school, registration_class=own_class)
    plan = ehc_plan(pupil=e, created_by=sendco, issue_date=date(2026, 3, 1))
    for p in (k, e, n):
        fill_marks(p, date(2026, 9, 1), date(2026, 11, 20), lambda d, s, i: "I" if i % 8 == 0 else None)
    run_on(school, date(2026, 11, 20))
    assert set(Alert.objects.filter(pupil=k).values_list("kind", flat=True)) >= {"send_joint_review"}
    assert not Alert.objects.filter(pupil=k, kind__in=["ehcp_review_requested", "ehcp_inform_la"]).exists()
    # The pupil with a plan in force gets a real early review of it, asked for, and an alert linking to it.
    review = AnnualReview.objects.get(plan=plan)
    assert (review.kind, review.status, review.requested_via) == ("early", "requested", "attendance")
    assert review.reason.startswith("Attendance fell to ") and review.reason.endswith(
        "% this year, into Tier 3 (the school asks for an early review from Tier 3)."
    )
    assert list(review.history.values_list("from_status", "to_status")) == [("", "requested")]
    assert AuditEntry.objects.filter(action="send.ehc_review.requested", object_id=str(review.pk)).exists()
    ehcp = Alert.objects.get(pupil=e, kind="ehcp_review_requested")
    assert (
        ehcp.roles == ["sendco", "headteacher"]
        and "early review of the plan has been asked for" in ehcp.message
    )
    assert ehcp.figures["review_id"] == review.pk
    assert not Alert.objects.filter(kind="ehcp_inform_la").exists()
    assert Alert.objects.get(pupil=e, kind="send_joint_review").case == Case.objects.get(pupil=e)
    assert not Alert.objects.filter(pupil=n, kind__in=["send_joint_review", "ehcp_review_requested"]).exists()
    # The same night again asks for nothing more.
    run_on(school, date(2026, 11, 20), force=True)
    assert AnnualReview.objects.filter(plan=plan).count() == 1
    # Falling further brings a new joint review for the new tier, and for the plan the review already
    # asked for (no second one).
    fill_marks(k, date(2026, 11, 23), date(2026, 12, 4), lambda d, s, i: "I")
    fill_marks(e, date(2026, 11, 23), date(2026, 12, 4), lambda d, s, i: "I")
    run_on(school, date(2026, 12, 4))
    assert Alert.objects.filter(pupil=k, kind="send_joint_review").count() == 2
    assert AnnualReview.objects.filter(plan=plan).count() == 1
    alerts = Alert.objects.filter(pupil=e, kind="ehcp_review_requested").order_by("id")
    assert [a.figures["review_id"] for a in alerts] == [review.pk, review.pk]
    assert "already in progress" in alerts[1].message


def test_ehc_review_requests_are_written_in_a_fixed_number_of_queries(school, own_class, sendco):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n, day in ((2, date(2026, 11, 20)), (6, date(2026, 11, 23))):
        pupils = [
            f.PupilFactory(school=school, registration_class=own_class, sen_provision="E") for _ in range(n)
        ]
        for p in pupils:
            ehc_plan(pupil=p, created_by=sendco, issue_date=date(2026, 3, 1))
        falls = [(p.pk, None, 3, f"case{p.pk}", {"attendance_pct": 85.0}) for p in pupils]
        with CaptureQueriesContext(connection) as queries:
            drafts = request_reviews(school=school, on=day, now=timezone.now(), falls=falls)
        assert len(drafts) == n and AnnualReview.objects.filter(pupil__in=pupils).count() == n
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


def test_part_time_timetable_sessions_are_kept_apart_in_the_snapshot(school, pupil):
    fill_marks(
        pupil,
        date(2026, 9, 1),
        date(2026, 11, 20),
        lambda d, s, i: "C2" if s == "PM" and d.weekday() == 4 else ("O" if i % 9 == 0 else None),
    )
    run_on(school, date(2026, 11, 20))
    change = TierChange.objects.get(case__pupil=pupil)
    assert change.figures["part_time_c2"] == 11


def test_running_a_night_three_times_changes_nothing_after_the_first(school, own_class):
    pupils = [f.PupilFactory(school=school, registration_class=own_class) for _ in range(4)]
    patterns = [8, 12, 20, 40]
    for p, every in zip(pupils, patterns, strict=True):
        fill_marks(
            p,
            date(2026, 9, 1),
            date(2026, 11, 20),
            lambda d, s, i, every=every: "O" if i % every == 0 else None,
        )
    RegisterMark.objects.filter(pupil=pupils[0], date=date(2026, 11, 19)).update(code="L")

    def counts():
        return {
            model.__name__: model.objects.count()
            for model in (Case, TierChange, CaseAction, Alert, CaseStatusEvent, PupilWeekBand, AuditEntry)
        }

    first = run_on(school, date(2026, 11, 20))
    after_first = counts()
    assert after_first["Case"] == 3 and after_first["Alert"] > 3
    for _ in range(2):
        again = run_on(school, date(2026, 11, 20), force=True)
        assert again.status == "succeeded" and (again.cases_opened, again.escalated, again.alerts) == (
            0,
            0,
            0,
        )
        assert counts() == after_first
    # Without force a finished night is not re-run at all.
    assert run_on(school, date(2026, 11, 20)).attempts == 3
    assert NightlyRun.objects.get(pk=first.pk).attempts == 3


def test_rolling_window_alerts_are_not_repeated_every_night(school, pupil):
    fill_marks(pupil, date(2026, 9, 1), date(2026, 11, 27), lambda d, s, i: "O" if i % 8 == 0 else None)
    run_on(school, date(2026, 11, 20))
    run_on(school, date(2026, 11, 23))
    run_on(school, date(2026, 11, 27))
    assert Alert.objects.filter(pupil=pupil, kind="penalty_threshold").count() == 1


def test_no_contact_alert_uses_absence_calls(school, pupil, office_staff):
    from attendance.models import AbsenceCall

    fill_marks(
        pupil, date(2026, 11, 2), date(2026, 11, 11), lambda d, s, i: "N" if d >= date(2026, 11, 9) else None
    )
    run_on(school, date(2026, 11, 11))
    assert Alert.objects.get(pupil=pupil, kind="no_contact").period_key == "2026-11-09"
    other = f.PupilFactory(school=school, registration_class=pupil.registration_class)
    fill_marks(
        other, date(2026, 11, 2), date(2026, 11, 11), lambda d, s, i: "N" if d >= date(2026, 11, 9) else None
    )
    AbsenceCall.objects.create(
        school=school,
        pupil=other,
        caller_name="Parent",
        reason="Unwell, will send a note",
        code="N",
        first_date=date(2026, 11, 9),
        last_date=date(2026, 11, 11),
        recorded_by=office_staff,
        recorded_at=datetime(2026, 11, 10, 9, 0, tzinfo=LONDON),
    )
    run_on(school, date(2026, 11, 11), force=True)
    assert not Alert.objects.filter(pupil=other, kind="no_contact").exists()


def test_overdue_actions_go_to_the_attendance_officer_then_the_headteacher(school, pupil):
    fill_marks(pupil, date(2026, 9, 1), date(2026, 11, 6), lambda d, s, i: "O" if i % 8 == 0 else None)
    run_on(school, date(2026, 11, 6))
    action = CaseAction.objects.filter(case__pupil=pupil).order_by("due_on").first()
    cal = SchoolCalendar.for_school(school)
    day_after_due = cal.add_school_days(action.due_on, 1)
    run_on(school, day_after_due)
    action.refresh_from_db()
    assert (action.escalation, action.escalated_to) == (1, "attendance_officer")
    alert = Alert.objects.get(kind="action_overdue", figures__level=1)
    assert action.pk in alert.figures["actions"] and alert.roles == ["attendance_officer"]
    head_day = cal.add_school_days(action.due_on, 6)
    run_on(school, head_day)
    action.refresh_from_db()
    assert (action.escalation, action.escalated_to) == (2, "headteacher")
    alert = Alert.objects.get(kind="action_overdue", period_key=f"{head_day.isoformat()}-level2")
    assert alert.roles == ["headteacher"] and "see My work" in alert.message
    # Done actions are no longer escalated; the headteacher's "My work" lists the escalated one.
    run_on(school, head_day, force=True)
    assert (
        Alert.objects.filter(kind="action_overdue", period_key=f"{head_day.isoformat()}-level2").count() == 1
    )


def test_pupil_leaving_the_roll_closes_the_case(school, pupil):
    fill_marks(pupil, date(2026, 9, 1), date(2026, 11, 6), lambda d, s, i: "O" if i % 8 == 0 else None)
    run_on(school, date(2026, 11, 6))
    pupil.leaving_date = date(2026, 11, 6)
    pupil.save()
    run_on(school, date(2026, 11, 9))
    case = Case.objects.get(pupil=pupil)
    assert case.status == "closed" and "no longer on the school's roll" in case.close_reason


def test_a_failing_school_does_not_stop_the_others(school, other_school, pupil, other_school_pupil):
    for p in (pupil, other_school_pupil):
        fill_marks(p, date(2026, 9, 1), date(2026, 11, 20), lambda d, s, i: "O" if i % 8 == 0 else None)
    broken = f.SchoolFactory(name="Broken Primary")
    f.add_academic_year(broken)
    broken_pupil = f.PupilFactory(school=broken)
    fill_marks(
        broken_pupil, date(2026, 9, 1), date(2026, 11, 20), lambda d, s, i: "O" if i % 8 == 0 else None
    )
    # Corrupt data written behind the service's back: Tier 3's band no longer covers 80.0-90.0.
    TierBand.objects.filter(school=broken, tier=3).update(low_pct=89, high_pct=90)
    with time_machine.travel(datetime(2026, 11, 21, 2, 0, tzinfo=LONDON), tick=False):
        assert run_nightly_checks_all() == 3  # eager in tests: each school's task runs inline
    runs = {r.school_id: r for r in NightlyRun.objects.filter(run_date=date(2026, 11, 20))}
    assert runs[broken.pk].status == "failed" and "no tier band holds" in runs[broken.pk].errors
    assert runs[school.pk].status == "succeeded" and runs[other_school.pk].status == "succeeded"
    assert Case.objects.filter(pupil__in=[pupil, other_school_pupil]).count() == 2
    assert not Case.objects.filter(pupil=broken_pupil).exists()  # nothing half-saved


def test_management_command(school, pupil):
    fill_marks(pupil, date(2026, 9, 1), date(2026, 11, 20), lambda d, s, i: "O" if i % 8 == 0 else None)
    call_command("run_nightly_checks", "--date", "2026-11-20", "--school", str(school.pk))
    assert NightlyRun.objects.get(school=school, run_date=date(2026, 11, 20)).status == "succeeded"
    assert Case.objects.filter(pupil=pupil).exists()


def test_missed_nights_are_caught_up_and_a_long_gap_raises_an_alert(school, pupil):
    fill_marks(pupil, date(2026, 9, 1), date(2026, 11, 20), lambda d, s, i: "O" if i % 8 == 0 else None)
    run_on(school, date(2026, 11, 16))
    # The broker was down for the nights of the 17th to 19th; the task for the 20th catches up.
    with time_machine.travel(datetime(2026, 11, 21, 2, 0, tzinfo=LONDON), tick=False):
        assert nightly_catch_up_dates(school=school, today=date(2026, 11, 21)) == [
            date(2026, 11, 17),
            date(2026, 11, 18),
            date(2026, 11, 19),
            date(2026, 11, 20),
        ]
        result = run_nightly_checks_for_school(school.pk, "2026-11-20")
    assert list(result["runs"]) == ["2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"]
    missing = Alert.objects.get(kind="nightly_run_missing")
    assert missing.pupil is None and missing.roles == ["attendance_officer", "headteacher"]
    assert "have not run for" in missing.message
    assert NightlyRun.objects.filter(school=school, status="succeeded").count() == 5
    # Within 26 hours of the last run, no alert.
    with time_machine.travel(datetime(2026, 11, 21, 3, 0, tzinfo=LONDON), tick=False):
        from django.utils import timezone

        assert nightly_run_missing_check(school=school, now=timezone.now()) is None


def test_the_number_of_queries_does_not_grow_with_pupils(school, own_class, django_assert_max_num_queries):
    def build(n, school):
        for i in range(n):
            p = f.PupilFactory(
                school=school,
                registration_class=own_class if school == own_class.school else None,
                sen_provision="K" if i % 5 == 0 else "N",
            )
            fill_marks(
                p,
                date(2026, 9, 1),
                date(2026, 11, 20),
                lambda d, s, idx, i=i: "O" if idx % (6 + i % 30) == 0 else ("L" if idx % 11 == 0 else None),
            )

    small = school
    build(5, small)
    big = f.SchoolFactory(name="Big Primary")
    f.add_academic_year(big)
    build(50, big)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small_queries:
        run_on(small, date(2026, 11, 20))
    # Ten times the pupils, (almost) the same queries: the only extra ones are further batches of the
    # bulk inserts, which SQLite caps at 999 parameters per statement (PostgreSQL sends one).
    with django_assert_max_num_queries(len(small_queries) + 5):
        run = run_on(big, date(2026, 11, 20))
    assert run.pupils_evaluated == 50 and run.cases_opened > 10


# --- the nightly run never rewrites history -----------------------------------------------------------
def test_a_night_after_today_is_refused_by_the_command_and_the_service(school, pupil):
    from django.core.management.base import CommandError

    from graduated_response.nightly import NightlyRefused

    fill_marks(pupil, date(2026, 9, 1), date(2026, 11, 20), lambda d, s, i: "O" if i % 8 == 0 else None)
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=LONDON), tick=False):
        with pytest.raises(CommandError, match="2 December 2026 has not happened yet"):
            call_command("run_nightly_checks", "--date", "2026-12-02")
        with pytest.raises(NightlyRefused, match="has not happened yet"):
            nightly_checks_run(school=school, on=date(2026, 12, 2))
    assert not NightlyRun.objects.exists() and not Case.objects.exists()
    assert not CaseAction.objects.filter(escalation__gt=0).exists()


def test_a_night_before_the_last_successful_one_is_refused_and_changes_no_case(school, pupil):
    from django.core.management.base import CommandError

    # Absent a lot in the autumn (a case opens on 6 November), then attending every session: by the
    # 27th the case is still open; checking the 6th again later must not close or reopen anything.
    fill_marks(pupil, date(2026, 9, 1), date(2026, 11, 27), lambda d, s, i: "O" if i % 8 == 0 else None)
    run_on(school, date(2026, 11, 20))
    run_on(school, date(2026, 11, 27))
    before = list(Case.objects.values_list("pk", "status", "current_tier", "closed_on"))
    events = CaseStatusEvent.objects.count()
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=LONDON), tick=False):
        with pytest.raises(CommandError, match="refused"):
            call_command("run_nightly_checks", "--date", "2026-11-06", "--school", str(school.pk))
    assert list(Case.objects.values_list("pk", "status", "current_tier", "closed_on")) == before
    assert CaseStatusEvent.objects.count() == events
    assert not NightlyRun.objects.filter(run_date=date(2026, 11, 6)).exists()
    # The last successful night itself may be checked again: it changes nothing.
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=LONDON), tick=False):
        call_command("run_nightly_checks", "--date", "2026-11-27", "--school", str(school.pk))
    assert list(Case.objects.values_list("pk", "status", "current_tier", "closed_on")) == before


def test_the_refusal_names_the_last_successful_night(school, pupil):
    from graduated_response.nightly import NightlyRefused

    fill_marks(pupil, date(2026, 9, 1), date(2026, 11, 20), lambda d, s, i: "O" if i % 8 == 0 else None)
    run_on(school, date(2026, 11, 20))
    with pytest.raises(NightlyRefused, match="last successful night checked, 20 November 2026"):
        run_on(school, date(2026, 11, 19), force=True)


def test_the_refusal_rule_worked_examples_hold():
    import doctest

    from graduated_response import nightly

    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner()
    for test in finder.find(nightly.nightly_refusal, "nightly_refusal", globs=vars(nightly).copy()):
        runner.run(test)
    assert runner.summarize(verbose=False).failed == 0 and runner.summarize(verbose=False).attempted == 3


@pytest.mark.parametrize(
    "on, last_success, refused",
    [
        (date(2026, 12, 1), None, False),  # today: allowed
        (date(2026, 12, 2), None, True),  # tomorrow
        (date(2026, 11, 27), date(2026, 11, 27), False),  # the last successful night again
        (date(2026, 11, 28), date(2026, 11, 27), False),  # the next night
        (date(2026, 11, 26), date(2026, 11, 27), True),  # one before
    ],
)
def test_refusal_boundaries(on, last_success, refused):
    from graduated_response.nightly import nightly_refusal

    assert bool(nightly_refusal(on=on, today=date(2026, 12, 1), last_success=last_success)) is refused
