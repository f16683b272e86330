"""Section F delivery check: vague wording flagged, specified against delivered minutes a week, and the
school-wide overview in a fixed number of queries whatever the number of plans."""

import re
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from school.models import AuditEntry
from send import section_f, selectors_plans, services
from send.models import EhcPlan, PlanProvisionLine
from tests import factories as f
from tests.send.ehcp_factories import LocalAuthorityFactory, ehc_plan

NOW = "2026-12-01 10:00"


# --- the rules, without the database --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "sessions", "minutes", "flags"),
    [
        ("1:1 phonics with a trained TA", 5, 20, []),
        ("Access to a quiet space", 5, 20, ["access to"]),
        ("ACCESS TO a quiet space", 5, 20, ["access to"]),
        ("Regular check-ins", 5, 10, ["regular"]),
        ("Regularly checked", 5, 10, ["regularly"]),
        ("Irregular verbs practice", 3, 20, []),  # a word containing "regular" is not flagged
        ("Support as appropriate", 2, 30, ["as appropriate"]),
        ("Movement breaks as required", 5, 5, ["as required"]),
        ("Opportunities to work in a small group", 3, 30, ["opportunities to"]),
        ("Up to 3 sessions of speech therapy", 3, 30, ["up to"]),
        ("May benefit from a visual timetable", 5, 5, ["may"]),
        ("A dismayed pupil is reassured", 5, 5, []),  # "may" only as a word
        ("Speech therapy", None, 30, [section_f.NO_FREQUENCY]),
        ("Speech therapy", 3, None, [section_f.NO_DURATION]),
        ("Speech therapy", 0, 0, [section_f.NO_FREQUENCY, section_f.NO_DURATION]),
        ("Regular access to regular support", 1, 1, ["regular", "access to"]),
        ("", None, None, [section_f.NO_FREQUENCY, section_f.NO_DURATION]),
    ],
)
def test_vague_wording_is_flagged(text, sessions, minutes, flags):
    assert section_f.unquantified_phrases(text, sessions, minutes) == flags


@pytest.mark.parametrize(
    ("sessions", "minutes", "delivered", "specified", "shortfall", "status"),
    [
        (5, 30, 150, 150, 0, section_f.MET),  # exactly delivered
        (5, 30, 149, 150, 1, section_f.SHORT),  # one minute short
        (5, 30, 200, 150, 0, section_f.MET),  # more than the plan: not negative
        (5, 30, 0, 150, 150, section_f.SHORT),  # nothing linked or no place
        (1, 1, 0, 1, 1, section_f.SHORT),
        (None, 30, 90, None, None, section_f.UNQUANTIFIED),  # cannot be checked
        (3, None, 0, None, None, section_f.UNQUANTIFIED),
    ],
)
def test_shortfall_per_line(sessions, minutes, delivered, specified, shortfall, status):
    line = section_f.check_line(
        description="Small-group speech work",
        sessions_per_week=sessions,
        minutes_per_session=minutes,
        delivered=delivered,
    )
    assert (line.specified, line.delivered, line.shortfall, line.status) == (
        specified,
        delivered,
        shortfall,
        status,
    )


def test_a_quantified_but_vague_line_that_is_short_counts_as_short():
    line = section_f.check_line(
        description="Access to 1:1 reading", sessions_per_week=5, minutes_per_session=20, delivered=60
    )
    assert (line.status, line.shortfall, line.problems) == (section_f.SHORT, 40, ("access to",))


def test_short_lines_sort_first_largest_shortfall_first():
    checks = [
        section_f.check_line(description="a", sessions_per_week=1, minutes_per_session=10, delivered=10),
        section_f.check_line(
            description="Access to b", sessions_per_week=None, minutes_per_session=None, delivered=0
        ),
        section_f.check_line(description="c", sessions_per_week=1, minutes_per_session=10, delivered=0),
        section_f.check_line(description="d", sessions_per_week=5, minutes_per_session=60, delivered=0),
    ]
    ordered = sorted(checks, key=lambda c: c.sort_key)
    assert [(c.status, c.shortfall) for c in ordered] == [
        ("short", 300),
        ("short", 10),
        ("unquantified", None),
        ("met", 0),
    ]


# --- with the database ----------------------------------------------------------------------------------
def _line(plan, user, *interventions, **fields):
    line = PlanProvisionLine.objects.create(
        plan=plan, created_by=user, created_at="2026-11-01T09:00Z", **fields
    )
    line.interventions.set(interventions)
    return line


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_delivered_minutes_come_from_the_pupils_current_places(sendco, pupil, school):
    plan = ehc_plan(pupil=pupil, created_by=sendco)
    reading = f.InterventionFactory(school=school, sessions_per_week=3, minutes_per_session=30)
    phonics = f.InterventionFactory(school=school, sessions_per_week=2, minutes_per_session=15)
    unused = f.InterventionFactory(school=school, sessions_per_week=5, minutes_per_session=60)
    f.ProvisionEnrolmentFactory(pupil=pupil, intervention=reading, start_date=date(2026, 9, 7))
    f.ProvisionEnrolmentFactory(pupil=pupil, intervention=phonics, start_date=date(2026, 9, 7))
    # Not counted: a place that ended, one not started yet, a withdrawn one, another pupil's place.
    f.ProvisionEnrolmentFactory(
        pupil=pupil, intervention=unused, start_date=date(2026, 9, 7), end_date=date(2026, 11, 30)
    )
    f.ProvisionEnrolmentFactory(pupil=pupil, intervention=unused, start_date=date(2026, 12, 2))
    f.ProvisionEnrolmentFactory(
        pupil=pupil,
        intervention=unused,
        start_date=date(2026, 9, 7),
        withdrawn_at="2026-10-01T09:00Z",
        withdrawn_by=sendco,
        withdrawal_reason="Wrong pupil",
    )
    f.ProvisionEnrolmentFactory(
        pupil=f.PupilFactory(school=school), intervention=unused, start_date=date(2026, 9, 7)
    )
    literacy = _line(
        plan, sendco, reading, phonics, description="Literacy", sessions_per_week=5, minutes_per_session=30
    )
    extra = _line(plan, sendco, unused, description="Extra", sessions_per_week=1, minutes_per_session=60)
    vague = _line(plan, sendco, description="Access to regular support as appropriate")

    lines = {
        x.pk: x
        for x in selectors_plans.lines_with_delivery(EhcPlan.objects.filter(pk=plan.pk), on=date(2026, 12, 1))
    }

    assert (
        lines[literacy.pk].delivery.specified,
        lines[literacy.pk].delivered,
        lines[literacy.pk].delivery.shortfall,
    ) == (150, 120, 30)
    assert (lines[extra.pk].delivered, lines[extra.pk].delivery.shortfall) == (0, 60)
    assert lines[vague.pk].delivery.problems[:3] == ("access to", "regular", "as appropriate")
    assert lines[vague.pk].delivery.status == section_f.UNQUANTIFIED
    # The day a place ends still counts it.
    on_end = selectors_plans.lines_with_delivery(EhcPlan.objects.filter(pk=plan.pk), on=date(2026, 11, 30))
    assert next(x for x in on_end if x.pk == extra.pk).delivered == 300


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_plan_page_shows_the_shortfall_and_the_vague_line(login, sendco, pupil, school):
    plan = ehc_plan(pupil=pupil, created_by=sendco)
    reading = f.InterventionFactory(
        school=school, name="Reading group", sessions_per_week=3, minutes_per_session=30
    )
    f.ProvisionEnrolmentFactory(pupil=pupil, intervention=reading)
    _line(plan, sendco, reading, description="Reading", sessions_per_week=5, minutes_per_session=30)
    _line(plan, sendco, description="Access to regular support")

    page = re.sub(
        r"\s+", " ", login(sendco).get(reverse("send:ehc_plan_detail", args=[plan.pk])).content.decode()
    )

    assert "Short by 60 min a week" in page
    assert "1 line of Section F is not fully delivered: " in page
    assert 'Vague wording: <q class="fw-semibold">access to</q>, <q class="fw-semibold">regular</q>' in page
    assert "Missing: no frequency (sessions a week); no duration (minutes a session)" in page


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_lines_are_added_and_edited_through_the_pages_with_audit(login, sendco, pupil, school):
    plan = ehc_plan(pupil=pupil, created_by=sendco)
    reading = f.InterventionFactory(school=school, sessions_per_week=3, minutes_per_session=30)
    client = login(sendco)
    client.post(
        reverse("send:plan_line_create", args=[plan.pk]),
        {
            "description": "Reading",
            "sessions_per_week": 5,
            "minutes_per_session": 30,
            "interventions": [reading.pk],
        },
    )
    line = PlanProvisionLine.objects.get()
    assert list(line.interventions.all()) == [reading]
    client.post(
        reverse("send:plan_line_edit", args=[line.pk]),
        {"description": "Reading", "sessions_per_week": 3, "minutes_per_session": 30},
    )
    line.refresh_from_db()
    assert line.sessions_per_week == 3 and not line.interventions.exists()
    changed = AuditEntry.objects.get(action="send.plan_line.changed")
    assert changed.changed_fields()  # before and after are both recorded
    assert AuditEntry.objects.filter(action="send.plan_line.added").count() == 1


@pytest.mark.django_db
def test_another_schools_intervention_cannot_be_linked(sendco, pupil, other_school):
    plan = ehc_plan(pupil=pupil, created_by=sendco)
    theirs = f.InterventionFactory(school=other_school)
    with pytest.raises(Exception, match="school's own interventions"):
        services.plan_line_save(actor=sendco, plan=plan, interventions=[theirs], description="x")


def _plans(school, sendco, count):
    la = LocalAuthorityFactory(trust=school.trust)
    reading = f.InterventionFactory(school=school, sessions_per_week=3, minutes_per_session=30)
    for i in range(count):
        pupil = f.PupilFactory(school=school)
        plan = ehc_plan(pupil=pupil, created_by=sendco, local_authority=la, issue_date=date(2025, 1, 1 + i))
        f.ProvisionEnrolmentFactory(pupil=pupil, intervention=reading)
        _line(
            plan, sendco, reading, description="Reading", sessions_per_week=3 + i % 2, minutes_per_session=30
        )
        _line(plan, sendco, description="Access to regular support")


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("count", [3, 12])
def test_the_overview_takes_the_same_queries_for_3_and_12_plans(
    login, sendco, school, count, django_assert_max_num_queries
):
    _plans(school, sendco, count)
    client = login(sendco)
    client.get(reverse("send:section_f_overview"))  # warm the session and role caches
    # session, user, roles, school; the counts (plans, lines), the page's keys and its total, its lines,
    # their interventions and first lines, the plans without lines
    # +1: the menu asks once a request whether the user has a class (policy.has_own_class)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("send:section_f_overview"))
    assert response.context["data"]["plans"] == count


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_overview_lists_short_lines_first_and_plans_without_lines(login, sendco, school):
    _plans(school, sendco, 4)  # the 2nd and 4th ask for 4 sessions and get 3: short by 30
    bare = ehc_plan(pupil=f.PupilFactory(school=school), created_by=sendco)
    ceased = ehc_plan(
        pupil=f.PupilFactory(school=school), created_by=sendco, ceased_on=date(2026, 6, 1), ceased_reason="x"
    )
    _line(ceased, sendco, description="Speech", sessions_per_week=5, minutes_per_session=30)

    response = login(sendco).get(reverse("send:section_f_overview"))

    data = response.context["data"]
    assert (
        data["plans"],
        data["short_lines"],
        data["short_pupils"],
        data["unquantified_lines"],
        data["plans_without_lines"],
    ) == (5, 2, 2, 4, 1)
    statuses = [r.line.delivery.status if r.line else "none" for r in data["rows"]]
    assert statuses[:2] == ["short", "short"] and statuses[-2:] == ["met", "met"]
    assert sorted(statuses[2:7]) == ["none", *["unquantified"] * 4]
    assert bare.pk in [r.plan.pk for r in data["rows"] if r.line is None]
    assert ceased.pk not in [r.plan.pk for r in data["rows"]]


@pytest.mark.django_db
def test_the_overview_is_paginated(login, sendco, school, monkeypatch):
    from send.views import ehc_plans as views

    monkeypatch.setattr(views, "OVERVIEW_ROWS_PER_PAGE", 4)
    with time_machine.travel(NOW, tick=False):
        _plans(school, sendco, 3)  # six lines
        client = login(sendco)
        first = client.get(reverse("send:section_f_overview"))
        second = client.get(reverse("send:section_f_overview") + "?page=2")
    assert len(first.context["rows"].object_list) == 4 and len(second.context["rows"].object_list) == 2


def test_vague_phrases_and_missing_quantities_are_told_apart():
    line = section_f.check_line(
        description="Access to speech work", sessions_per_week=None, minutes_per_session=20, delivered=0
    )
    assert (line.vague, line.missing) == (("access to",), (section_f.NO_FREQUENCY,))


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("count", [1, 6])
def test_the_plan_page_takes_the_same_queries_for_1_and_6_lines(
    login, sendco, pupil, school, count, django_assert_max_num_queries
):
    plan = ehc_plan(pupil=pupil, created_by=sendco)
    reading = f.InterventionFactory(school=school)
    f.ProvisionEnrolmentFactory(pupil=pupil, intervention=reading)
    for i in range(count):
        _line(plan, sendco, reading, description=f"Line {i}", sessions_per_week=3, minutes_per_session=30)
    client = login(sendco)
    url = reverse("send:ehc_plan_detail", args=[plan.pk])
    client.get(url)
    # The same for 1 and 6 lines; the plan's review card (send.selectors_reviews) adds a fixed few.
    # +1: the menu asks once a request whether the user has a class (policy.has_own_class)
    with django_assert_max_num_queries(17):
        response = client.get(url)
    assert len(response.context["lines"]) == count


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_an_intervention_linked_to_two_lines_of_one_plan_counts_once_against_the_first(
    login, sendco, pupil, school
):
    plan = ehc_plan(pupil=pupil, created_by=sendco)
    reading = f.InterventionFactory(school=school, sessions_per_week=3, minutes_per_session=30)
    f.ProvisionEnrolmentFactory(pupil=pupil, intervention=reading, start_date=date(2026, 9, 7))
    first = _line(plan, sendco, reading, description="Reading", sessions_per_week=3, minutes_per_session=30)
    second = _line(plan, sendco, reading, description="Literacy", sessions_per_week=2, minutes_per_session=30)

    lines = {
        x.pk: x
        for x in selectors_plans.lines_with_delivery(EhcPlan.objects.filter(pk=plan.pk), on=date(2026, 12, 1))
    }

    assert (lines[first.pk].delivered, lines[first.pk].delivery.status) == (90, section_f.MET)
    assert (lines[second.pk].delivered, lines[second.pk].delivery.shortfall) == (0, 60)
    assert lines[second.pk].counted_elsewhere == {reading.pk} and lines[first.pk].counted_elsewhere == set()
    page = login(sendco).get(reverse("send:ehc_plan_detail", args=[plan.pk])).content.decode()
    assert (
        page.count('data-testid="counted-elsewhere"') == 1
        and "counts once, against the line added first" in page
    )
    # Withdraw the first line: the second now gets the sessions.
    PlanProvisionLine.objects.filter(pk=first.pk).update(
        withdrawn_at="2026-11-30T09:00Z", withdrawn_by=sendco, withdrawal_reason="Entered twice"
    )
    again = selectors_plans.lines_with_delivery(EhcPlan.objects.filter(pk=plan.pk), on=date(2026, 12, 1))
    assert [(x.pk, x.delivered, x.counted_elsewhere) for x in again] == [(second.pk, 90, set())]


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_another_plans_line_does_not_take_the_sessions(sendco, school):
    reading = f.InterventionFactory(school=school, sessions_per_week=3, minutes_per_session=30)
    plans = []
    for _ in range(2):
        p = f.PupilFactory(school=school)
        f.ProvisionEnrolmentFactory(pupil=p, intervention=reading, start_date=date(2026, 9, 7))
        plan = ehc_plan(pupil=p, created_by=sendco)
        _line(plan, sendco, reading, description="Reading", sessions_per_week=3, minutes_per_session=30)
        plans.append(plan)
    lines = selectors_plans.lines_with_delivery(
        EhcPlan.objects.filter(pk__in=[p.pk for p in plans]), on=date(2026, 12, 1)
    )
    assert [x.delivered for x in lines] == [90, 90]


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_overview_judges_as_the_rule_does_and_builds_only_the_page(login, sendco, school, monkeypatch):
    from send.views import ehc_plans as views

    _plans(school, sendco, 4)
    odd = ehc_plan(pupil=f.PupilFactory(school=school), created_by=sendco)
    # Words that contain a vague phrase but are not one: not flagged.
    _line(
        odd,
        sendco,
        description="Irregular verbs and dismay at maps",
        sessions_per_week=1,
        minutes_per_session=10,
    )
    _line(odd, sendco, description="Regularly checked", sessions_per_week=1, minutes_per_session=10)
    ehc_plan(pupil=f.PupilFactory(school=school), created_by=sendco)  # no lines
    overview = selectors_plans.section_f_overview(school=school, on=date(2026, 12, 1))
    rows = list(overview["rows"])
    expected = sorted(
        rows,
        key=lambda r: (
            (section_f.STATUS_ORDER[section_f.UNQUANTIFIED], 0, r.plan.pupil.legal_last_name)
            if r.line is None
            else (*r.line.delivery.sort_key, r.plan.pupil.legal_last_name)
        ),
    )
    assert [(r.plan.pk, r.line and r.line.pk) for r in rows] == [
        (r.plan.pk, r.line and r.line.pk) for r in expected
    ]
    by_text = {r.line.description: r.line.delivery.vague for r in rows if r.line}
    assert by_text["Irregular verbs and dismay at maps"] == ()
    assert by_text["Regularly checked"] == ("regularly",)
    assert overview["unquantified_lines"] == sum(1 for r in rows if r.line and r.line.delivery.problems)
    assert overview["plans_without_lines"] == 1 and len(overview["rows"]) == len(rows) == 11

    monkeypatch.setattr(views, "OVERVIEW_ROWS_PER_PAGE", 3)
    built = []
    real = selectors_plans.lines_with_delivery
    monkeypatch.setattr(
        selectors_plans,
        "lines_with_delivery",
        lambda *a, **k: built.extend(real(*a, **k)) or built[-len(k.get("only") or []) :],
    )
    page = login(sendco).get(reverse("send:section_f_overview") + "?page=2")
    shown = page.context["rows"].object_list
    assert len(shown) == 3 and len(built) == sum(1 for r in shown if r.line)  # not the school's 10 lines
