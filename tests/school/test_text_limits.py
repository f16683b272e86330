"""Every form's text fields: a maximum shown beside them, direction controls stripped, usernames refuse them."""

import importlib
import inspect

import pytest
import time_machine
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from school.form_base import UNTOUCHED_WIDGETS, TextRules
from school.models import Membership, Pupil, Role
from send.models import Concern

RLO = "\u202e"
FORM_MODULES = [
    "school.forms",
    "attendance.forms",
    "send.forms",
    "graduated_response.forms",
    "accounts.forms",
]
# Signing in compares what was typed with what is stored; it must not be altered or capped differently.
EXEMPT = {"accounts.forms.SignInForm"}


def project_forms():
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == name:
                yield f"{name}.{cls.__name__}", cls


def test_every_project_form_has_the_text_rules():
    missing = [path for path, cls in project_forms() if path not in EXEMPT and not issubclass(cls, TextRules)]
    assert list(project_forms()) and missing == []


def test_every_text_field_of_a_model_form_gets_a_maximum():
    """Model TextFields have no maximum of their own; the base form gives each one."""
    from school.form_base import apply_text_rules

    checked = 0
    for path, cls in project_forms():
        if path in EXEMPT:
            continue
        for name, field in cls.base_fields.items():
            if isinstance(field, forms.CharField) and not isinstance(field.widget, UNTOUCHED_WIDGETS):
                copy = field.__deepcopy__({})
                apply_text_rules(copy)
                assert copy.max_length, f"{path}.{name}"
                assert "characters." in copy.help_text, f"{path}.{name}"
                checked += 1
    assert checked > 40


def pupil_data(pupil, **changes):
    return {
        "upn": pupil.upn,
        "legal_first_name": pupil.legal_first_name,
        "legal_last_name": pupil.legal_last_name,
        "date_of_birth": "2018-05-01",
        "sex": "F",
        "year_group": "3",
        "registration_class": pupil.registration_class_id,
        "admission_date": "2022-09-01",
        **changes,
    }


def test_pupil_name_saved_through_the_form_loses_direction_controls(login, office_staff, pupil):
    data = pupil_data(pupil, legal_last_name=f"Sm{RLO}ith", preferred_first_name=f"{RLO}Al")
    response = login(office_staff).post(reverse("school:pupil_edit", args=[pupil.pk]), data)
    assert response.status_code == 302
    pupil.refresh_from_db()
    assert (pupil.legal_last_name, pupil.preferred_first_name) == ("Smith", "Al")


def test_username_with_a_direction_control_is_refused_beside_the_field(login, headteacher, school):
    response = login(headteacher).post(
        reverse("school:staff_add"),
        {"username": f"nell{RLO}", "first_name": "Nell", "last_name": "Ward", "role": Role.CLASS_TEACHER},
    )
    assert response.status_code == 200
    assert "changes the direction of text" in response.context["form"].errors["username"][0]
    assert not Membership.objects.filter(user__first_name="Nell").exists()


def test_user_model_refuses_a_direction_control_in_a_username(db):
    user = get_user_model()(username=f"ad{RLO}min")
    user.set_unusable_password()
    with pytest.raises(ValidationError) as error:
        user.full_clean()
    assert "username" in error.value.message_dict


@time_machine.travel("2026-11-23 10:00", tick=False)
def test_a_paragraph_shows_its_maximum_and_refuses_longer(login, class_teacher, pupil):
    client = login(class_teacher)
    url = reverse("send:concern_create", args=[pupil.pk])
    page = client.get(url).content.decode()
    assert "Up to 2,000 characters." in page and 'maxlength="2000"' in page
    data = {
        "area_of_need": "communication",
        "what_we_see": "x" * 2001,
        "evidence": "Speech screen",
        "adjustments_in_place": "Visual timetable",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    message = response.context["form"].errors["what_we_see"][0]
    assert message == "This is too long: it can be up to 2,000 characters (it has 2001)."
    assert not Concern.objects.exists()
    data["what_we_see"] = "x" * 2000
    assert client.post(url, data).status_code == 302
    assert Concern.objects.get().what_we_see == "x" * 2000
    assert Pupil.objects.count() == 1


def test_the_maximum_starts_its_own_sentence_after_a_hint_without_a_full_stop():
    from graduated_response.forms import CommunicationLogForm

    assert CommunicationLogForm().fields["with_whom"].help_text == (
        "For example: Mother, both parents. Up to 200 characters."
    )
