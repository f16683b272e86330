"""Who may grant what (school.role_grants): the rule, the services and the staff pages."""

import doctest

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from school import audit, policy, role_grants, services
from school.models import AuditEntry, Membership, Role
from tests import factories as f

ALL = frozenset(Role.values)
SCHOOL_ROLES = ALL - {Role.TRUST_LEAD}

# grantor's roles at the school -> the roles they may give someone else there. Written out by hand,
# not computed, so the table is the specification.
ALLOWED = {
    Role.HEADTEACHER: SCHOOL_ROLES,
    Role.SENDCO: frozenset(),
    Role.ATTENDANCE_OFFICER: frozenset(),
    Role.DSL: frozenset(),
    Role.CLASS_TEACHER: frozenset(),
    Role.TEACHING_ASSISTANT: frozenset(),
    Role.OFFICE_STAFF: frozenset(),
    Role.GOVERNOR: frozenset(),
    Role.TRUST_LEAD: frozenset({Role.TRUST_LEAD}),
}


def test_worked_examples():
    result = doctest.testmod(role_grants)
    assert result.attempted > 0 and result.failed == 0


def test_the_table_covers_every_role():
    assert set(ALLOWED) == ALL


@pytest.mark.parametrize("grantor", sorted(ALL))
@pytest.mark.parametrize("granted", sorted(ALL))
def test_every_grantor_role_by_every_granted_role(grantor, granted):
    refusal = role_grants.grant_refusal(role=granted, grantor_roles={grantor}, is_self=False)
    assert (refusal is None) == (granted in ALLOWED[grantor])


@pytest.mark.parametrize("grantor", sorted(ALL))
@pytest.mark.parametrize("granted", sorted(ALL))
def test_nobody_grants_themselves_anything(grantor, granted):
    refusal = role_grants.grant_refusal(role=granted, grantor_roles={grantor, Role.HEADTEACHER}, is_self=True)
    assert refusal == role_grants.SELF_GRANT


@pytest.mark.parametrize("granted", sorted(ALL))
def test_a_head_of_another_school_has_no_roles_here_and_grants_nothing(granted):
    assert role_grants.grant_refusal(role=granted, grantor_roles=frozenset(), is_self=False)


@pytest.mark.parametrize("granted", sorted(ALL))
def test_the_command_line_grants_anything(granted):
    assert role_grants.grant_refusal(role=granted, grantor_roles=None, is_self=False) is None


def test_a_head_who_is_also_trust_lead_grants_every_role():
    assert set(role_grants.grantable_roles({Role.HEADTEACHER, Role.TRUST_LEAD})) == ALL
    assert set(role_grants.grantable_roles({Role.HEADTEACHER})) == SCHOOL_ROLES


# --- the services ------------------------------------------------------------------------------------
def test_a_head_cannot_make_themselves_trust_lead(headteacher, school):
    with pytest.raises(ValidationError) as refused:
        services.membership_create(actor=headteacher, school=school, user=headteacher, role=Role.TRUST_LEAD)
    assert refused.value.message_dict["role"] == [role_grants.SELF_GRANT]
    assert not Membership.objects.filter(user=headteacher, role=Role.TRUST_LEAD).exists()
    assert not AuditEntry.objects.filter(action__startswith="school.membership").exists()


def test_a_head_cannot_make_anyone_trust_lead(headteacher, sendco, school):
    with pytest.raises(ValidationError) as refused:
        services.membership_create(actor=headteacher, school=school, user=sendco, role=Role.TRUST_LEAD)
    assert refused.value.message_dict["role"] == [role_grants.TRUST_ROLE]
    with pytest.raises(ValidationError):
        services.membership_update(
            actor=headteacher, membership=Membership.objects.get(user=sendco), role=Role.TRUST_LEAD
        )
    assert set(Membership.objects.filter(user=sendco).values_list("role", flat=True)) == {Role.SENDCO}


def test_a_new_account_is_not_created_for_a_refused_grant(headteacher, school):
    with pytest.raises(ValidationError):
        services.staff_user_create(
            actor=headteacher,
            school=school,
            username="mole",
            first_name="M",
            last_name="Ole",
            role=Role.TRUST_LEAD,
        )
    assert not get_user_model().objects.filter(username="mole").exists()


def test_a_head_cannot_change_or_remove_their_own_role(headteacher, school):
    extra = Membership.objects.create(user=headteacher, school=school, role=Role.DSL)
    with pytest.raises(ValidationError):
        services.membership_update(actor=headteacher, membership=extra, role=Role.SENDCO)
    with pytest.raises(ValidationError):
        services.membership_deactivate(actor=headteacher, membership=extra)
    extra.refresh_from_db()
    assert extra.role == Role.DSL and extra.is_active


def test_a_head_cannot_demote_or_remove_the_trust_lead(headteacher, trust_lead):
    membership = Membership.objects.get(user=trust_lead)
    with pytest.raises(ValidationError):
        services.membership_update(actor=headteacher, membership=membership, role=Role.GOVERNOR)
    with pytest.raises(ValidationError):
        services.membership_deactivate(actor=headteacher, membership=membership)
    membership.refresh_from_db()
    assert membership.role == Role.TRUST_LEAD and membership.is_active


def test_a_head_grants_only_at_their_own_school(headteacher, other_school, other_school_teacher):
    with pytest.raises(ValidationError) as refused:
        services.membership_create(
            actor=headteacher, school=other_school, user=other_school_teacher, role=Role.DSL
        )
    assert refused.value.message_dict["role"] == [role_grants.SCHOOL_ROLE]


def test_a_trust_lead_grants_trust_lead_at_a_school_of_the_trust(trust_lead, sendco, school):
    other = f.SchoolFactory(name="Riverside Primary", trust=school.trust)
    colleague = f.staff(other, Role.HEADTEACHER, username="riverhead")
    membership = services.membership_create(
        actor=trust_lead, school=other, user=colleague, role=Role.TRUST_LEAD
    )
    assert membership.is_active
    # ...but not a school role: that is the school's headteacher's decision.
    with pytest.raises(ValidationError):
        services.membership_create(actor=trust_lead, school=school, user=sendco, role=Role.DSL)


def test_the_command_line_grants_trust_lead(headteacher, school):
    call_command("grant_role", "head", Role.TRUST_LEAD, "--school", str(school.pk))
    assert Membership.objects.filter(user=headteacher, role=Role.TRUST_LEAD, is_active=True).exists()
    entry = AuditEntry.objects.get(action="school.membership.created")
    assert (entry.actor_id, entry.actor_name, entry.reason) == (
        None,
        "System",
        "Granted from the command line",
    )
    with pytest.raises(CommandError, match="already has that role"):
        call_command("grant_role", "head", Role.TRUST_LEAD, "--school", str(school.pk))


# --- the audit row shows the actor's role before the grant -----------------------------------------
def test_record_keeps_a_role_described_before_the_write(headteacher, school):
    before = audit.describe_actor(headteacher, school)[1]
    Membership.objects.create(user=headteacher, school=school, role=Role.TRUST_LEAD)  # the write
    entry = audit.record(
        actor=headteacher, action="school.membership.created", school=school, actor_role=before
    )
    assert entry.actor_role == "Headteacher"


def test_a_grants_audit_row_shows_the_grantors_role_before_the_grant(headteacher, sendco, school):
    services.membership_create(actor=headteacher, school=school, user=sendco, role=Role.DSL)
    services.membership_update(
        actor=headteacher,
        membership=Membership.objects.get(user=sendco, role=Role.DSL),
        role=Role.OFFICE_STAFF,
    )
    rows = AuditEntry.objects.filter(action__startswith="school.membership").order_by("id")
    assert [(row.action, row.actor_role) for row in rows] == [
        ("school.membership.created", "Headteacher"),
        ("school.membership.changed", "Headteacher"),
    ]


# --- through the pages ---------------------------------------------------------------------------------
def test_a_head_posting_trust_lead_on_add_staff_is_refused_and_nothing_is_saved(login, headteacher, school):
    client = login(headteacher)
    response = client.post(reverse("school:staff_add"), {"username": "head", "role": Role.TRUST_LEAD})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    response = client.post(
        reverse("school:staff_add"),
        {"username": "newlead", "first_name": "New", "last_name": "Lead", "role": Role.TRUST_LEAD},
    )
    assert response.status_code == 200
    assert not Membership.objects.filter(role=Role.TRUST_LEAD).exists()
    assert not get_user_model().objects.filter(username="newlead").exists()
    assert not AuditEntry.objects.filter(action__startswith="school.membership").exists()
    # And so switching school shows nothing new: the head still reaches one school only.
    assert list(policy.schools_for(headteacher)) == [school]


def test_the_add_staff_form_does_not_offer_trust_lead_to_a_head(login, headteacher):
    page = login(headteacher).get(reverse("school:staff_add"))
    offered = {value for value, _ in page.context["form"].fields["role"].choices}
    assert offered == SCHOOL_ROLES
    assert "Trust lead" not in page.content.decode()


def test_a_head_giving_themselves_another_role_sees_why_beside_the_field(login, headteacher):
    response = login(headteacher).post(reverse("school:staff_add"), {"username": "head", "role": Role.SENDCO})
    assert response.context["form"].errors["role"] == [role_grants.SELF_GRANT]
    assert set(Membership.objects.filter(user=headteacher).values_list("role", flat=True)) == {
        Role.HEADTEACHER
    }


def test_a_head_cannot_change_their_own_role_in_the_browser(login, headteacher):
    membership = Membership.objects.get(user=headteacher)
    response = login(headteacher).post(
        reverse("school:membership_edit", args=[membership.pk]), {"role": Role.DSL}
    )
    assert response.context["form"].errors["role"] == [role_grants.SELF_GRANT]
    membership.refresh_from_db()
    assert membership.role == Role.HEADTEACHER
