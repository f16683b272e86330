"""Every management command takes --school the same way: an id, a URN or a name (any case)."""

import io

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from graduated_response.models import NightlyRun
from school.management.school_option import find_school
from tests import factories as f

COMMANDS_WITH_SCHOOL = [
    "import_marks",
    "export_attendance",
    "import_pupils",
    "run_nightly_checks",
    "grant_role",
    "set_up_schools",
]


@pytest.fixture
def two_schools(db):
    larkfield = f.SchoolFactory(name="Larkfield Primary", urn="912345")
    f.add_academic_year(larkfield)
    other = f.SchoolFactory(name="Brookside Primary", urn="954321")
    return larkfield, other


@pytest.mark.parametrize("typed", ["Larkfield Primary", "larkfield primary", " Larkfield Primary ", "912345"])
def test_a_school_is_found_by_name_in_any_case_or_urn(two_schools, typed):
    assert find_school(typed) == two_schools[0]


def test_a_school_is_found_by_id(two_schools):
    assert find_school(str(two_schools[1].pk)) == two_schools[1]


def test_no_match_and_several_schools_say_so(two_schools):
    with pytest.raises(CommandError, match="No school matches 'Nowhere'"):
        find_school("Nowhere")
    with pytest.raises(CommandError, match="more than one school"):
        find_school(None)


@pytest.mark.parametrize("command", COMMANDS_WITH_SCHOOL)
def test_every_command_offers_the_same_option(command):
    from django.core.management import load_command_class

    parser = load_command_class(_app_of(command), command).create_parser("manage.py", command)
    option = next(a for a in parser._actions if "--school" in a.option_strings)
    assert "id, URN or name" in option.help
    assert option.type is None  # a name is accepted, not only a number


def _app_of(command):
    from django.core.management import get_commands

    return get_commands()[command]


@time_machine.travel("2026-11-21 06:00", tick=False)
def test_run_nightly_checks_takes_the_school_name_the_readme_documents(two_schools):
    out = io.StringIO()
    call_command("run_nightly_checks", "--school", "Larkfield Primary", "--date", "2026-11-20", stdout=out)
    assert out.getvalue().startswith("Larkfield Primary:")
    assert list(NightlyRun.objects.values_list("school__name", flat=True)) == ["Larkfield Primary"]
