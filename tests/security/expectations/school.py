"""Who may use the school app's pages (see tests/security/matrix.py)."""

from school import policy
from school.models import ClosureDay, Membership, Role
from tests.security.matrix import EVERY_STAFF_ROLE, Expect, roles_with


def setup(world):
    world.link = world.pupil.contact_links.get()
    world.other_class_link = world.other_class_pupil.contact_links.create(
        contact=world.contact, relationship="Mother", priority=1
    )
    world.foreign_link = world.other_school_pupil.contact_links.get()
    world.closure = ClosureDay.objects.create(school=world.school, date="2026-10-05", kind="inset")
    world.foreign_closure = ClosureDay.objects.create(
        school=world.other_school, date="2026-10-05", kind="inset"
    )
    world.year = world.school.academic_years.get()
    world.foreign_year = world.other_school.academic_years.get()
    world.period = world.year.periods.first()
    world.foreign_period = world.foreign_year.periods.first()
    # A membership the headteacher may change: the office role (not the headteacher's own).
    world.membership = Membership.objects.get(school=world.school, role=Role.OFFICE_STAFF)
    world.foreign_membership = Membership.objects.get(school=world.other_school)
    world.new_user_membership = Membership.objects.create(
        user=_passwordless_user(), school=world.school, role=Role.TEACHING_ASSISTANT
    )
    world.foreign_new_user_membership = Membership.objects.create(
        user=_passwordless_user("matrix-foreign-new"), school=world.other_school, role=Role.TEACHING_ASSISTANT
    )

    # A passwordless trust lead: the trust lead may hand out this one's set-password link.
    world.new_trust_lead_membership = Membership.objects.create(
        user=_passwordless_user("matrix-new-lead"), school=world.school, role=Role.TRUST_LEAD
    )
    world.foreign_new_trust_lead_membership = Membership.objects.create(
        user=_passwordless_user("matrix-foreign-lead"), school=world.other_school, role=Role.TRUST_LEAD
    )


def _passwordless_user(username="matrix-new"):
    from django.contrib.auth import get_user_model

    user = get_user_model()(username=username)
    user.set_unusable_password()
    user.save()
    return user


VIEW = roles_with(policy.VIEW_PUPILS)
# A class teacher at another school may use the pupil list, but the world's pupil is not theirs.
VIEW_OBJECT = VIEW - {"other_school_teacher"}
EDIT = roles_with(policy.EDIT_PUPILS)
MANAGE = roles_with(policy.MANAGE_SCHOOL)
TRUST = roles_with(policy.GRANT_TRUST_ROLES)


def _pupil(w):
    return {"pk": w.pupil.pk}


def _link(w):
    return {"pk": w.pupil.pk, "link_pk": w.link.pk}


EXPECTATIONS = {
    # The world's two schools are in different trusts: the other school is another trust's.
    "school:trust_staff": Expect(get=TRUST),
    "school:trust_staff_add": Expect(
        get=TRUST,
        post=TRUST,
        kwargs=lambda w: {"school_pk": w.school.pk},
        foreign=lambda w: {"school_pk": w.other_school.pk},
    ),
    "school:trust_staff_password_link": Expect(
        get=TRUST,
        kwargs=lambda w: {"pk": w.new_trust_lead_membership.pk},
        foreign=lambda w: {"pk": w.foreign_new_trust_lead_membership.pk},
    ),
    "school:pupil_list": Expect(get=VIEW),
    "school:pupil_detail": Expect(
        get=VIEW_OBJECT,
        kwargs=_pupil,
        foreign=lambda w: {"pk": w.other_school_pupil.pk},
        class_scoped=lambda w: {"pk": w.other_class_pupil.pk},
    ),
    "school:pupil_create": Expect(get=EDIT, post=EDIT),
    "school:pupil_edit": Expect(
        get=EDIT,
        post=EDIT,
        kwargs=_pupil,
        foreign=lambda w: {"pk": w.other_school_pupil.pk},
        class_scoped=lambda w: {"pk": w.other_class_pupil.pk},
    ),
    "school:pupil_class_move": Expect(
        get=EDIT,
        post=EDIT,
        kwargs=_pupil,
        foreign=lambda w: {"pk": w.other_school_pupil.pk},
        class_scoped=lambda w: {"pk": w.other_class_pupil.pk},
    ),
    "school:contact_add": Expect(
        get=EDIT,
        post=EDIT,
        kwargs=_pupil,
        foreign=lambda w: {"pk": w.other_school_pupil.pk},
        class_scoped=lambda w: {"pk": w.other_class_pupil.pk},
    ),
    "school:contact_edit": Expect(
        get=EDIT,
        post=EDIT,
        kwargs=_link,
        foreign=lambda w: {"pk": w.other_school_pupil.pk, "link_pk": w.foreign_link.pk},
        class_scoped=lambda w: {"pk": w.other_class_pupil.pk, "link_pk": w.other_class_link.pk},
    ),
    "school:contact_remove": Expect(
        get=EDIT,
        post=EDIT,
        kwargs=_link,
        foreign=lambda w: {"pk": w.other_school_pupil.pk, "link_pk": w.foreign_link.pk},
        class_scoped=lambda w: {"pk": w.other_class_pupil.pk, "link_pk": w.other_class_link.pk},
    ),
    "school:pupil_import": Expect(
        get=roles_with(policy.IMPORT_PUPILS), post=roles_with(policy.IMPORT_PUPILS)
    ),
    "school:audit_log": Expect(get=roles_with(policy.VIEW_AUDIT)),
    "school:manage": Expect(get=MANAGE),
    "school:class_list": Expect(get=MANAGE),
    "school:class_create": Expect(get=MANAGE, post=MANAGE),
    "school:class_edit": Expect(
        get=MANAGE,
        post=MANAGE,
        kwargs=lambda w: {"pk": w.own_class.pk},
        foreign=lambda w: {"pk": w.foreign_class.pk},
    ),
    "school:calendar": Expect(get=MANAGE),
    "school:academic_year_create": Expect(get=MANAGE, post=MANAGE),
    "school:academic_year_edit": Expect(
        get=MANAGE,
        post=MANAGE,
        kwargs=lambda w: {"pk": w.year.pk},
        foreign=lambda w: {"pk": w.foreign_year.pk},
    ),
    "school:term_period_create": Expect(get=MANAGE, post=MANAGE),
    "school:term_period_edit": Expect(
        get=MANAGE,
        post=MANAGE,
        kwargs=lambda w: {"pk": w.period.pk},
        foreign=lambda w: {"pk": w.foreign_period.pk},
    ),
    "school:closure_delete": Expect(
        get=MANAGE,
        post=MANAGE,
        kwargs=lambda w: {"pk": w.closure.pk},
        foreign=lambda w: {"pk": w.foreign_closure.pk},
    ),
    "school:register_times": Expect(get=MANAGE, post=MANAGE),
    "school:school_kind": Expect(get=MANAGE, post=MANAGE),
    "school:staff_list": Expect(get=MANAGE),
    "school:staff_add": Expect(get=MANAGE, post=MANAGE),
    "school:membership_edit": Expect(
        get=MANAGE,
        post=MANAGE,
        kwargs=lambda w: {"pk": w.membership.pk},
        foreign=lambda w: {"pk": w.foreign_membership.pk},
    ),
    "school:membership_deactivate": Expect(
        get=MANAGE,
        post=MANAGE,
        kwargs=lambda w: {"pk": w.membership.pk},
        foreign=lambda w: {"pk": w.foreign_membership.pk},
    ),
    "school:staff_password_link": Expect(
        get=MANAGE,
        kwargs=lambda w: {"pk": w.new_trust_lead_membership.pk},
        foreign=lambda w: {"pk": w.foreign_new_trust_lead_membership.pk},
    ),
    # Public by design: the one-time link is the credential. An invalid token shows "link no longer works".
    "school:set_password": Expect(
        get=EVERY_STAFF_ROLE,
        post=EVERY_STAFF_ROLE,
        public=True,
        kwargs=lambda w: {"uidb64": "MQ", "token": "bad-token"},
    ),
}
