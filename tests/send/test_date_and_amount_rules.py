"""Dates and amounts a SENDCo could mistype are refused beside the field, and nothing is saved."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from send import cycle_dates, services
from send import register_status as rs
from send.models import AgencyInvolvement, FundingApplication, Intervention, PupilPassport, SendRecord
from tests import factories as f

TODAY = time_machine.travel("2026-11-23 10:00 +0000", tick=False)


@TODAY
def test_a_review_or_target_date_before_the_cycle_started_is_refused(login, sendco, pupil):
    cycle = f.SupportCycleFactory(pupil=pupil, stage="review", start_date=date(2026, 9, 7))
    target = f.TargetFactory(cycle=cycle)
    client = login(sendco)
    response = client.post(
        f"/send/cycles/{cycle.pk}/review/",
        {
            "reviewed_on": "2026-09-01",
            "next_steps": "Go on",
            "led_by": "Ms Khan",
            "decision": "stay",
            f"outcome_{target.pk}": "achieved",
        },
    )
    assert "The review cannot be before the cycle started (7 September 2026)." in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.reviewed_on is None
    plan = f.SupportCycleFactory(pupil=f.PupilFactory(school=pupil.school), stage="plan")
    with pytest.raises(ValidationError, match="cannot be before the cycle started"):
        services.target_save(
            actor=sendco,
            cycle=plan,
            area_of_need="cognition",
            target="Count to 20",
            success_criteria="3 times",
            strategies="Number line",
            responsible="TA",
            review_date=date(2026, 9, 1),
        )
    assert not plan.targets.exists()


@TODAY
def test_a_pupil_with_an_open_plan_is_not_removed_from_the_register(sendco, pupil):
    services.send_status_change(
        actor=sendco,
        pupil=pupil,
        to_status=rs.SEN_SUPPORT,
        reason="Needs support",
        parents_agreed_by="Mrs Example",
        parents_agreed_on=date(2026, 11, 20),
    )
    cycle = f.SupportCycleFactory(pupil=pupil, stage="do", number=3)
    with pytest.raises(ValidationError, match="Review and close cycle 3 before removing"):
        services.send_status_change(actor=sendco, pupil=pupil, to_status=rs.REMOVED, reason="Caught up")
    assert SendRecord.objects.get(pupil=pupil).status == rs.SEN_SUPPORT
    cycle.stage = "closed"
    cycle.save()
    services.send_status_change(actor=sendco, pupil=pupil, to_status=rs.REMOVED, reason="Caught up")
    assert SendRecord.objects.get(pupil=pupil).status == rs.REMOVED


@TODAY
def test_parents_agreement_cannot_be_dated_in_the_future(sendco, pupil):
    with pytest.raises(ValidationError, match="cannot be in the future"):
        services.send_status_change(
            actor=sendco,
            pupil=pupil,
            to_status=rs.SEN_SUPPORT,
            reason="Needs support",
            parents_agreed_by="Mrs Example",
            parents_agreed_on=date(2027, 6, 1),
        )
    assert not SendRecord.objects.filter(pupil=pupil).exists()


@TODAY
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"amount_asked": Decimal("-500")}, "amount_asked", "more than £0"),
        ({"status": "declined", "amount_awarded": Decimal("9999")}, "amount_awarded", "Only an awarded"),
        ({"review_date": date(2026, 10, 1)}, "review_date", "before the application was submitted"),
    ],
)
def test_impossible_funding_applications_are_refused(sendco, pupil, fields, field, message):
    base = {"kind": "inclusion_panel", "submitted_on": date(2026, 11, 20), "amount_asked": Decimal("4500")}
    with pytest.raises(ValidationError) as refused:
        services.funding_application_save(actor=sendco, pupil=pupil, **(base | fields))
    assert message in " ".join(refused.value.message_dict[field])
    assert not FundingApplication.objects.exists()


@TODAY
def test_agency_dates_must_be_possible(sendco, pupil):
    for fields, field in (
        ({"referral_date": date(2027, 11, 20)}, "referral_date"),
        (
            {"referral_date": date(2026, 11, 20), "last_report_received_on": date(2026, 10, 1)},
            "last_report_received_on",
        ),
    ):
        with pytest.raises(ValidationError) as refused:
            services.agency_save(actor=sendco, pupil=pupil, agency="EP", **fields)
        assert field in refused.value.message_dict
    assert not AgencyInvolvement.objects.exists()


def test_an_empty_passport_is_not_saved(login, sendco, pupil):
    response = login(sendco).post(
        f"/send/pupils/{pupil.pk}/passport/",
        {"liked_and_admired": " ", "important_to_me": "", "how_to_support_me": ""},
    )
    assert "Write at least one part of the passport" in response.content.decode()
    assert not PupilPassport.objects.filter(pupil=pupil).exists()


def test_a_second_intervention_with_the_same_name_is_refused_beside_the_name(login, sendco, school):
    f.InterventionFactory(school=school, name="Talk Boost")
    response = login(sendco).post(
        "/send/interventions/new/",
        {
            "name": "talk boost",
            "area_of_need": "communication",
            "wave": 2,
            "delivery": "group",
            "group_size": 4,
            "staff": "TA",
            "sessions_per_week": 2,
            "minutes_per_session": 30,
            "cost_basis": "per_hour",
            "cost": "18.00",
        },
    )
    assert response.context["form"].errors["name"] == [
        "The catalogue already has an intervention with this name."
    ]
    assert Intervention.objects.filter(school=school).count() == 1


def test_views_headings_put_the_apostrophe_where_english_does(login, sendco, pupil):
    cycle = f.SupportCycleFactory(pupil=pupil)
    pupil_request = services.views_request_send(
        actor=sendco, cycle=cycle, respondent="pupil", method="printed"
    )
    page = login(sendco).get(f"/send/views/{pupil_request.pk}/").content.decode()
    assert "Pupil&#x27;s views for" in page and "Pupil&#x27; views" not in page


# --- dates that cannot be true (issue 10) ----------------------------------------------------------------
@TODAY
def test_a_review_held_in_the_future_is_refused_beside_the_date(login, sendco, pupil):
    cycle = f.SupportCycleFactory(pupil=pupil, stage="review", start_date=date(2026, 9, 7))
    target = f.TargetFactory(cycle=cycle)
    response = login(sendco).post(
        f"/send/cycles/{cycle.pk}/review/",
        {
            "reviewed_on": "2026-11-24",
            "next_steps": "Go on",
            "led_by": "Ms Khan",
            "decision": "stay",
            f"outcome_{target.pk}": "achieved",
        },
    )
    assert "The review cannot be in the future." in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.reviewed_on is None and cycle.stage == "review"


@TODAY
def test_a_review_due_later_than_the_schools_limit_is_refused(sendco, pupil):
    # The school's limit is 12 school weeks (SendSettings default): from 5 Jan 2027 that is 21 Apr 2027.
    with pytest.raises(ValidationError) as refused:
        services.cycle_start(
            actor=sendco,
            pupil=pupil,
            start_date=date(2027, 1, 5),
            plan_type="PLP",
            review_due=date(2027, 7, 1),
        )
    assert "within the school's 12 school weeks of the start: by 21 April 2027" in " ".join(
        refused.value.message_dict["review_due"]
    )
    assert not pupil.send_cycles.exists()
    cycle = services.cycle_start(
        actor=sendco, pupil=pupil, start_date=date(2027, 1, 5), plan_type="PLP", review_due=date(2027, 4, 21)
    )
    with pytest.raises(ValidationError, match="by 21 April 2027"):
        services.cycle_assessment_save(actor=sendco, cycle=cycle, review_due=date(2027, 4, 22))
    cycle.refresh_from_db()
    assert cycle.review_due == date(2027, 4, 21)


@TODAY
def test_a_cycle_cannot_start_before_the_last_review(login, sendco, pupil):
    f.SupportCycleFactory(pupil=pupil, stage="closed", number=1, reviewed_on=date(2026, 11, 20))
    response = login(sendco).post(
        f"/send/pupils/{pupil.pk}/cycles/new/", {"start_date": "2026-11-16", "plan_type": "PLP"}
    )
    assert "A new cycle cannot start before the last review (20 November 2026)." in response.content.decode()
    assert pupil.send_cycles.count() == 1


@TODAY
def test_funding_submitted_in_the_future_is_refused(sendco, pupil):
    with pytest.raises(ValidationError) as refused:
        services.funding_application_save(
            actor=sendco,
            pupil=pupil,
            kind="inclusion_panel",
            submitted_on=date(2026, 11, 24),
            amount_asked=100,
        )
    assert "cannot be in the future" in " ".join(refused.value.message_dict["submitted_on"])
    assert not FundingApplication.objects.exists()


@TODAY
def test_a_triage_observation_before_the_concern_is_refused(login, sendco, pupil):
    concern = f.ConcernFactory(pupil=pupil)  # raised today, 23 November
    response = login(sendco).post(
        f"/send/concerns/{concern.pk}/triage/",
        {"observe": "on", "observe_on": "2026-11-20", "outcome": "monitor"},
    )
    assert (
        "The observation cannot be before the concern was raised (23 November 2026)."
        in response.content.decode()
    )
    concern.refresh_from_db()
    assert concern.status == "awaiting_triage"


def test_cycle_date_rules_worked_example():
    import doctest

    from send import cycle_dates

    result = doctest.testmod(cycle_dates)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize(
    ("check", "ok"),
    [
        (lambda: cycle_dates.reviewed_on_problem(date(2026, 12, 1), today=date(2026, 12, 1)), True),
        (lambda: cycle_dates.reviewed_on_problem(date(2026, 12, 2), today=date(2026, 12, 1)), False),
        (lambda: cycle_dates.review_due_problem(date(2026, 12, 7), latest=date(2026, 12, 7), weeks=12), True),
        (
            lambda: cycle_dates.review_due_problem(date(2026, 12, 8), latest=date(2026, 12, 7), weeks=12),
            False,
        ),
        (lambda: cycle_dates.start_problem(date(2026, 12, 4), last_reviewed_on=date(2026, 12, 4)), True),
        (lambda: cycle_dates.start_problem(date(2026, 12, 3), last_reviewed_on=date(2026, 12, 4)), False),
        (lambda: cycle_dates.start_problem(date(2026, 12, 3), last_reviewed_on=None), True),
    ],
)
def test_cycle_date_boundaries(check, ok):
    assert (check() is None) is ok
