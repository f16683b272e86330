"""The "consider a funding application" prompt (issue 15): the projection against the notional SEN budget
plus funding already awarded, the same line in hours of TA support (seed 000: 9.5 hours a week for
£6,000), and costs shown only to the SENDCo and the headteacher (VIEW_SEND_COSTS)."""

from datetime import date
from decimal import Decimal as D

import pytest
import time_machine
from django.urls import reverse

from school import policy
from school.models import Role
from send import selectors
from send.funding_prompt import funding_prompt, hours_a_week
from send.models import FundingApplication
from tests import factories as f
from tests.send.ehcp_factories import ehc_plan

TODAY = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("projected", "awarded", "prompt"),
    [
        ("5999.99", [], False),
        ("6000.00", [], False),  # exactly at the line does not prompt
        ("6000.01", [], True),
        ("8000.00", ["2000.00"], False),  # at notional + award
        ("8000.01", ["2000.00"], True),
        ("8000.01", ["1000.00", "1000.00"], True),  # every award counts
        ("8000.00", ["1000.00", "1000.00"], False),
    ],
)
def test_prompt_boundaries(projected, awarded, prompt):
    result = funding_prompt(projected=D(projected), notional=D("6000"), awarded=[D(a) for a in awarded])
    assert result.prompt is prompt
    assert result.line == D("6000") + sum((D(a) for a in awarded), D("0"))
    assert result.above_by == max(D(projected) - result.line, D("0"))


@pytest.mark.parametrize(
    ("amount", "hours"),
    [
        ("6000", "9.50"),
        ("12000", "19.00"),
        ("0", "0.00"),
        ("3000", "4.75"),
        ("6316", "10.00"),
        ("6315", "10.00"),
    ],
)
def test_hours_at_the_seed_rate(amount, hours):
    assert hours_a_week(D(amount)) == D(hours)


def _costly_pupil(school, own_class, sendco):
    pupil = f.PupilFactory(school=school, registration_class=own_class)
    intervention = f.InterventionFactory(
        school=school,
        name="1:1 TA support",
        delivery="one_to_one",
        group_size=1,
        sessions_per_week=5,
        minutes_per_session=60,
        cost="40.00",
    )  # £40 a session, £200 a week: £8,000 over the year's 40 school weeks
    f.ProvisionEnrolmentFactory(pupil=pupil, intervention=intervention, start_date=date(2026, 9, 2))
    return pupil


def _award(pupil, sendco, amount, **extra):
    fields = {"submitted_on": date(2026, 10, 1), **extra}
    return FundingApplication.objects.create(
        school=pupil.school,
        pupil=pupil,
        kind="inclusion_panel",
        amount_asked=amount,
        status="awarded",
        amount_awarded=amount,
        created_by=sendco,
        **fields,
    )


@time_machine.travel(TODAY, tick=False)
def test_an_award_lifts_the_line_on_the_provision_map(school, own_class, sendco):
    pupil = _costly_pupil(school, own_class, sendco)
    (totals,) = selectors.provision_map(school=school, today=TODAY)["per_pupil"]
    projected = totals["projected"]
    assert projected > D("6000") and totals["over_threshold"]
    _award(pupil, sendco, projected - D("6000"))  # exactly enough
    (totals,) = selectors.provision_map(school=school, today=TODAY)["per_pupil"]
    assert not totals["over_threshold"] and totals["funding"].awarded == projected - D("6000")
    # A withdrawn award, one declined, or one applied for in an earlier year does not count.
    FundingApplication.objects.all().update(withdrawn_at="2026-11-01T09:00:00Z", withdrawn_by=sendco)
    _award(pupil, sendco, D("9000"), submitted_on=date(2026, 7, 1))
    (totals,) = selectors.provision_map(school=school, today=TODAY)["per_pupil"]
    assert totals["over_threshold"] and totals["funding"].awarded == 0


@time_machine.travel(TODAY, tick=False)
def test_sendco_sees_money_and_hours_teacher_sees_hours_only(
    client_for, school, own_class, sendco, class_teacher
):
    pupil = _costly_pupil(school, own_class, sendco)
    _award(pupil, sendco, D("1500"))
    url = reverse("send:pupil_send", args=[pupil.pk])
    html = client_for(sendco).get(url).content.decode()
    assert 'data-testid="over-threshold"' in html
    assert "plus £1,500 awarded: £7,500 a year, about 12 hours of TA support a week" in html
    assert "asked £1,500" in html
    assert "; awarded £1,500" in html  # the status reads on in the sentence, not "; Awarded"
    teacher = client_for(class_teacher).get(url).content.decode()
    assert "1:1 TA support" in teacher and 'data-testid="hours-total">5<' in teacher
    assert "£" not in teacher.split('id="h-provision"')[1].split('id="h-agencies"')[0]
    assert 'data-testid="over-threshold"' not in teacher


@time_machine.travel(TODAY, tick=False)
def test_teaching_assistant_does_not_see_plan_funding(client_for, pupil, sendco, teaching_assistant):
    plan = ehc_plan(pupil=pupil, created_by=sendco, annual_funding=D("8450.00"))
    url = reverse("send:ehc_plan_detail", args=[plan.pk])
    assert "8,450" in client_for(sendco).get(url).content.decode()
    assert "8,450" not in client_for(teaching_assistant).get(url).content.decode()


def test_costs_capability_is_the_sendco_and_the_heads():
    holders = {r for r, caps in policy.ROLE_CAPABILITIES.items() if policy.VIEW_SEND_COSTS in caps}
    assert holders == {Role.SENDCO, Role.HEADTEACHER}
