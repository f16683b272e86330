"""The SEND charts page (issue 15): needs by broad area, spend by wave and area, targets achieved per
term and impact per intervention, each a picture with its figures in a table; queries constant in pupils."""

import base64
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from school.calendar import SchoolCalendar
from send import selectors_charts
from tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)


def _world(school, own_class, sendco, n=2):
    from send.models import Intervention

    reading = Intervention.objects.filter(school=school, name="Reading catch-up").first()
    reading = reading or f.InterventionFactory(
        school=school, name="Reading catch-up", wave=2, area_of_need="cognition"
    )
    talk = Intervention.objects.filter(school=school, name="Talk group").first()
    talk = talk or f.InterventionFactory(
        school=school, name="Talk group", wave=3, area_of_need="communication"
    )
    for i in range(n):
        pupil = f.PupilFactory(school=school, registration_class=own_class)
        f.SendRecordFactory(pupil=pupil, primary_need="SLCN" if i % 2 else "MLD")
        f.ProvisionEnrolmentFactory(
            pupil=pupil, intervention=reading, start_date=date(2026, 11, 2), entry_measure=80, exit_measure=86
        )
        f.ProvisionEnrolmentFactory(pupil=pupil, intervention=talk, start_date=date(2026, 9, 7))
        cycle = f.SupportCycleFactory(pupil=pupil, created_by=sendco, reviewed_on=date(2026, 11, 13))
        f.TargetFactory(cycle=cycle, outcome="achieved")
        f.TargetFactory(cycle=cycle, outcome="not_achieved")
        for day in (date(2026, 10, 19), date(2026, 11, 9)):
            f.RegisterMarkFactory(pupil=pupil, date=day, session="AM", code="/")
            f.RegisterMarkFactory(pupil=pupil, date=day, session="PM", code="I" if day.month == 10 else "/")


def test_term_reading():
    assert [selectors_charts.term_of(m) for m in (8, 9, 12, 1, 3, 4)] == [3, 1, 1, 2, 2, 3]


@time_machine.travel(TODAY, tick=False)
def test_the_four_charts_and_their_tables(school, own_class, sendco):
    _world(school, own_class, sendco)
    calendar = SchoolCalendar.for_school(school)
    needs = {n["label"]: n["count"] for n in selectors_charts.needs_by_area(school=school)}
    assert needs["Communication and interaction"] == 1 and needs["Cognition and learning"] == 1
    spend = selectors_charts.spend_by_wave_and_area(school=school, today=TODAY, calendar=calendar)
    assert spend["waves"] == [2, 3]
    assert [a["code"] for a in spend["areas"]] == ["communication", "cognition"]
    wave2 = spend["rows"][0]["values"]
    assert wave2[0] == 0 and wave2[1] > 0  # reading catch-up is wave 2, cognition
    (autumn,) = selectors_charts.targets_achieved_by_term(school=school)
    assert autumn == {"label": "Autumn 2026/27", "total": 4, "achieved": 2, "pct": 50.0}
    impact = {
        r["intervention"].name: r
        for r in selectors_charts.intervention_impact(school=school, today=TODAY, calendar=calendar)
    }
    reading = impact["Reading catch-up"]
    assert reading["places"] == 2 and reading["measured"] == 2
    assert reading["entry"] == Decimal(80) and reading["exit"] == Decimal(86)
    assert reading["before_pct"] == 50.0 and reading["after_pct"] == 100.0


@time_machine.travel(TODAY, tick=False)
def test_page_draws_svg_images_with_tables_and_constant_queries(login, school, own_class, sendco):
    client = login(sendco)
    _world(school, own_class, sendco, n=2)
    url = reverse("send:charts")
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        return len(ctx), response.content.decode()

    first, html = count()
    assert html.count('src="data:image/svg+xml;base64,') == 4
    svg = base64.b64decode(html.split('src="data:image/svg+xml;base64,')[1].split('"')[0]).decode()
    assert svg.lstrip().startswith("<?xml") and "<script" not in svg
    for table in ("needs-table", "spend-table", "terms-table", "impact-table"):
        assert f'data-testid="{table}"' in html
    assert "Autumn 2026/27" in html and "50.0%" in html
    _world(school, own_class, sendco, n=6)  # more pupils, same start dates: same queries
    assert count()[0] == first


def test_dashboard_links_to_the_charts(login, sendco):
    assert reverse("send:charts") in login(sendco).get(reverse("send:dashboard")).content.decode()
