"""A primary school's year filters offer only its own year groups, and pupil selects show the class
beside the name so two pupils with the same name are told apart."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from school.filters import year_group_choices
from school.forms import PupilChoiceField, pupil_label
from school.models import Pupil, YearGroup
from tests import factories as f

pytestmark = pytest.mark.django_db


def _year_options(page: str, name: str = "year_group") -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no {name} select"
    return [label.strip() for label in re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))]


def test_year_group_choices_are_the_schools_own(school, own_class, other_class, pupil, other_school):
    # Classes in Years 3 and 4, and a pupil on roll in Reception without a class.
    f.PupilFactory(school=school, registration_class=None, year_group=0)
    f.PupilFactory(school=school, registration_class=None, year_group=11, leaving_date="2025-07-20")  # left
    assert year_group_choices(school) == [(0, "Reception"), (3, "Year 3"), (4, "Year 4")]
    # A school with no classes or pupils yet is offered every year.
    empty = f.SchoolFactory(name="New Free School")
    assert year_group_choices(empty) == list(YearGroup.choices)


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/school/pupils/", "year_group"),
        ("/attendance/absence-lists/", "year_group"),
        ("/send/register/", "year_group"),
        ("/cases/", "year_group"),
    ],
)
def test_every_year_filter_offers_only_the_schools_years(
    login, headteacher, own_class, other_class, pupil, url, name
):
    page = login(headteacher).get(url).content.decode()
    options = _year_options(page, name)
    assert "Year 3" in options and "Year 4" in options
    assert "Year 11" not in options and "Year 7" not in options and "Nursery" not in options


def test_pupils_with_the_same_name_are_told_apart_by_class(login, sendco, school, own_class, other_class):
    for cls in (own_class, other_class):
        f.PupilFactory(school=school, registration_class=cls, legal_first_name="Sam", legal_last_name="Patel")
    page = login(sendco).get("/send/assessments/new/").content.decode()
    assert ">Sam Patel (Oak)</option>" in page and ">Sam Patel (Ash)</option>" in page
    page = login(sendco).get("/send/ehc-plans/new/").content.decode()
    assert ">Sam Patel (Oak)</option>" in page and ">Sam Patel (Ash)</option>" in page


def test_pupil_choice_field_reads_the_classes_in_one_query(school, own_class):
    f.PupilFactory(school=school, registration_class=own_class, legal_first_name="Ada", legal_last_name="Lee")
    no_class = f.PupilFactory(
        school=school, registration_class=None, legal_first_name="Bo", legal_last_name="Ng"
    )
    for _ in range(3):
        f.PupilFactory(school=school, registration_class=own_class)
    field = PupilChoiceField(queryset=Pupil.objects.filter(school=school).order_by("legal_last_name"))
    with CaptureQueriesContext(connection) as queries:
        labels = [label for _, label in field.choices]
    assert len(queries.captured_queries) == 1
    assert "Ada Lee (Oak)" in labels and "Bo Ng" in labels
    assert pupil_label(no_class) == "Bo Ng"
