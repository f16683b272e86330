"""The reconciliation page: one day's figures by the DfE's daily-attendance definitions beside the
product's own, with what could make them differ explained pupil by pupil."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attendance.models import RegisterMark
from attendance.reconciliation import reconcile
from school.models import ClosureDay, Pupil
from tests import factories as f

DAY = date(2026, 11, 18)
TODAY = time_machine.travel("2026-11-23 10:00 +0000", tick=False)


def _mark(pupil, session, code, day=DAY):
    RegisterMark.objects.create(school=pupil.school, pupil=pupil, date=day, session=session, code=code)


@pytest.fixture
def day_of_marks(school, own_class):
    ClosureDay.objects.create(school=school, date=DAY, kind=ClosureDay.Kind.PLANNED, sessions="PM")
    make = lambda **kw: f.PupilFactory(school=school, registration_class=own_class, **kw)  # noqa: E731
    a, b, c = make(legal_last_name="Ash"), make(legal_last_name="Birch"), make(legal_last_name="Cedar")
    d = make(legal_last_name="Dale", leaving_date=date(2026, 11, 13))
    e = make(legal_last_name="Elm", admission_date=DAY)
    _mark(a, "AM", "/")
    _mark(a, "PM", "#")
    _mark(b, "AM", "O")
    _mark(b, "PM", "I")  # on the afternoon the calendar has closed
    _mark(d, "AM", "/")  # after the pupil left
    _mark(e, "AM", "D")
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def test_the_two_agree_and_every_pupil_level_reason_is_listed(school, day_of_marks):
    result = reconcile(pupils=Pupil.objects.filter(school=school), school=school, on=DAY)
    table = {row["measure"]: (row["dfe"], row["product"]) for row in result.rows}
    assert table == {
        "possible": (3, 3),
        "attendance": (1, 1),
        "authorised": (1, 1),
        "unauthorised": (1, 1),
        "persistent": (1, 1),
    }
    assert result.agree and not result.differences
    explained = [(e["pupil"].legal_last_name, e["text"].split(":")[0]) for e in result.explanations]
    assert ("Dale", "AM is marked /, but the pupil was not on roll on this day") in explained
    assert ("Birch", "PM is marked I on a session the school calendar has closed") in explained
    assert ("Cedar", "No AM mark yet") in explained
    assert ("Elm", "No possible sessions this school year") in explained
    assert ("Cedar", "No possible sessions this school year") in explained
    assert not [e for e in explained if e[0] == "Ash"]


def test_the_query_count_does_not_grow_with_pupils(school, own_class, day_of_marks):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            reconcile(pupils=Pupil.objects.filter(school=school), school=school, on=DAY)
        return len(ctx.captured_queries)

    count()
    few = count()
    for _ in range(5):
        _mark(f.PupilFactory(school=school, registration_class=own_class), "AM", "/")
    assert count() == few


@TODAY
def test_the_page(login, headteacher, school, day_of_marks):
    client = login(headteacher)
    page = client.get(reverse("attendance:reconciliation") + "?on=2026-11-18").content.decode()
    assert "Wednesday 18 November 2026" in page and "The two agree exactly." in page
    assert "Dale" in page and "not on roll on this day" in page
    future = client.get(reverse("attendance:reconciliation") + "?on=2026-11-24")
    assert future.status_code == 400 and "Choose today or an earlier day." in future.content.decode()


@TODAY
def test_where_the_two_differ_each_pupils_difference_is_listed(login, headteacher, school, day_of_marks):
    """An imported register can hold an untidy code ("o " for O, "l" for L): the DfE's definitions,
    counted on the code sets as stored, miss it; the product tidies the code first and counts it. Each
    pupil whose counts differ is listed, figure by figure, and so is the table's total."""
    cedar = day_of_marks["c"]
    ash = day_of_marks["a"]
    _mark(cedar, "AM", "o ")
    RegisterMark.objects.filter(pupil=ash, session="AM").update(code="l")
    result = reconcile(pupils=Pupil.objects.filter(school=school), school=school, on=DAY)
    assert not result.agree
    table = {row["measure"]: (row["dfe"], row["product"], row["difference"]) for row in result.rows}
    assert table["possible"] == (2, 4, 2)
    assert table["attendance"] == (0, 1, 1)
    assert table["unauthorised"] == (1, 2, 1)
    assert table["authorised"] == (1, 1, 0)
    differences = sorted(
        (d["pupil"].legal_last_name, d["what"], d["dfe"], d["product"]) for d in result.differences
    )
    assert differences == [
        ("Ash", "attendance", 0, 1),
        ("Ash", "possible", 0, 1),
        ("Cedar", "possible", 0, 1),
        ("Cedar", "unauthorised", 0, 1),
    ]
    page = login(headteacher).get(reverse("attendance:reconciliation") + "?on=2026-11-18").content.decode()
    assert "The two agree exactly." not in page
    differing = page[page.index('data-testid="reconciliation-differences"') :].split("</table>")[0]
    assert differing.count('<tr><th scope="row">') == 4
    assert cedar.display_name in differing and ash.display_name in differing
