from datetime import date

from django.contrib.auth import get_user_model
from django.urls import reverse

from school.models import AuditEntry, ClosureDay, Membership, RegistrationClass, Role, TermPeriod
from tests import factories as f


def test_headteacher_creates_and_edits_a_class(login, headteacher, class_teacher, school):
    client = login(headteacher)
    response = client.post(
        reverse("school:class_create"), {"name": "Pine", "year_group": "2", "staff": [class_teacher.pk]}
    )
    assert response.status_code == 302
    pine = RegistrationClass.objects.get(school=school, name="Pine")
    assert list(pine.staff.all()) == [class_teacher]
    client.post(reverse("school:class_edit", args=[pine.pk]), {"name": "Pine", "year_group": "1"})
    pine.refresh_from_db()
    assert pine.year_group == 1 and not pine.staff.exists()
    assert AuditEntry.objects.filter(action__in=["school.class.created", "school.class.changed"]).count() == 2


def test_class_staff_choices_are_this_schools_staff(login, headteacher, other_school_teacher, class_teacher):
    response = login(headteacher).get(reverse("school:class_create"))
    staff = set(response.context["form"].fields["staff"].queryset)
    assert class_teacher in staff and other_school_teacher not in staff


def test_duplicate_class_name_error_beside_field(login, headteacher, own_class):
    response = login(headteacher).post(reverse("school:class_create"), {"name": "Oak", "year_group": "2"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_calendar_lists_bank_holidays_and_closures(login, headteacher):
    html = login(headteacher).get(reverse("school:calendar")).content.decode()
    assert "Easter Monday" in html and "Mon 29 Mar 2027" in html
    assert "Christmas Day" in html
    assert "Tue 1 Sep 2026" in html  # the INSET day from the fixture
    assert "Autumn 2" in html


def test_add_inset_half_day_and_remove_it(login, headteacher, school):
    client = login(headteacher)
    response = client.post(
        reverse("attendance:closure_create"),
        {"date": "2026-11-20", "kind": "inset", "sessions": "AM", "reason": "Training"},
    )
    assert response.status_code == 302
    closure = ClosureDay.objects.get(school=school, date=date(2026, 11, 20))
    assert closure.sessions == "AM"
    client.post(reverse("school:closure_delete", args=[closure.pk]), {"confirm": "yes"})
    assert not ClosureDay.objects.filter(pk=closure.pk).exists()
    assert AuditEntry.objects.filter(action="school.calendar.closure_deleted").exists()


def test_half_term_outside_its_year_is_refused(login, headteacher, school):
    year = school.academic_years.get()
    response = login(headteacher).post(
        reverse("school:term_period_create"),
        {"academic_year": year.pk, "name": "Summer 3", "start_date": "2027-09-06", "end_date": "2027-09-10"},
    )
    assert response.status_code == 200 and "inside its academic year" in response.content.decode()
    assert not TermPeriod.objects.filter(name="Summer 3").exists()


def test_new_year_and_half_term(login, headteacher, school):
    client = login(headteacher)
    client.post(
        reverse("school:academic_year_create"),
        {"name": "2027/28", "start_date": "2027-09-01", "end_date": "2028-08-31"},
    )
    year = school.academic_years.get(name="2027/28")
    response = client.post(
        reverse("school:term_period_create"),
        {"academic_year": year.pk, "name": "Autumn 1", "start_date": "2027-09-02", "end_date": "2027-10-22"},
    )
    assert response.status_code == 302 and year.periods.count() == 1


def test_register_times(login, headteacher, school):
    client = login(headteacher)
    data = {
        "am_register_opens": "08:40",
        "am_register_closes": "09:10",
        "pm_register_opens": "13:00",
        "pm_register_closes": "13:20",
    }
    assert client.post(reverse("school:register_times"), data).status_code == 302
    school.refresh_from_db()
    assert school.am_register_closes.strftime("%H:%M") == "09:10"
    response = client.post(reverse("school:register_times"), data | {"am_register_closes": "09:30"})
    assert "at most 30 minutes" in response.content.decode()


def test_the_set_up_tabs_reach_the_type_of_school_and_mark_the_page_shown(login, headteacher):
    """The type-of-school page had no tab: a headteacher on it saw no tab as current and could not
    reach it from the other set-up pages except through the overview."""
    client = login(headteacher)
    kind_url = reverse("school:school_kind")
    page = client.get(reverse("school:register_times")).content.decode()
    assert f'href="{kind_url}">Type of school</a>' in page
    page = client.get(kind_url).content.decode()
    assert f'aria-current="page" href="{kind_url}">Type of school</a>' in page
    calendar_url = reverse("school:calendar")
    page = client.get(reverse("attendance:closure_create")).content.decode()
    assert f'aria-current="page" href="{calendar_url}">Calendar</a>' in page


def test_add_new_staff_member_gets_a_one_time_link(login, headteacher, school, client):
    response = login(headteacher).post(
        reverse("school:staff_add"),
        {"username": "newbie", "first_name": "Nell", "last_name": "Ward", "role": Role.CLASS_TEACHER},
    )
    membership = Membership.objects.get(user__username="newbie", school=school)
    assert response["Location"] == reverse("school:staff_password_link", args=[membership.pk])
    link = client.get(response["Location"]).context["link"]
    client.logout()
    page = client.get(link, follow=True)
    assert page.context["validlink"]
    done = client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "a-long-new-passphrase", "new_password2": "a-long-new-passphrase"},
    )
    assert done.status_code == 302
    user = get_user_model().objects.get(username="newbie")
    assert user.check_password("a-long-new-passphrase")
    # The link works once.
    assert not client.get(link, follow=True).context["validlink"]


def test_existing_staff_member_can_get_another_role(login, headteacher, sendco, school):
    login(headteacher).post(reverse("school:staff_add"), {"username": "SENDCO", "role": Role.DSL})
    assert set(Membership.objects.filter(user=sendco).values_list("role", flat=True)) == {
        Role.SENDCO,
        Role.DSL,
    }


def test_someone_elses_username_is_not_attached(login, headteacher, other_school_teacher):
    response = login(headteacher).post(
        reverse("school:staff_add"), {"username": "otherteacher", "role": Role.DSL}
    )
    assert "username is taken" in response.content.decode()
    assert not Membership.objects.filter(user=other_school_teacher, role=Role.DSL).exists()


def test_change_role_and_deactivate(login, headteacher, sendco, school):
    client = login(headteacher)
    membership = Membership.objects.get(user=sendco)
    client.post(reverse("school:membership_edit", args=[membership.pk]), {"role": Role.DSL})
    membership.refresh_from_db()
    assert membership.role == Role.DSL
    client.post(reverse("school:membership_deactivate", args=[membership.pk]), {"confirm": "yes"})
    membership.refresh_from_db()
    assert not membership.is_active


def test_headteacher_cannot_deactivate_self_in_browser(login, headteacher):
    membership = Membership.objects.get(user=headteacher)
    response = login(headteacher).post(
        reverse("school:membership_deactivate", args=[membership.pk]), {"confirm": "yes"}
    )
    assert "cannot remove your own" in response.content.decode()


def test_audit_log_filters_by_action_and_pupil(login, headteacher, pupil, other_class_pupil):
    from school import services

    services.pupil_update(actor=headteacher, pupil=pupil, year_group=4)
    services.pupil_update(actor=headteacher, pupil=other_class_pupil, year_group=5)
    f.staff(pupil.school, Role.OFFICE_STAFF, username="x")
    client = login(headteacher)
    by_pupil = client.get(reverse("school:audit_log"), {"pupil": pupil.pk})
    assert [e.pupil_id for e in by_pupil.context["page"].object_list] == [pupil.pk]
    by_action = client.get(reverse("school:audit_log"), {"action": "school.pupil.changed"})
    assert len(by_action.context["page"].object_list) == 2
    assert "year_group" in by_action.content.decode()


def test_audit_log_shows_only_this_school(login, headteacher, other_school_pupil, other_school_teacher):
    from school import services

    services.pupil_update(actor=other_school_teacher, pupil=other_school_pupil, year_group=5)
    response = login(headteacher).get(reverse("school:audit_log"))
    assert not response.context["page"].object_list


def test_setup_page_links_login_history_and_retention_for_the_headteacher(login, headteacher):
    html = login(headteacher).get("/school/manage/").content.decode()
    assert "/accounts/login-history/" in html and "/accounts/retention/" in html
