"""A supply teacher's pack (issue 15): every passport of a class's pupils on roll in one PDF, through the
passport PDF's own rendering; a class out of the user's scope is not found."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from send import services
from tests import factories as f
from tests.send.test_cycles import pdf_text

pytestmark = pytest.mark.django_db


def _passport(pupil, actor, support):
    services.passport_save(
        actor=actor,
        pupil=pupil,
        liked_and_admired="Kind",
        important_to_me="My dog",
        how_to_support_me=support,
    )


@time_machine.travel(date(2026, 11, 20), tick=False)
def test_pack_prints_every_passport_of_the_class(
    login, class_teacher, sendco, school, own_class, other_class
):
    a = f.PupilFactory(school=school, registration_class=own_class, legal_last_name="Abbott")
    b = f.PupilFactory(school=school, registration_class=own_class, legal_last_name="Brook")
    left = f.PupilFactory(
        school=school, registration_class=own_class, legal_last_name="Gone", leaving_date=date(2026, 10, 1)
    )
    elsewhere = f.PupilFactory(school=school, registration_class=other_class)
    for pupil, support in (
        (a, "Seat near the front"),
        (b, "Give a movement break"),
        (left, "Old"),
        (elsewhere, "No"),
    ):
        _passport(pupil, sendco, support)
    response = login(class_teacher).get(reverse("send:supply_pack", args=[own_class.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    assert "Seat near the front" in text and "Give a movement break" in text
    assert text.index("Seat near the front") < text.index("Give a movement break")  # by surname
    assert "Old" not in text and "No\n" not in text and elsewhere.display_name not in text


def test_pack_of_a_class_without_passports_says_so(login, class_teacher, own_class):
    text = pdf_text(login(class_teacher).get(reverse("send:supply_pack", args=[own_class.pk])))
    assert "has a passport yet" in text


def test_another_class_is_not_found(login, class_teacher, other_class):
    assert login(class_teacher).get(reverse("send:supply_pack", args=[other_class.pk])).status_code == 404


def test_class_view_links_to_the_pack(login, class_teacher, own_class):
    html = login(class_teacher).get(reverse("send:class_view")).content.decode()
    assert reverse("send:supply_pack", args=[own_class.pk]) in html
