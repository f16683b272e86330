"""Provision map: costs (pure, with boundaries), per-pupil totals over the notional budget, impact, and
attendance before and after an intervention from the statistics engine."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from school.calendar import SchoolCalendar
from school.models import AuditEntry
from send import provision_costs as pc
from send import selectors, services
from send.models import ProvisionEnrolment, SendSettings
from tests import factories as f


@pytest.mark.parametrize(
    ("cost", "basis", "minutes", "group", "expected"),
    [
        ("18.00", "per_hour", 60, 1, "18"),
        ("18.00", "per_hour", 45, 1, "13.5"),
        ("18.00", "per_hour", 30, 4, "2.25"),
        ("40.00", "per_session", 90, 1, "40"),
        ("40.00", "per_session", 90, 3, str(Decimal(40) / 3)),
    ],
)
def test_pupil_share_per_session(cost, basis, minutes, group, expected):
    share = pc.pupil_share_per_session(cost=Decimal(cost), basis=basis, minutes=minutes, group_size=group)
    assert share == Decimal(expected)


def test_costs_round_to_the_penny_only_at_the_end():
    third = pc.pupil_share_per_session(cost=Decimal("40"), basis="per_session", minutes=60, group_size=3)
    assert pc.cost_over_weeks(share_per_session=third, sessions_per_week=1, weeks=1) == Decimal("13.33")
    assert pc.cost_over_weeks(share_per_session=third, sessions_per_week=3, weeks=1) == Decimal("40.00")
    assert pc.cost_over_weeks(share_per_session=third, sessions_per_week=3, weeks=0) == Decimal("0.00")


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError):
        pc.pupil_share_per_session(cost=Decimal(1), basis="per_hour", minutes=30, group_size=0)
    with pytest.raises(ValueError):
        pc.session_cost(cost=Decimal(1), basis="per_week", minutes=30)


@pytest.mark.parametrize(("projected", "over"), [("5999.99", False), ("6000.00", False), ("6000.01", True)])
def test_threshold_boundary(projected, over):
    assert pc.over_threshold(Decimal(projected), pc.DEFAULT_NOTIONAL_THRESHOLD) is over


def test_clip_period():
    window = {"window_start": date(2026, 9, 1), "window_end": date(2027, 8, 31)}
    assert pc.clip_period(date(2026, 6, 1), None, **window) == (date(2026, 9, 1), date(2027, 8, 31))
    assert pc.clip_period(date(2026, 6, 1), date(2026, 7, 1), **window) is None
    assert pc.clip_period(date(2026, 10, 1), date(2026, 10, 1), **window) == (
        date(2026, 10, 1),
        date(2026, 10, 1),
    )


def test_impact():
    assert pc.impact(Decimal("84"), Decimal("90")) == Decimal("6")
    assert pc.impact(Decimal("84"), Decimal("80")) == Decimal("-4")
    assert pc.impact(None, Decimal("80")) is None


def test_provision_map_costs_to_date_projected_and_threshold(school, own_class):
    pupil = f.PupilFactory(school=school, registration_class=own_class)
    cheap = f.InterventionFactory(school=school, name="Phonics group")  # £2.25 a session each, 3 a week
    costly = f.InterventionFactory(
        school=school,
        name="1:1 TA support",
        delivery="one_to_one",
        group_size=1,
        sessions_per_week=5,
        minutes_per_session=300,
        cost="18.00",
    )  # £90 a session
    f.ProvisionEnrolmentFactory(
        pupil=pupil, intervention=cheap, start_date=date(2026, 11, 2), end_date=date(2026, 11, 13)
    )
    f.ProvisionEnrolmentFactory(pupil=pupil, intervention=costly, start_date=date(2026, 9, 2))
    calendar = SchoolCalendar.for_school(school)
    data = selectors.provision_map(school=school, today=date(2026, 11, 20), calendar=calendar)
    by_name = {row.intervention.name: row.costs for row in data["rows"]}
    # Phonics: 2 school weeks (2-13 Nov) x 3 sessions x £2.25.
    assert by_name["Phonics group"]["to_date"] == Decimal("13.50")
    assert by_name["Phonics group"]["projected"] == Decimal("13.50")
    # 1:1 support: school weeks from 2 Sep to 20 Nov (half-term week skipped) x 5 x £90.
    weeks_so_far = len(calendar.school_weeks_between(date(2026, 9, 2), date(2026, 11, 20)))
    weeks_in_year = len(calendar.school_weeks_between(date(2026, 9, 2), date(2027, 8, 31)))
    assert weeks_so_far == 11
    assert by_name["1:1 TA support"]["to_date"] == Decimal(450 * weeks_so_far).quantize(Decimal("0.01"))
    assert by_name["1:1 TA support"]["projected"] == Decimal(450 * weeks_in_year).quantize(Decimal("0.01"))
    (totals,) = data["per_pupil"]
    assert totals["projected"] == Decimal("13.50") + 450 * weeks_in_year
    assert totals["over_threshold"] and data["over_threshold"] == [totals]
    # The threshold is the school's own setting.
    SendSettings.objects.create(school=school, notional_threshold=Decimal("50000"))
    assert not selectors.provision_map(school=school, today=date(2026, 11, 20))["over_threshold"]


def test_attendance_before_and_after(school, own_class):
    pupils = [f.PupilFactory(school=school, registration_class=own_class) for _ in range(3)]
    intervention = f.InterventionFactory(school=school)
    start = date(2026, 11, 2)
    enrolments = [
        f.ProvisionEnrolmentFactory(pupil=p, intervention=intervention, start_date=start) for p in pupils
    ]
    calendar = SchoolCalendar.for_school(school)
    # Before: pupil 0 absent every afternoon of the six school weeks before; after: present throughout.
    for day in calendar.school_days_between(date(2026, 9, 1), date(2026, 11, 20)):
        for session in ("AM", "PM"):
            for index, pupil in enumerate(pupils):
                code = "O" if (index == 0 and session == "PM" and day < start) else "/"
                f.RegisterMarkFactory(pupil=pupil, date=day, session=session, code=code)
    result = selectors.attendance_before_after(enrolments, calendar=calendar, today=date(2026, 11, 20))
    before, after = result[enrolments[0].pk]
    assert before.attendance_pct_1dp == Decimal("50.0") and after.attendance_pct_1dp == Decimal("100.0")
    window = calendar.last_school_weeks(6, ending=start - timedelta(days=1))
    assert before.possible == 2 * calendar.count_school_days_between(*window)
    assert result[enrolments[1].pk][0].attendance_pct_1dp == Decimal("100.0")


def test_attendance_before_after_is_set_based(school, own_class):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    intervention = f.InterventionFactory(school=school)
    calendar = SchoolCalendar.for_school(school)

    def queries_for(n):
        enrolments = [
            f.ProvisionEnrolmentFactory(
                pupil=f.PupilFactory(school=school, registration_class=own_class),
                intervention=intervention,
                start_date=date(2026, 11, 2),
            )
            for _ in range(n)
        ]
        with CaptureQueriesContext(connection) as captured:
            selectors.attendance_before_after(enrolments, calendar=calendar, today=date(2026, 11, 20))
        return len(captured)

    assert queries_for(2) == queries_for(12)  # one group of dates: the same queries for 2 or 12 pupils


@time_machine.travel("2026-11-20 10:00", tick=False)
def test_provision_map_page_and_enrolment_with_impact(
    login, sendco, school, pupil, django_assert_max_num_queries
):
    intervention = f.InterventionFactory(school=school, name="Reading catch-up")
    client = login(sendco)
    response = client.post(
        f"/send/pupils/{pupil.pk}/provision/new/",
        {
            "intervention": intervention.pk,
            "start_date": "2026-11-02",
            "measure_unit": "standardised score",
            "entry_measure": "82",
        },
    )
    assert response.status_code == 302
    enrolment = ProvisionEnrolment.objects.get(pupil=pupil)
    client.post(
        f"/send/enrolments/{enrolment.pk}/",
        {
            "intervention": intervention.pk,
            "start_date": "2026-11-02",
            "end_date": "2026-11-13",
            "measure_unit": "standardised score",
            "entry_measure": "82",
            "exit_measure": "89",
        },
    )
    enrolment.refresh_from_db()
    assert enrolment.impact == Decimal("7")
    changed = AuditEntry.objects.get(action="send.provision.changed")
    assert changed.before["exit_measure"] is None and Decimal(changed.after["exit_measure"]) == 89
    for _ in range(10):
        f.ProvisionEnrolmentFactory(
            pupil=f.PupilFactory(school=school), intervention=intervention, start_date=date(2026, 9, 7)
        )
    # 22: the funding awarded to the pupils (send/funding_prompt.py) and the sessions each place
    # attended (send/models_sessions.py) are one query each, for any number of pupils.
    # +1: the menu asks once a request whether the user has a class (policy.has_own_class)
    with django_assert_max_num_queries(23):
        page = client.get("/send/provision/").content.decode()
    assert "Reading catch-up" in page and "+7 standardised score" in page


def test_intervention_catalogue_and_funding(login, sendco, school, pupil):
    client = login(sendco)
    response = client.post(
        "/send/interventions/new/",
        {
            "name": "Lego therapy",
            "area_of_need": "communication",
            "wave": 2,
            "delivery": "one_to_one",
            "group_size": 3,
            "staff": "TA",
            "sessions_per_week": 2,
            "minutes_per_session": 30,
            "cost_basis": "per_hour",
            "cost": "18.00",
        },
    )
    assert response.status_code == 200 and "A 1:1 intervention has one place." in response.content.decode()
    response = client.post(
        f"/send/pupils/{pupil.pk}/funding/new/",
        {
            "kind": "inclusion_panel",
            "submitted_on": "2026-11-20",
            "amount_asked": "4500",
            "status": "awarded",
        },
    )
    assert response.status_code == 200 and "Enter the amount awarded." in response.content.decode()
    response = client.post(
        f"/send/pupils/{pupil.pk}/funding/new/",
        {
            "kind": "inclusion_panel",
            "submitted_on": "2026-11-20",
            "amount_asked": "4500",
            "status": "awarded",
            "amount_awarded": "3000",
            "review_date": "2027-11-20",
        },
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="send.funding.created", pupil=pupil).exists()
    assert selectors.settings_for(school=school).notional_threshold == Decimal("6000")


@time_machine.travel("2026-11-20 10:00", tick=False)
def test_provision_map_paginates_and_narrows_to_one_intervention(
    login, sendco, school, django_assert_max_num_queries
):
    reading = f.InterventionFactory(school=school, name="Reading catch-up")
    maths = f.InterventionFactory(school=school, name="Maths boost")
    for _ in range(55):
        f.ProvisionEnrolmentFactory(
            pupil=f.PupilFactory(school=school), intervention=reading, start_date=date(2026, 9, 7)
        )
    for _ in range(3):
        f.ProvisionEnrolmentFactory(
            pupil=f.PupilFactory(school=school), intervention=maths, start_date=date(2026, 10, 5)
        )
    client = login(sendco)

    # Sign-in and layout, the map, and two queries per start-date group and window: not per pupil.
    # +1: the menu asks once a request whether the user has a class (policy.has_own_class)
    with django_assert_max_num_queries(26):
        first = client.get("/send/provision/")
    second = client.get("/send/provision/", {"page": 2})
    assert len(first.context["rows"]) == 50 and len(second.context["rows"]) == 8
    first_page, second_page = first.content.decode(), second.content.decode()
    assert "Page 1 of 2" in first_page and "Page 2 of 2" in second_page
    # The totals cover all 58 enrolments, whichever page is shown.
    total = first.context["map"]["total_to_date"]
    assert total > 0 and second.context["map"]["total_to_date"] == total
    assert f"£{total:,.2f}" in first_page and f"£{total:,.2f}" in second_page

    # Cost per pupil has its own pages, and its links keep the provision table's page.
    assert len(first.context["pupil_costs"]) == 25
    assert "page=2&amp;pupils_page=2" in second_page
    third_costs = client.get("/send/provision/", {"page": 2, "pupils_page": 3})
    assert len(third_costs.context["pupil_costs"]) == 8 and len(third_costs.context["rows"]) == 8

    only_maths = client.get("/send/provision/", {"intervention": maths.pk})
    shown = {row.intervention_id for row in only_maths.context["rows"]}
    assert len(only_maths.context["rows"]) == 3 and shown == {maths.pk}
    assert only_maths.context["map"]["total_to_date"] == total  # narrowing the table keeps the totals
    assert "Only Maths boost" in only_maths.content.decode()


def test_overlapping_places_in_one_intervention_are_refused(sendco, pupil):
    intervention = f.InterventionFactory(school=pupil.school)
    first = services.enrolment_save(
        actor=sendco, pupil=pupil, intervention=intervention, start_date=date(2026, 9, 7)
    )
    with pytest.raises(ValidationError, match="already has a place in this intervention"):
        services.enrolment_save(
            actor=sendco, pupil=pupil, intervention=intervention, start_date=date(2026, 10, 5)
        )
    # After the first place ends, a new one can start; editing the first place is not an overlap.
    services.enrolment_save(actor=sendco, pupil=pupil, enrolment=first, end_date=date(2026, 10, 2))
    services.enrolment_save(
        actor=sendco, pupil=pupil, intervention=intervention, start_date=date(2026, 10, 5)
    )
    assert ProvisionEnrolment.objects.filter(pupil=pupil).count() == 2
