"""The census export warns where the CSV is downloaded: the pupils on K or E with no need recorded are
named, with links to record it, and the CSV can still be downloaded (it stays as the census wants it)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f

pytestmark = pytest.mark.django_db


def _record(school, first, *, status="sen_support", need="", **pupil):
    return f.SendRecordFactory(
        pupil=f.PupilFactory(school=school, legal_first_name=first, legal_last_name="Census", **pupil),
        status=status,
        primary_need=need,
    )


def test_the_dashboard_export_leads_to_a_page_naming_the_pupils_with_no_need(login, sendco, school):
    k = _record(school, "Kit")
    e = _record(school, "Esme", status="ehc_plan")
    _record(school, "Noor", need="SLCN")
    _record(school, "Mo", status="monitoring")  # not on the register: the census does not need a need
    _record(school, "Lee", leaving_date=date(2026, 10, 1))  # left: not in the census
    client = login(sendco)
    dashboard = client.get("/send/").content.decode()
    assert 'href="/send/register/census/"' in dashboard
    page = client.get("/send/register/census/").content.decode()
    assert "2 pupils on SEN support or with an EHC plan have no need recorded" in page
    for record in (k, e):
        assert f'href="/send/pupils/{record.pupil.pk}/needs/">{record.pupil}' in page
    for name in ("Noor", "Mo", "Lee"):
        assert f"{name} Census" not in page
    assert 'href="/send/register.csv" data-testid="census-download">Download the census CSV anyway' in page
    # The CSV itself stays clean: only the census columns, the missing need left empty.
    lines = client.get("/send/register.csv").content.decode().splitlines()
    assert lines[0] == "UPN,SEN provision,Primary need,Secondary need"
    assert f"{k.pupil.upn},K,," in lines and f"{e.pupil.upn},E,," in lines and len(lines) == 4


def test_with_every_need_recorded_the_page_just_offers_the_download(login, sendco, school):
    _record(school, "Noor", need="SLCN")
    page = login(sendco).get("/send/register/census/").content.decode()
    assert 'data-testid="needs-missing"' not in page
    assert "Every pupil on SEN support or with an EHC plan has a need recorded." in page
    assert 'href="/send/register.csv" data-testid="census-download">Download the census CSV</a>' in page


def test_the_page_costs_the_same_queries_however_many_pupils_are_named(login, sendco, school):
    client = login(sendco)
    _record(school, "One")
    client.get("/send/register/census/")
    with CaptureQueriesContext(connection) as few:
        client.get("/send/register/census/")
    for i in range(5):
        _record(school, f"More{i}")
    with CaptureQueriesContext(connection) as many:
        page = client.get("/send/register/census/").content.decode()
    assert "6 pupils on SEN support" in page
    assert len(many.captured_queries) == len(few.captured_queries)


def test_others_cannot_see_the_census_page(login, class_teacher):
    assert login(class_teacher).get("/send/register/census/").status_code == 403
