"""The EHC plan review demo (send/demo_reviews.py), run on plans made here as the plans demo would."""

from datetime import date

import pytest
import time_machine

from send import demo_reviews
from send.deadlines_reviews import review_deadlines
from send.models import AnnualReview
from send.selectors_reviews import plan_reviews
from tests import factories as f
from tests.send.ehcp_factories import LocalAuthorityFactory, ehc_plan

TODAY = date(2026, 12, 2)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-12-02 09:00", tick=False):
        yield


def test_the_demo_gives_an_overdue_plan_one_due_next_month_and_a_phase_transfer(school, sendco, headteacher):
    la = LocalAuthorityFactory(trust=school.trust, name="Westbrook Council")
    plans = {}
    for name, year, issued in (
        ("y3", 3, date(2023, 5, 1)),
        ("y4", 4, date(2024, 2, 1)),
        ("y6", 6, date(2022, 3, 1)),
        ("y2", 2, date(2026, 6, 1)),
    ):
        cls = f.RegistrationClassFactory(school=school, name=name, year_group=year)
        pupil = f.PupilFactory(
            school=school, registration_class=cls, year_group=year, date_of_birth=date(2026 - year - 5, 1, 10)
        )
        plans[name] = ehc_plan(pupil=pupil, created_by=sendco, issue_date=issued, local_authority=la)
    demo_reviews.build(school=school, sendco=sendco, today=TODAY)
    rows = {r.plan.pk: r for r in plan_reviews(school, today=TODAY)}
    overdue = [r for r in rows.values() if r.is_overdue(TODAY)]
    assert [r.plan for r in overdue] == [plans["y3"]]
    assert 11 <= (TODAY - overdue[0].last_review_on).days / 30.4 <= 13
    next_month = rows[plans["y4"].pk]
    assert date(2026, 12, 20) <= next_month.due.due <= date(2027, 1, 31)
    phase = rows[plans["y6"].pk]
    assert phase.due.kind == "phase_transfer" and phase.due.due == date(2027, 2, 15)
    assert phase.open_review.kind == "phase_transfer" and phase.open_review.status == "planned"
    # Every plan has a history of held reviews (the newest plan only since it was issued).
    for name in ("y3", "y4", "y6"):
        assert AnnualReview.objects.filter(plan=plans[name], status__in=["closed", "amended"]).exists()
        assert all(
            r.meeting_date > plans[name].issue_date for r in AnnualReview.objects.filter(plan=plans[name])
        )
    assert all(r.history.exists() for r in AnnualReview.objects.all())
    kinds = {(d.kind, d.pupil_id) for d in review_deadlines(school, today=TODAY, until=date(2027, 1, 31))}
    assert ("ehcp.review.due", plans["y3"].pupil_id) in kinds
    assert ("ehcp.review.invitations", plans["y6"].pupil_id) in kinds


def test_the_demo_does_nothing_without_plans(school, sendco):
    demo_reviews.build(school=school, sendco=sendco, today=TODAY)
    assert not AnnualReview.objects.exists()


def test_each_held_demo_review_records_progress_towards_its_plans_outcomes(
    login, school, sendco, headteacher
):
    la = LocalAuthorityFactory(trust=school.trust, name="Westbrook Council")
    cls = f.RegistrationClassFactory(school=school, name="y3", year_group=3)
    pupil = f.PupilFactory(
        school=school, registration_class=cls, year_group=3, date_of_birth=date(2018, 1, 10)
    )
    plan = ehc_plan(
        pupil=pupil,
        created_by=sendco,
        issue_date=date(2023, 5, 1),
        local_authority=la,
        outcomes="1. Reads a short text on her own\n2. Asks an adult for help when stuck",
    )
    demo_reviews.build(school=school, sendco=sendco, today=TODAY)
    held = (
        AnnualReview.objects.filter(plan=plan, status__in=["closed", "amended"])
        .order_by("meeting_date")
        .last()
    )
    assert [row["outcome"] for row in held.outcome_progress] == [
        "Reads a short text on her own",
        "Asks an adult for help when stuck",
    ]
    html = login(sendco).get(f"/send/ehc-reviews/{held.pk}/").content.decode()
    assert "<strong>Asks an adult for help when stuck</strong>: Making steady progress" in html
    assert "The plan lists no outcomes" not in html


def test_a_meeting_recorded_without_progress_on_a_plan_with_outcomes_says_not_recorded(
    login, school, sendco, headteacher
):
    """Not "The plan lists no outcomes" when the plan does list them."""
    cls = f.RegistrationClassFactory(school=school, name="y4", year_group=4)
    pupil = f.PupilFactory(
        school=school, registration_class=cls, year_group=4, date_of_birth=date(2017, 1, 10)
    )
    plan = ehc_plan(pupil=pupil, created_by=sendco, issue_date=date(2024, 2, 1), outcomes="To read fluently")
    demo_reviews.build(school=school, sendco=sendco, today=TODAY)
    held = AnnualReview.objects.filter(plan=plan, status__in=["closed", "amended"]).last()
    AnnualReview.objects.filter(pk=held.pk).update(outcome_progress=[])
    html = login(sendco).get(f"/send/ehc-reviews/{held.pk}/").content.decode()
    assert "<dt>Progress towards the outcomes</dt><dd>Not recorded.</dd>" in html
    plan.outcomes = ""
    plan.save(update_fields=["outcomes"])
    html = login(sendco).get(f"/send/ehc-reviews/{held.pk}/").content.decode()
    assert "The plan lists no outcomes." in html
