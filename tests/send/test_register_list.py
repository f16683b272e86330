"""The SEN register as a list: every pupil with a SEND status, filtered, sorted, as CSV and PDF."""

import csv
import io
import re
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from tests import factories as f

pytestmark = pytest.mark.usefixtures("_today")


@pytest.fixture
def _today():
    with time_machine.travel("2026-12-03 10:00", tick=False):
        yield


def _pupil(cls, first, last, *, status="sen_support", need="SLCN", **pupil_fields):
    pupil = f.PupilFactory(
        school=cls.school,
        registration_class=cls,
        legal_first_name=first,
        legal_last_name=last,
        **pupil_fields,
    )
    f.SendRecordFactory(pupil=pupil, status=status, primary_need=need)
    return pupil


@pytest.fixture
def register(school, own_class, other_class):
    """Oak is Year 3 and Ash Year 4 (conftest)."""
    return {
        "amir": _pupil(own_class, "Amir", "Ahmed", pupil_premium=True),
        "bella": _pupil(own_class, "Bella", "Brown", status="monitoring", need=""),
        "cara": _pupil(other_class, "Cara", "Clark", status="removed", need="", looked_after=True),
        "dan": _pupil(other_class, "Dan", "Dyer", status="ehc_plan", need="ASD"),
        "eve": _pupil(own_class, "Eve", "Evans", need=""),  # on SEN support with no need recorded
    }


def _names(response):
    return re.findall(
        r'data-testid="register-row">\s*<td><a href="[^"]*">([^<]*)</a>', response.content.decode()
    )


def _list(client, **params):
    response = client.get("/send/register/", params)
    assert response.status_code == 200
    return response


def test_every_pupil_with_a_status_is_listed_including_monitoring_and_removed(login, sendco, register):
    client = login(sendco)
    body = _list(client).content.decode()
    for name in ("Amir Ahmed", "Bella Brown", "Cara Clark", "Dan Dyer", "Eve Evans"):
        assert name in body
    assert "5 pupils." in body
    monitoring = _list(client, status="monitoring").content.decode()
    assert "Bella Brown" in monitoring and "Amir Ahmed" not in monitoring and "1 pupil." in monitoring
    removed = _list(client, status="removed").content.decode()
    assert "Cara Clark" in removed and "Removed from the register" in removed


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "on_register"}, {"Amir Ahmed", "Dan Dyer", "Eve Evans"}),
        ({"need": "ASD"}, {"Dan Dyer"}),
        ({"need": "none", "status": "on_register"}, {"Eve Evans"}),
        ({"year_group": "4"}, {"Cara Clark", "Dan Dyer"}),
        ({"pupil_premium": "on"}, {"Amir Ahmed"}),
        ({"looked_after": "on"}, {"Cara Clark"}),
    ],
)
def test_filters(login, sendco, register, params, expected):
    assert set(_names(_list(login(sendco), **params))) == expected


def test_filters_by_class_stage_review_and_provision(login, sendco, register, own_class):
    f.SupportCycleFactory(pupil=register["amir"], stage="do", review_due=date(2026, 12, 1))  # overdue
    f.SupportCycleFactory(pupil=register["eve"], stage="plan", review_due=date(2027, 3, 1))
    reading = f.InterventionFactory(school=own_class.school, name="Reading catch-up")
    f.ProvisionEnrolmentFactory(pupil=register["eve"], intervention=reading)
    client = login(sendco)
    assert set(_names(_list(client, registration_class=own_class.pk))) == {
        "Amir Ahmed",
        "Bella Brown",
        "Eve Evans",
    }
    assert _names(_list(client, stage="do")) == ["Amir Ahmed"]
    assert _names(_list(client, review="overdue")) == ["Amir Ahmed"]
    assert set(_names(_list(client, review="none"))) == {"Bella Brown", "Cara Clark", "Dan Dyer"}
    body = _list(client, intervention=reading.pk).content.decode()
    assert _names(_list(client, intervention=reading.pk)) == ["Eve Evans"] and "Reading catch-up" in body
    # Sorted by next review, soonest first; pupils with no open cycle last.
    assert _names(_list(client, sort="review"))[:2] == ["Amir Ahmed", "Eve Evans"]


def test_year_filter_offers_only_the_schools_year_groups(login, sendco, register):
    body = _list(login(sendco)).content.decode()
    assert '<option value="3"' in body and '<option value="4"' in body
    assert "Year 11" not in body and "Year 7" not in body


def test_pupils_on_k_or_e_with_no_need_are_flagged_and_named(login, sendco, register):
    client = login(sendco)
    body = _list(client).content.decode()
    warning = body.split('data-testid="needs-missing"')[1].split("</div>")[0]
    assert "Eve Evans (Oak)" in warning and "Bella" not in warning and "Cara" not in warning
    assert body.count('data-testid="no-need"') == 1
    dashboard = client.get("/send/").content.decode()
    assert "Eve Evans (Oak)" in dashboard.split('data-testid="needs-missing"')[1].split("</div>")[0]


def test_each_dashboard_count_links_to_its_list(login, sendco, register):
    client = login(sendco)
    dashboard = client.get("/send/").content.decode()
    for status in ("monitoring", "sen_support", "ehc_plan", "removed"):
        assert f'href="/send/register/?status={status}"' in dashboard
    assert _names(_list(client, status="ehc_plan")) == ["Dan Dyer"]


def test_the_csv_has_the_filtered_rows_and_cannot_run_formulas(login, sendco, register, own_class):
    _pupil(own_class, "=HYPERLINK(1)", "Zed")
    response = login(sendco).get("/send/register/list.csv", {"status": "sen_support"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Pupil", "UPN", "Class", "Year", "Status"]
    by_name = {r[0]: r for r in rows[1:]}
    assert set(by_name) == {"Amir Ahmed", "Eve Evans", "'=HYPERLINK(1) Zed"}
    assert by_name["Eve Evans"][-1] == "No need recorded"
    assert by_name["Amir Ahmed"][12] == "Yes"  # pupil premium


def test_the_pdf_prints_the_filtered_list(login, sendco, register):
    response = login(sendco).get("/send/register/list.pdf", {"status": "monitoring"})
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "SEN register" in text and "Status: Monitoring" in text
    assert "Bella Brown" in text and "Amir Ahmed" not in text


def test_the_number_of_queries_does_not_grow_with_pupils(login, sendco, school, own_class):
    client = login(sendco)
    reading = f.InterventionFactory(school=school)
    counts = []
    for n in (2, 8):
        for i in range(n):
            p = _pupil(own_class, "P", f"Pupil{n}x{i}")
            f.SupportCycleFactory(pupil=p)
            f.ProvisionEnrolmentFactory(pupil=p, intervention=reading)
        _list(client)  # warm the session and the school's settings
        with CaptureQueriesContext(connection) as queries:
            _list(client)
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Amir Ahmed", "Bella Brown", "Cara Clark", "Dan Dyer", "Eve Evans"]),
        ("class", ["Cara Clark", "Dan Dyer", "Amir Ahmed", "Bella Brown", "Eve Evans"]),  # Ash before Oak
        ("year", ["Amir Ahmed", "Bella Brown", "Eve Evans", "Cara Clark", "Dan Dyer"]),  # Year 3 before 4
        ("status", ["Dan Dyer", "Bella Brown", "Cara Clark", "Amir Ahmed", "Eve Evans"]),
        ("since", ["Eve Evans", "Cara Clark", "Bella Brown", "Dan Dyer", "Amir Ahmed"]),  # newest first
        # Soonest first: a cycle's review date, or monitoring's review-by date; no date last, by name.
        ("review", ["Eve Evans", "Bella Brown", "Amir Ahmed", "Cara Clark", "Dan Dyer"]),
    ],
)
def test_the_list_sorts_by_each_column(login, sendco, register, sort, expected):
    from send.models import SendRecord
    from send.selectors_register import SORTS

    assert sort in SORTS
    since = {"amir": date(2026, 9, 2), "bella": date(2026, 10, 1), "cara": date(2026, 11, 1)}
    since |= {"dan": date(2026, 9, 10), "eve": date(2026, 11, 20)}
    for key, day in since.items():
        SendRecord.objects.filter(pupil=register[key]).update(status_since=day)
    SendRecord.objects.filter(pupil=register["bella"]).update(monitoring_review_by=date(2026, 12, 15))
    f.SupportCycleFactory(pupil=register["amir"], stage="do", review_due=date(2026, 12, 20))
    f.SupportCycleFactory(pupil=register["eve"], stage="do", review_due=date(2026, 12, 10))
    assert _names(_list(login(sendco), sort=sort)) == expected


def test_every_sort_of_the_table_is_tested():
    from send.selectors_register import SORTS

    tested = {"name", "class", "year", "status", "since", "review"}
    assert set(SORTS) == tested
