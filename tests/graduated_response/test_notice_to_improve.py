"""The notice to improve's improvement period: 3 to 6 weeks (docs/rules.md section 4)."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from graduated_response import measures
from graduated_response import notice_to_improve as nti
from graduated_response.models import Case, MeasureStatusEvent, NoticeToImprove
from school.models import AuditEntry

START = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("days", "ok"),
    [(-1, False), (0, False), (20, False), (21, True), (30, True), (42, True), (43, False)],
)
def test_period_between_3_and_6_weeks(days, ok):
    problem = nti.period_problem(START, START + timedelta(days=days))
    assert (problem is None) is ok
    if days == 20:
        assert problem == "The improvement period must be at least 3 weeks (21 days); this one is 20 days."
    if days == 43:
        assert problem == "The improvement period can be at most 6 weeks (42 days); this one is 43 days."


def test_default_period_is_6_weeks():
    assert nti.period_days(START, nti.default_end(START)) == 42


@pytest.fixture
def case(pupil):
    return Case.objects.create(school=pupil.school, pupil=pupil, current_tier=4, opened_on=date(2026, 2, 2))


def _issue(actor, case, days):
    return measures.notice_to_improve_issue(
        actor=actor,
        case=case,
        issued_on=START,
        period_start=START,
        period_end=START + timedelta(days=days),
        record="14 unauthorised sessions since January",
        support_offered="Breakfast club; a morning call",
        sufficient_improvement="No unauthorised absence in the period",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("days", "ok"), [(20, False), (21, True), (42, True), (43, False)])
@time_machine.travel(date(2026, 3, 2))
def test_service_refuses_a_period_outside_3_to_6_weeks_beside_the_end_date(
    case, attendance_officer, days, ok
):
    if ok:
        notice = _issue(attendance_officer, case, days)
        assert notice.status == "in_period"
        assert MeasureStatusEvent.objects.filter(measure_id=notice.pk, to_status="in_period").exists()
        assert AuditEntry.objects.filter(action="graduated_response.notice_to_improve.issued").count() == 1
    else:
        with pytest.raises(ValidationError) as error:
            _issue(attendance_officer, case, days)
        assert "period_end" in error.value.message_dict
        assert not NoticeToImprove.objects.exists()


@pytest.mark.django_db
def test_outcome_only_after_the_period_and_not_improved_points_to_a_penalty_notice(case, attendance_officer):
    with time_machine.travel(START):
        notice = _issue(attendance_officer, case, 28)
    with time_machine.travel(START + timedelta(days=27)), pytest.raises(ValidationError) as error:
        measures.notice_to_improve_outcome(actor=attendance_officer, notice=notice, outcome="not_improved")
    assert "runs until 30 March 2026" in error.value.message_dict["outcome"][0]
    with time_machine.travel(START + timedelta(days=28)):
        measures.notice_to_improve_outcome(
            actor=attendance_officer, notice=notice, outcome="not_improved", expected_status="in_period"
        )
        notice.refresh_from_db()
        assert notice.status == "not_improved" and notice.outcome_on == START + timedelta(days=28)
        assert "consider a penalty notice" in nti.NEXT_STEP["not_improved"]
        with pytest.raises(ValidationError) as stale:
            measures.notice_to_improve_outcome(
                actor=attendance_officer, notice=notice, outcome="improved", expected_status="in_period"
            )
        assert "already recorded" in stale.value.messages[0]
