"""Need to know (issue 15): the office and the DSL see a pupil's SEND status and the strategies a supply
or cover adult needs, not the SEND record; passports are written by the adults who work with the pupil
(the class teacher and TA of the pupil's class, and the SENDCo); "My class SEND" shows only to staff
with a class."""

import pytest

from school import policy
from school.models import AuditEntry, Role
from send import selectors, services
from send.models import PupilPassport, SupportCycle, Target
from tests import factories as f

STRATEGIES = "Give instructions one step at a time; a visual timetable on the desk."


@pytest.fixture
def send_pupil(pupil, sendco):
    f.SendRecordFactory(pupil=pupil, status="sen_support", primary_need="SLCN", secondary_need="SEMH")
    services.passport_save(
        actor=sendco,
        pupil=pupil,
        liked_and_admired="Kind to younger children",
        important_to_me="My dog, Biscuit",
        how_to_support_me=STRATEGIES,
    )
    cycle = SupportCycle.objects.create(
        school=pupil.school,
        pupil=pupil,
        number=1,
        start_date="2026-09-07",
        review_due="2026-12-04",
        stage="do",
        created_by=sendco,
    )
    Target.objects.create(
        cycle=cycle,
        area_of_need="communication",
        target="Follow a two-step instruction",
        success_criteria="4 out of 5 times",
        strategies="Visual prompts",
        responsible="TA",
        review_date="2026-12-04",
    )
    return pupil


def test_the_role_table_gives_the_office_and_the_dsl_status_and_strategies_but_not_the_record():
    for role in (Role.OFFICE_STAFF, Role.DSL):
        caps = policy.ROLE_CAPABILITIES[role]
        assert policy.VIEW_SEND not in caps
        assert {policy.VIEW_SEND_STATUS, policy.VIEW_SEND_NEEDS} <= caps
        assert policy.EDIT_PASSPORT not in caps
    writers = {role for role, caps in policy.ROLE_CAPABILITIES.items() if policy.EDIT_PASSPORT in caps}
    assert writers == {Role.SENDCO, Role.CLASS_TEACHER, Role.TEACHING_ASSISTANT}
    assert policy.VIEW_SEND_STATUS not in policy.ROLE_CAPABILITIES[Role.GOVERNOR]


def test_the_office_sees_the_status_and_the_strategies_on_the_pupil_panel_and_nothing_more(
    login, office_staff, send_pupil
):
    client = login(office_staff)
    page = client.get(f"/send/pupils/{send_pupil.pk}/panel/").content.decode()
    assert "SEN support" in page
    assert "one step at a time" in page
    assert "Follow a two-step instruction" not in page  # targets are the record
    assert 'data-testid="send-needs"' not in page  # the areas of need are the DSL's
    assert "My dog, Biscuit" not in page  # the rest of the passport
    assert f'href="/send/pupils/{send_pupil.pk}/"' not in page  # no link to a page they cannot open


def test_the_dsl_also_sees_the_areas_of_need(login, dsl, send_pupil):
    page = login(dsl).get(f"/send/pupils/{send_pupil.pk}/panel/").content.decode()
    assert "SEN support" in page
    assert "one step at a time" in page
    assert 'data-testid="send-needs"' in page
    assert "Follow a two-step instruction" not in page


@pytest.mark.parametrize("role", ["office_staff", "dsl"])
def test_the_office_and_the_dsl_cannot_open_the_send_record(request, login, role, send_pupil):
    client = login(request.getfixturevalue(role))
    cycle = SupportCycle.objects.get(pupil=send_pupil)
    for url in (
        f"/send/pupils/{send_pupil.pk}/",
        f"/send/pupils/{send_pupil.pk}/passport/",
        f"/send/pupils/{send_pupil.pk}/passport.pdf",
        f"/send/cycles/{cycle.pk}/",
        "/send/my-class/",
    ):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("role", ["office_staff", "dsl", "headteacher", "attendance_officer"])
def test_only_the_adults_who_work_with_the_pupil_write_the_passport(request, login, role, send_pupil):
    client = login(request.getfixturevalue(role))
    response = client.post(
        f"/send/pupils/{send_pupil.pk}/passport/",
        {"liked_and_admired": "x", "important_to_me": "x", "how_to_support_me": "Shout louder"},
    )
    assert response.status_code == 403
    assert PupilPassport.objects.get(pupil=send_pupil).how_to_support_me == STRATEGIES
    assert not AuditEntry.objects.filter(action="send.passport.changed").exists()


@pytest.mark.parametrize("role", ["class_teacher", "teaching_assistant", "sendco"])
def test_the_class_teacher_the_ta_and_the_sendco_write_the_passport(request, login, role, send_pupil):
    user = request.getfixturevalue(role)
    client = login(user)
    form = client.get(f"/send/pupils/{send_pupil.pk}/passport/")
    assert form.status_code == 200
    data = {
        "liked_and_admired": "Kind",
        "important_to_me": "Biscuit",
        "how_to_support_me": "Sit near the front",
        "expected_version": form.context["form"].fields["expected_version"].initial,
    }
    response = client.post(f"/send/pupils/{send_pupil.pk}/passport/", data)
    assert response.status_code == 302
    assert PupilPassport.objects.get(pupil=send_pupil).how_to_support_me == "Sit near the front"
    assert AuditEntry.objects.filter(action="send.passport.changed", actor=user).exists()


def test_a_teacher_cannot_write_the_passport_of_another_classs_pupil(login, class_teacher, other_class_pupil):
    response = login(class_teacher).post(
        f"/send/pupils/{other_class_pupil.pk}/passport/",
        {"liked_and_admired": "x", "important_to_me": "x", "how_to_support_me": "x"},
    )
    assert response.status_code == 404
    assert not PupilPassport.objects.filter(pupil=other_class_pupil).exists()


def test_the_headteacher_reads_the_passport_but_is_not_offered_to_edit_it(login, headteacher, send_pupil):
    page = login(headteacher).get(f"/send/pupils/{send_pupil.pk}/").content.decode()
    assert "one step at a time" in page
    assert f"/send/pupils/{send_pupil.pk}/passport/" not in page


def test_the_teacher_gets_the_full_panel(login, class_teacher, send_pupil):
    page = login(class_teacher).get(f"/send/pupils/{send_pupil.pk}/panel/").content.decode()
    assert "Follow a two-step instruction" in page
    assert f'href="/send/pupils/{send_pupil.pk}/"' in page


def test_the_need_to_know_summary_reads_the_same_queries_whatever_the_pupil(
    django_assert_num_queries, office_staff, dsl, send_pupil, school
):
    bare = f.PupilFactory(school=school)
    for user in (office_staff, dsl):
        policy.capabilities(user, school)  # the roles, once per request
        for pupil in (send_pupil, bare):
            with django_assert_num_queries(2):
                summary = selectors.need_to_know(user=user, school=school, pupil=pupil)
    assert summary["status_label"] == "Not recorded" and summary["strategies"] == ""


# --- "My class SEND" ------------------------------------------------------------------------------
def _nav(client):
    return client.get("/").content.decode()


def test_my_class_send_shows_to_staff_with_a_class(login, class_teacher, own_class):
    assert "My class SEND" in _nav(login(class_teacher))


def test_my_class_send_hides_from_a_teacher_without_a_class(client_for, school):
    teacher = f.staff(school, Role.CLASS_TEACHER, username="noclass")
    assert "My class SEND" not in _nav(client_for(teacher))


def test_my_class_send_shows_to_a_sendco_only_when_they_have_a_class(client_for, sendco, school, other_class):
    assert "My class SEND" not in _nav(client_for(sendco))
    other_class.staff.add(sendco)
    assert "My class SEND" in _nav(client_for(sendco))
    assert "My class SEND" not in _nav(client_for(f.staff(f.SchoolFactory(), Role.SENDCO, username="x")))


def test_has_own_class_is_per_school(class_teacher, school, other_school):
    assert policy.has_own_class(class_teacher, school)
    assert not policy.has_own_class(class_teacher, other_school)
