"""Every date box in every form shows its stored date.

A browser's <input type="date"> accepts only ISO dates. Rendered in the en-GB format (29/12/2026) the box
looks empty, and saving an edit form then clears a date nobody touched. So every date widget of every
form in the project, including forms added later, must render 2026-12-29.
"""

import importlib
import inspect
from datetime import date

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.utils import translation

from tests import factories as f


def _project_forms():
    found = []
    for config in apps.get_app_configs():
        if not str(config.path).startswith(str(settings.BASE_DIR)) or ".venv" in str(config.path):
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


def _date_widgets():
    rows = []
    for form_class in _project_forms():
        for name, field in form_class.base_fields.items():
            if getattr(field.widget, "input_type", None) == "date":
                rows.append(
                    pytest.param(field.widget, id=f"{form_class.__module__}.{form_class.__name__}.{name}")
                )
    return rows


DATE_WIDGETS = _date_widgets()


def test_the_project_has_date_boxes_to_check():
    assert len(DATE_WIDGETS) > 20


@pytest.mark.parametrize("widget", DATE_WIDGETS)
def test_date_box_shows_an_iso_date(widget):
    with translation.override("en-gb"):
        html = widget.render("when", date(2026, 12, 29))
    assert 'value="2026-12-29"' in html


def test_editing_provision_shows_its_end_date(login, sendco, pupil):
    enrolment = f.ProvisionEnrolmentFactory(
        pupil=pupil, start_date=date(2026, 9, 7), end_date=date(2026, 11, 13)
    )
    page = login(sendco).get(f"/send/enrolments/{enrolment.pk}/").content.decode()
    assert 'value="2026-09-07"' in page and 'value="2026-11-13"' in page
