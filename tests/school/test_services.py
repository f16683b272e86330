from datetime import date

import pytest
from django.core.exceptions import ValidationError

from school import services
from school.models import AuditEntry, Membership, Pupil, Role
from tests import factories as f


def pupil_fields(**overrides):
    fields = {
        "upn": f.make_upn(501),
        "legal_first_name": "Ada",
        "legal_last_name": "Lovelace",
        "date_of_birth": date(2018, 5, 1),
        "sex": "F",
        "year_group": 3,
        "admission_date": date(2022, 9, 1),
    }
    return fields | overrides


def test_pupil_create_is_audited(school, headteacher):
    pupil = services.pupil_create(actor=headteacher, school=school, **pupil_fields())
    entry = AuditEntry.objects.get(action="school.pupil.created")
    assert entry.pupil == pupil and entry.actor == headteacher and entry.school == school
    assert entry.after["legal_first_name"] == "Ada"
    assert entry.actor_role == "Headteacher"


def test_pupil_create_rejects_a_bad_upn_and_saves_nothing(school, headteacher):
    with pytest.raises(ValidationError) as error:
        services.pupil_create(actor=headteacher, school=school, **pupil_fields(upn="A123"))
    assert "upn" in error.value.message_dict
    assert not Pupil.objects.exists() and not AuditEntry.objects.exists()


def test_pupil_update_audits_only_what_changed(pupil, headteacher):
    old_year = pupil.year_group
    assert services.pupil_update(
        actor=headteacher, pupil=pupil, year_group=old_year + 1, eal=pupil.eal, reason="Moved"
    )
    entry = AuditEntry.objects.get(action="school.pupil.changed")
    assert entry.before == {"year_group": old_year} and entry.after == {"year_group": old_year + 1}
    assert entry.reason == "Moved"


def test_unchanged_pupil_update_writes_no_audit(pupil, headteacher):
    assert not services.pupil_update(actor=headteacher, pupil=pupil, year_group=pupil.year_group)
    assert not AuditEntry.objects.exists()


def test_pupil_cannot_join_another_schools_class(pupil, other_school, headteacher):
    foreign = f.RegistrationClassFactory(school=other_school)
    with pytest.raises(ValidationError):
        services.pupil_update(actor=headteacher, pupil=pupil, registration_class=foreign)
    pupil.refresh_from_db()
    assert pupil.registration_class != foreign


def test_contact_add_creates_and_links_together(pupil, office_staff):
    link = services.pupil_contact_add(
        actor=office_staff,
        pupil=pupil,
        contact_fields={"first_name": "Sam", "last_name": "Lee", "phone": "07700 900123"},
        link_fields={"relationship": "Father", "parental_responsibility": True, "priority": 1},
    )
    assert link.contact.school == pupil.school
    assert set(AuditEntry.objects.values_list("action", flat=True)) == {
        "school.contact.created",
        "school.contact.linked",
    }
    assert AuditEntry.objects.filter(pupil=pupil).count() == 2


def test_contact_add_with_bad_email_saves_nothing(pupil, office_staff):
    with pytest.raises(ValidationError):
        services.pupil_contact_add(
            actor=office_staff,
            pupil=pupil,
            contact_fields={"first_name": "Sam", "last_name": "Lee", "email": "not-an-email"},
            link_fields={"relationship": "Father", "parental_responsibility": True, "priority": 1},
        )
    assert not pupil.contact_links.exists() and not AuditEntry.objects.exists()


def test_contact_update_and_unlink_are_audited(pupil, headteacher):
    link = f.PupilContactFactory(pupil=pupil)
    assert services.contact_update(actor=headteacher, contact=link.contact, pupil=pupil, phone="01632 960111")
    services.pupil_contact_unlink(actor=headteacher, link=link)
    assert not pupil.contact_links.exists()
    changed = AuditEntry.objects.get(action="school.contact.changed")
    assert changed.after == {"phone": "01632 960111"} and changed.pupil == pupil
    assert AuditEntry.objects.filter(action="school.contact.unlinked", pupil=pupil).exists()


def test_membership_lifecycle_is_audited(school, headteacher, own_class):
    user, membership = services.staff_user_create(
        actor=headteacher,
        school=school,
        username="newteacher",
        first_name="Nia",
        last_name="Cole",
        role=Role.CLASS_TEACHER,
    )
    assert not user.has_usable_password()
    own_class.staff.add(user)
    services.membership_update(actor=headteacher, membership=membership, role=Role.TEACHING_ASSISTANT)
    services.membership_deactivate(actor=headteacher, membership=membership)
    membership.refresh_from_db()
    assert membership.role == Role.TEACHING_ASSISTANT and not membership.is_active
    assert not own_class.staff.filter(pk=user.pk).exists()
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions == [
        "school.membership.created",
        "school.membership.changed",
        "school.membership.deactivated",
    ]


def test_headteacher_cannot_remove_own_headteacher_role(school, headteacher):
    membership = Membership.objects.get(user=headteacher, school=school)
    with pytest.raises(ValidationError):
        services.membership_deactivate(actor=headteacher, membership=membership)
    membership.refresh_from_db()
    assert membership.is_active


def test_duplicate_role_is_refused(school, headteacher, sendco):
    with pytest.raises(ValidationError):
        services.membership_create(actor=headteacher, school=school, user=sendco, role=Role.SENDCO)


def test_class_staff_must_work_at_the_school(school, headteacher, other_school_teacher):
    with pytest.raises(ValidationError):
        services.class_create(
            actor=headteacher, school=school, name="Pine", year_group=2, staff=[other_school_teacher]
        )


def test_half_terms_may_not_overlap(school, headteacher):
    year = school.academic_years.get()
    with pytest.raises(ValidationError):
        services.term_period_create(
            actor=headteacher,
            academic_year=year,
            name="Extra",
            start_date=date(2026, 10, 20),
            end_date=date(2026, 10, 30),
        )


def test_duplicate_closure_is_reported_beside_the_date(school, headteacher):
    with pytest.raises(ValidationError) as error:
        services.closure_day_create(actor=headteacher, school=school, date=date(2026, 9, 1), kind="inset")
    assert "date" in error.value.message_dict


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"am_register_opens": "08:30", "am_register_closes": "09:15"}, "am_register_closes"),
        ({"am_register_opens": "09:00", "am_register_closes": "08:45"}, "am_register_closes"),
        ({"pm_register_opens": "08:50", "pm_register_closes": "09:10"}, "pm_register_opens"),
    ],
)
def test_register_times_rules(school, headteacher, changes, field):
    from datetime import time

    changes = {k: time.fromisoformat(v) for k, v in changes.items()}
    with pytest.raises(ValidationError) as error:
        services.school_update_register_times(actor=headteacher, school=school, **changes)
    assert field in error.value.message_dict
