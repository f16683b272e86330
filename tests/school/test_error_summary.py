"""Every form page shown again with errors lists them in one summary at the top, each linked to its
field, and loads the script that moves focus to the first error (school/_error_summary.html)."""

import re

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def _summary(response) -> str:
    html = response.content.decode()
    found = re.search(
        r'<div class="alert alert-danger" role="alert" tabindex="-1" data-error-summary.*?</div>', html, re.S
    )
    assert found, "no error summary"
    assert "js/app.js" in html
    return found.group(0)


@time_machine.travel("2026-12-01 10:00", tick=False)
def test_record_request_form_errors_are_summarised_and_linked(login, headteacher, pupil):
    response = login(headteacher).post(
        reverse("accounts:record_request_create", args=[pupil.pk]), {"kind": "educational_record"}
    )
    summary = _summary(response)
    assert "There is a problem" in summary
    assert 'href="#id_requester_name"' in summary and "This field is required." in summary


@time_machine.travel("2026-12-01 10:00", tick=False)
def test_review_form_errors_are_summarised_and_linked(login, sendco, pupil):
    cycle = f.SupportCycleFactory(pupil=pupil, stage="review")
    target = f.TargetFactory(cycle=cycle)
    response = login(sendco).post(
        reverse("send:cycle_review", args=[cycle.pk]), {"reviewed_on": "2026-11-30"}
    )
    summary = _summary(response)
    assert f'href="#id_outcome_{target.pk}"' in summary
    assert 'href="#id_next_steps"' in summary
    assert summary.index(f"#id_outcome_{target.pk}") < summary.index("#id_next_steps")  # the page's order


def test_the_script_moves_focus_to_the_first_error():
    script = open(finders.find("js/app.js"), encoding="utf-8").read()
    assert "[data-error-summary]" in script and ".focus()" in script
