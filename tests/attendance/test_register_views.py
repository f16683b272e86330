"""The register screen and its permissions: who may take which register, and what they see."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from attendance.models import MarkAmendment, RegisterMark
from tests import factories as f

DAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-11-23 10:00 +0000", tick=False):
        yield


def url(cls, day=DAY, session="AM"):
    return reverse("attendance:register_take", args=[cls.pk, day.isoformat(), session])


def post_data(pupils, codes, versions=None, minutes=None, reason=""):
    data = {"reason": reason}
    for i, p in enumerate(pupils):
        data[f"code-{p.pk}"] = codes[i]
        data[f"version-{p.pk}"] = (versions or {}).get(p.pk, 0)
        data[f"minutes-{p.pk}"] = (minutes or {}).get(p.pk, "")
    return data


def test_class_teacher_takes_own_register_by_form(login, class_teacher, own_class, pupil):
    second = f.PupilFactory(school=own_class.school, registration_class=own_class)
    client = login(class_teacher)
    page = client.get(url(own_class))
    assert page.status_code == 200
    assert f'id="code-{pupil.pk}"' in page.content.decode()
    response = client.post(url(own_class), post_data([pupil, second], ["/", "l"], minutes={second.pk: "7"}))
    assert response.status_code == 302
    assert dict(RegisterMark.objects.values_list("pupil_id", "code")) == {pupil.pk: "/", second.pk: "L"}


def test_class_teacher_cannot_reach_another_class(login, class_teacher, other_class, other_class_pupil):
    client = login(class_teacher)
    assert client.get(url(other_class)).status_code == 404
    assert client.post(url(other_class), post_data([other_class_pupil], ["/"])).status_code == 404
    assert not RegisterMark.objects.exists()


@pytest.mark.parametrize("persona", ["office_staff", "attendance_officer", "headteacher"])
def test_office_roles_take_any_register(request, login, persona, other_class, other_class_pupil):
    client = login(request.getfixturevalue(persona))
    response = client.post(url(other_class), post_data([other_class_pupil], ["N"]))
    assert response.status_code == 302
    assert RegisterMark.objects.get().code == "N"


@pytest.mark.parametrize("persona", ["governor", "teaching_assistant", "sendco", "dsl"])
def test_roles_without_register_rights_are_refused(request, login, persona, own_class, pupil):
    client = login(request.getfixturevalue(persona))
    assert client.get(url(own_class)).status_code == 403
    assert client.post(url(own_class), post_data([pupil], ["/"])).status_code == 403
    assert client.get(reverse("attendance:register_list")).status_code == 403
    assert not RegisterMark.objects.exists()


def test_other_school_teacher_gets_404(login, other_school_teacher, own_class):
    assert login(other_school_teacher).get(url(own_class)).status_code == 404


def test_bad_code_shows_message_beside_row_and_saves_nothing(login, office_staff, own_class, pupil):
    second = f.PupilFactory(school=own_class.school, registration_class=own_class)
    response = login(office_staff).post(url(own_class), post_data([pupil, second], ["/", "ZZ"]))
    assert response.status_code == 400
    body = response.content.decode()
    assert "&#x27;ZZ&#x27; is not a DfE attendance code" in body
    assert 'value="ZZ"' in body  # what was typed stays on screen
    assert not RegisterMark.objects.exists()


def test_non_numeric_minutes_are_refused(login, office_staff, own_class, pupil):
    response = login(office_staff).post(url(own_class), post_data([pupil], ["L"], minutes={pupil.pk: "ten"}))
    assert response.status_code == 400
    assert "Minutes late must be a whole number, such as 10 (you typed ten)." in response.content.decode()
    assert not RegisterMark.objects.exists()


def test_too_many_minutes_late_say_the_limit_not_whole_number(login, office_staff, own_class, pupil):
    response = login(office_staff).post(url(own_class), post_data([pupil], ["L"], minutes={pupil.pk: "5000"}))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Minutes late can be at most 600 (10 hours); you typed 5000." in body
    assert "whole number" not in body
    assert not RegisterMark.objects.exists()


def test_late_after_close_is_reported_as_u(login, office_staff, own_class, pupil):
    client = login(office_staff)
    response = client.post(url(own_class), post_data([pupil], ["L"], minutes={pupil.pk: "45"}), follow=True)
    assert "recorded as U" in response.content.decode()
    assert RegisterMark.objects.get().code == "U"


def test_changing_saved_mark_asks_for_reason_then_amends(login, office_staff, own_class, pupil):
    mark = f.RegisterMarkFactory(pupil=pupil, date=DAY, session="AM", code="N")
    client = login(office_staff)
    response = client.post(url(own_class), post_data([pupil], ["I"], versions={pupil.pk: mark.version}))
    assert response.status_code == 400
    assert "Give a reason" in response.content.decode()
    response = client.post(
        url(own_class), post_data([pupil], ["I"], versions={pupil.pk: 1}, reason="Dad rang")
    )
    assert response.status_code == 302
    assert MarkAmendment.objects.get().reason == "Dad rang"


def test_stale_form_shows_who_changed_what(client_for, office_staff, class_teacher, own_class, pupil):
    teacher, office = client_for(class_teacher), client_for(office_staff)
    assert teacher.post(url(own_class), post_data([pupil], ["N"])).status_code == 302
    response = office.post(url(own_class), post_data([pupil], ["/"]))  # loaded before the teacher saved
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else changed these marks" in body
    assert f"now <strong>N</strong>, saved by {class_teacher}" in body
    assert RegisterMark.objects.get().code == "N"


def test_weekend_register_has_no_form(login, office_staff, own_class, pupil):
    saturday = date(2026, 11, 21)
    client = login(office_staff)
    page = client.get(url(own_class, day=saturday))
    assert "no morning session" in page.content.decode()
    response = client.post(url(own_class, day=saturday), post_data([pupil], ["/"]))
    assert response.status_code == 400  # a closed day is said, not "You do not have access"
    assert "Nothing was saved: Saturday 21 November 2026 has no morning session" in response.content.decode()
    assert not RegisterMark.objects.exists()


def test_future_register_says_when_it_can_be_taken_and_has_no_form(login, office_staff, own_class, pupil):
    client = login(office_staff)
    page = client.get(url(own_class, day=date(2026, 12, 7))).content.decode()
    assert 'data-testid="register-future"' in page and "Save register" not in page
    response = client.post(url(own_class, day=date(2026, 12, 7)), post_data([pupil], ["/"]))
    assert "Registers cannot be taken for a future date." in response.content.decode()
    assert not RegisterMark.objects.filter(pupil=pupil).exists()


def test_invalid_session_or_date_is_404(login, office_staff, own_class):
    client = login(office_staff)
    assert client.get(f"/attendance/registers/{own_class.pk}/2026-11-23/XX/").status_code == 404
    assert client.get(f"/attendance/registers/{own_class.pk}/2026-02-30/AM/").status_code == 404


def test_register_list_and_not_taken_panel(
    login, office_staff, own_class, other_class, pupil, other_class_pupil, django_assert_max_num_queries
):
    f.RegisterMarkFactory(pupil=pupil, date=DAY, session="AM", code="/")
    client = login(office_staff)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("attendance:register_list")).content.decode()
    assert "Taken – view or change" in page and "Take register" in page
    panel = client.get(reverse("attendance:panel_registers_not_taken")).content.decode()
    assert "Ash AM" in panel and "Oak AM" not in panel
    assert "Oak PM" not in panel  # at 10:00 the afternoon register has not opened


def test_a_class_with_nobody_on_roll_has_no_register_to_take(login, office_staff, school):
    f.RegistrationClassFactory(school=school, name="Nursery", year_group=-1)  # pupils start next week
    client = login(office_staff)
    page = client.get(reverse("attendance:register_list")).content.decode()
    row = page.split('<th scope="row">Nursery</th>')[1].split("</tr>")[0]
    assert "No pupils on roll" in row and "Take register" not in row
    panel = client.get(reverse("attendance:panel_registers_not_taken")).content.decode()
    assert "Nursery" not in panel


def test_my_registers_panel_lists_only_own_classes(login, class_teacher, own_class, other_class):
    panel = login(class_teacher).get(reverse("attendance:panel_my_registers")).content.decode()
    assert "Oak" in panel and "Ash" not in panel
