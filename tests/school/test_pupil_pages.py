from datetime import date

import pytest
from django.urls import reverse

from school.models import AuditEntry, Pupil
from tests import factories as f

LIST = reverse("school:pupil_list")


def names(response):
    return {p.pk for p in response.context["page"].object_list}


def test_class_teacher_sees_only_own_class(login, class_teacher, pupil, other_class_pupil):
    response = login(class_teacher).get(LIST)
    assert names(response) == {pupil.pk}


def test_office_sees_every_pupil_on_roll_but_not_leavers_by_default(
    login, office_staff, pupil, other_class_pupil
):
    leaver = f.PupilFactory(school=pupil.school, leaving_date=date(2025, 7, 20))
    client = login(office_staff)
    assert names(client.get(LIST)) == {pupil.pk, other_class_pupil.pk}
    assert leaver.pk in names(client.get(LIST, {"include_leavers": "on"}))


def test_other_schools_pupils_never_listed(login, headteacher, pupil, other_school_pupil):
    assert other_school_pupil.pk not in names(login(headteacher).get(LIST))


def test_governor_cannot_open_the_pupil_list(login, governor, pupil):
    assert login(governor).get(LIST).status_code == 403


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"q": "Zebedee"}, {"zeb"}),
        ({"q": "zeb quin"}, {"zeb"}),
        ({"year_group": "4"}, {"flagged"}),
        ({"flags": ["pupil_premium", "eal"]}, {"flagged"}),
        ({"flags": ["pupil_premium"]}, {"flagged", "zeb"}),
        ({"sen_provision": "K"}, {"zeb"}),
    ],
)
def test_filters(login, headteacher, own_class, other_class, params, expected):
    people = {
        "zeb": f.PupilFactory(
            school=own_class.school,
            registration_class=own_class,
            legal_first_name="Zebedee",
            legal_last_name="Quinton",
            pupil_premium=True,
            sen_provision="K",
        ),
        "flagged": f.PupilFactory(
            school=own_class.school,
            registration_class=other_class,
            pupil_premium=True,
            eal=True,
            legal_first_name="Mo",
        ),
        "plain": f.PupilFactory(school=own_class.school, registration_class=own_class, legal_first_name="Al"),
    }
    found = names(login(headteacher).get(LIST, params))
    assert found == {people[k].pk for k in expected}


def test_search_by_upn(login, headteacher, pupil, other_class_pupil):
    assert names(login(headteacher).get(LIST, {"q": pupil.upn.lower()})) == {pupil.pk}


def test_class_filter_offers_only_classes_in_scope(login, class_teacher, own_class, other_class):
    response = login(class_teacher).get(LIST)
    choices = list(response.context["filter"].form.fields["registration_class"].queryset)
    assert choices == [own_class]


def test_list_query_count_does_not_grow_with_pupils(
    login, headteacher, own_class, django_assert_max_num_queries
):
    for _ in range(60):
        pupil = f.PupilFactory(school=own_class.school, registration_class=own_class, pupil_premium=True)
    f.PupilContactFactory(pupil=pupil)
    client = login(headteacher)
    client.get(LIST)  # warm the session
    with django_assert_max_num_queries(14):
        response = client.get(LIST)
    assert len(response.context["page"].object_list) == 50
    assert response.context["page"].paginator.count == 60


def test_profile_shows_contacts_siblings_and_flags(login, headteacher, pupil, other_class_pupil):
    pupil.eal = True
    pupil.save()
    link = f.PupilContactFactory(pupil=pupil, relationship="Grandmother", priority=2)
    f.PupilContactFactory(pupil=other_class_pupil, contact=link.contact, relationship="Grandmother")
    response = login(headteacher).get(reverse("school:pupil_detail", args=[pupil.pk]))
    html = response.content.decode()
    assert "Grandmother" in html and link.contact.phone in html and link.contact.email in html
    assert response.context["siblings"] == [other_class_pupil]
    assert "English as an additional language" in html


def test_siblings_outside_scope_are_hidden(login, class_teacher, pupil, other_class_pupil):
    link = f.PupilContactFactory(pupil=pupil)
    f.PupilContactFactory(pupil=other_class_pupil, contact=link.contact)
    response = login(class_teacher).get(reverse("school:pupil_detail", args=[pupil.pk]))
    assert response.context["siblings"] == []
    assert str(other_class_pupil) not in response.content.decode()


def test_class_teacher_gets_404_for_other_class_and_other_school(
    login, class_teacher, other_class_pupil, other_school_pupil
):
    client = login(class_teacher)
    assert client.get(reverse("school:pupil_detail", args=[other_class_pupil.pk])).status_code == 404
    assert client.get(reverse("school:pupil_detail", args=[other_school_pupil.pk])).status_code == 404


def test_safeguarding_status_only_for_dsl_and_head(
    client_for, class_teacher, dsl, headteacher, office_staff, pupil
):
    pupil.safeguarding_status = Pupil.Safeguarding.CP
    pupil.save()
    url = reverse("school:pupil_detail", args=[pupil.pk])
    for user, visible in ((class_teacher, False), (office_staff, False), (dsl, True), (headteacher, True)):
        html = client_for(user).get(url).content.decode()
        assert ("Child protection plan" in html) is visible, user.username


def test_office_cannot_set_safeguarding_status_through_the_form(login, office_staff, pupil):
    data = {
        "upn": pupil.upn,
        "legal_first_name": pupil.legal_first_name,
        "legal_last_name": pupil.legal_last_name,
        "date_of_birth": "2018-05-01",
        "sex": "F",
        "year_group": "3",
        "registration_class": pupil.registration_class_id,
        "admission_date": "2022-09-01",
        "safeguarding_status": "cp",
    }
    response = login(office_staff).post(reverse("school:pupil_edit", args=[pupil.pk]), data)
    assert response.status_code == 302
    pupil.refresh_from_db()
    assert pupil.safeguarding_status == ""


def test_edit_form_shows_errors_beside_the_field(login, office_staff, pupil):
    data = {
        "upn": "B801234567890",
        "legal_first_name": "A",
        "legal_last_name": "B",
        "date_of_birth": "2018-05-01",
        "sex": "F",
        "year_group": "3",
        "admission_date": "2022-09-01",
        "leaving_date": "2020-01-01",
    }
    response = login(office_staff).post(reverse("school:pupil_edit", args=[pupil.pk]), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "check letter" in form.errors["upn"][0]
    assert "leaving date" in form.errors["leaving_date"][0]
    assert not AuditEntry.objects.exists()


def test_edit_and_audit(login, office_staff, pupil):
    data = {
        "upn": pupil.upn,
        "legal_first_name": "Changed",
        "legal_last_name": pupil.legal_last_name,
        "date_of_birth": "2018-05-01",
        "sex": "F",
        "year_group": "3",
        "registration_class": pupil.registration_class_id,
        "admission_date": "2022-09-01",
        "young_carer": "on",
    }
    response = login(office_staff).post(reverse("school:pupil_edit", args=[pupil.pk]), data)
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="school.pupil.changed")
    assert entry.after == {"legal_first_name": "Changed", "young_carer": True}


def test_add_and_edit_contact_in_the_browser(login, office_staff, pupil):
    client = login(office_staff)
    data = {
        "first_name": "Rhea",
        "last_name": "Stone",
        "phone": "07700 900555",
        "email": "rhea@example.com",
        "preferred_language": "Polish",
        "relationship": "Mother",
        "parental_responsibility": "on",
        "priority": "1",
    }
    assert client.post(reverse("school:contact_add", args=[pupil.pk]), data).status_code == 302
    link = pupil.contact_links.get()
    assert link.contact.preferred_language == "Polish" and link.parental_responsibility
    data |= {"phone": "07700 900556", "priority": "2"}
    assert client.post(reverse("school:contact_edit", args=[pupil.pk, link.pk]), data).status_code == 302
    link.refresh_from_db()
    assert link.priority == 2 and link.contact.phone == "07700 900556"
    bad = client.post(
        reverse("school:contact_add", args=[pupil.pk]), data | {"email": "nope", "relationship": ""}
    )
    assert set(bad.context["form"].errors) == {"email", "relationship"}


def test_contact_remove_needs_confirmation(login, office_staff, pupil):
    link = f.PupilContactFactory(pupil=pupil)
    client = login(office_staff)
    url = reverse("school:contact_remove", args=[pupil.pk, link.pk])
    client.post(url)
    assert pupil.contact_links.exists()
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert not pupil.contact_links.exists()


def test_contact_of_another_pupil_is_404(login, office_staff, pupil, other_class_pupil):
    link = f.PupilContactFactory(pupil=other_class_pupil)
    response = login(office_staff).get(reverse("school:contact_edit", args=[pupil.pk, link.pk]))
    assert response.status_code == 404
