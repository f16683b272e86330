"""The office moves a pupil to another class from a past day (it learns on Wednesday that the pupil
moved on Monday): registers from Monday list the pupil in the new class. Refused dates are shown beside
the date field; only those who may edit pupils may move them."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from school.class_membership import pupil_class_move
from school.models import AuditEntry, ClassMembership

MONDAY, WEDNESDAY = date(2026, 11, 23), date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _wednesday():
    with time_machine.travel("2026-11-25 10:00 +0000", tick=False):
        yield


def _move(client, pupil, new_class, on, reason="Moved to Ash by the deputy head"):
    return client.post(
        reverse("school:pupil_class_move", args=[pupil.pk]),
        {"registration_class": new_class.pk, "on": on.isoformat(), "reason": reason},
    )


def _register(client, cls, day):
    url = reverse("attendance:register_take", args=[cls.pk, day.isoformat(), "AM"])
    return client.get(url).content.decode()


def test_a_backdated_move_puts_the_pupil_on_the_new_classs_registers_from_that_day(
    login, office_staff, pupil, own_class, other_class
):
    client = login(office_staff)
    page = client.get(reverse("school:pupil_detail", args=[pupil.pk])).content.decode()
    assert reverse("school:pupil_class_move", args=[pupil.pk]) in page
    form = client.get(reverse("school:pupil_class_move", args=[pupil.pk])).content.decode()
    assert f"has been in {own_class} since" in form
    response = _move(client, pupil, other_class, MONDAY)
    assert response.status_code == 302 and response["Location"] == reverse(
        "school:pupil_detail", args=[pupil.pk]
    )
    pupil.refresh_from_db()
    assert pupil.registration_class == other_class
    assert str(pupil) in _register(client, other_class, MONDAY)
    assert str(pupil) not in _register(client, own_class, MONDAY)
    assert str(pupil) in _register(client, own_class, date(2026, 11, 20))  # the Friday before
    assert str(pupil) not in _register(client, other_class, date(2026, 11, 20))
    assert list(ClassMembership.objects.filter(pupil=pupil).values_list("registration_class", "end")) == [
        (own_class.pk, date(2026, 11, 22)),
        (other_class.pk, None),
    ]
    entry = AuditEntry.objects.get(action="school.pupil.class_moved")
    assert entry.actor_id == office_staff.pk and entry.pupil_id == pupil.pk
    assert entry.before == {"registration_class_id": own_class.pk}
    assert entry.after == {"registration_class_id": other_class.pk, "from": "2026-11-23"}
    assert entry.reason == "Moved to Ash by the deputy head"


def test_a_double_submit_moves_once(login, headteacher, pupil, other_class):
    client = login(headteacher)
    page = client.get(reverse("school:pupil_class_move", args=[pupil.pk])).content.decode()
    token = page.split('name="submission_token" value="')[1].split('"')[0]
    data = {"registration_class": other_class.pk, "on": MONDAY.isoformat(), "submission_token": token}
    url = reverse("school:pupil_class_move", args=[pupil.pk])
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert AuditEntry.objects.filter(action="school.pupil.class_moved").count() == 1


def _field_errors(response, name):
    assert response.status_code == 200
    return response.context["form"].errors.get(name, [])


def test_dates_that_cannot_be_true_are_refused_beside_the_date(
    login, office_staff, headteacher, pupil, own_class, other_class
):
    client = login(office_staff)
    future = _move(client, pupil, other_class, date(2026, 11, 26))
    assert _field_errors(future, "on") == ["A move takes effect today or on a past day, not in the future."]
    before_admission = _move(client, pupil, other_class, pupil.admission_date.replace(day=1, month=8))
    assert _field_errors(before_admission, "on") == [f"{pupil} joined the school on 1 September 2022."]
    pupil_class_move(actor=headteacher, pupil=pupil, registration_class=other_class, on=MONDAY)
    before_current = _move(client, pupil, own_class, date(2026, 11, 20))
    assert _field_errors(before_current, "on") == [
        f"{pupil} has been in their current class only since 23 November 2026."
    ]
    assert "only since 23 November 2026" in before_current.content.decode()
    assert AuditEntry.objects.filter(action="school.pupil.class_moved").count() == 1
    pupil.refresh_from_db()
    assert pupil.registration_class == other_class


def test_a_move_to_the_current_class_is_refused(login, office_staff, pupil, own_class, other_class):
    client = login(office_staff)
    assert (
        "Oak (current class)"
        in client.get(reverse("school:pupil_class_move", args=[pupil.pk])).content.decode()
    )
    response = _move(client, pupil, own_class, MONDAY)
    assert _field_errors(response, "registration_class") == [f"{pupil} is already in Oak."]
    assert not AuditEntry.objects.filter(action="school.pupil.class_moved").exists()


@pytest.mark.parametrize("persona", ["attendance_officer", "class_teacher", "sendco", "trust_lead"])
def test_only_those_who_edit_pupils_move_them(request, client_for, persona, pupil, other_class):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("school:pupil_class_move", args=[pupil.pk])).status_code == 403
    assert _move(client, pupil, other_class, MONDAY).status_code == 403
    page = client.get(reverse("school:pupil_detail", args=[pupil.pk])).content.decode()
    assert reverse("school:pupil_class_move", args=[pupil.pk]) not in page
    assert not AuditEntry.objects.filter(action="school.pupil.class_moved").exists()
