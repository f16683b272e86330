"""The trust lead's staff pages: the staff of every school of the trust, and adding staff or giving a
role at any of them, as far as school.role_grants allows; audited like the headteacher's grants."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from school import role_grants
from school.models import AuditEntry, Membership, Role
from tests import factories as f


@pytest.fixture
def riverside(school):
    """A second school of the same trust, with its own headteacher."""
    other = f.SchoolFactory(name="Riverside Primary", trust=school.trust)
    f.staff(other, Role.HEADTEACHER, username="riverhead", first_name="Rhian", last_name="Rivers")
    return other


def _add(client, school, **data):
    return client.post(reverse("school:trust_staff_add", args=[school.pk]), data)


def test_the_trust_lead_sees_every_school_of_the_trust_and_its_staff(
    login, trust_lead, school, riverside, other_school, headteacher
):
    page = login(trust_lead).get(reverse("school:trust_staff")).content.decode()
    assert school.name in page and riverside.name in page and "Rhian Rivers" in page
    assert str(headteacher) in page
    assert other_school.name not in page  # another trust's school
    assert reverse("school:trust_staff_add", args=[riverside.pk]) in page
    assert reverse("school:trust_staff") in login(trust_lead).get(reverse("home")).content.decode()


def test_a_trust_lead_adds_a_new_trust_lead_at_another_school_of_the_trust(login, trust_lead, riverside):
    client = login(trust_lead)
    form = client.get(reverse("school:trust_staff_add", args=[riverside.pk]))
    offered = {value for value, _ in form.context["form"].fields["role"].choices}
    assert offered == set(role_grants.grantable_roles({Role.TRUST_LEAD})) == {Role.TRUST_LEAD}
    response = _add(
        client,
        riverside,
        username="deputyceo",
        first_name="Dara",
        last_name="Okafor",
        email="dara@example.org",
        role=Role.TRUST_LEAD,
    )
    membership = Membership.objects.get(user__username="deputyceo")
    assert response["Location"] == reverse("school:trust_staff_password_link", args=[membership.pk])
    assert membership.school == riverside and membership.role == Role.TRUST_LEAD and membership.is_active
    link_page = client.get(response["Location"]).content.decode()
    assert "/school/set-password/" in link_page and "Riverside Primary" in link_page
    entry = AuditEntry.objects.get(action="school.membership.created")
    assert entry.actor_id == trust_lead.pk and entry.actor_role == "Trust lead"
    assert entry.school_id == riverside.pk and entry.after["role"] == Role.TRUST_LEAD
    assert entry.after["username"] == "deputyceo"


def test_a_trust_lead_gives_the_trust_lead_role_to_someone_working_at_another_school_of_the_trust(
    login, trust_lead, school, riverside
):
    """The Riverside head becomes a trust lead too; their account is known within the trust."""
    response = _add(login(trust_lead), school, username="riverhead", role=Role.TRUST_LEAD)
    assert response["Location"] == reverse("school:trust_staff")
    assert Membership.objects.filter(user__username="riverhead", school=school, role=Role.TRUST_LEAD).exists()
    assert AuditEntry.objects.filter(action="school.membership.created", school=school).count() == 1


def test_a_school_role_is_refused_as_role_grants_says(login, trust_lead, riverside):
    client = login(trust_lead)
    response = _add(client, riverside, username="newdsl", first_name="New", last_name="Dsl", role=Role.DSL)
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not get_user_model().objects.filter(username="newdsl").exists()
    assert not AuditEntry.objects.filter(action__startswith="school.membership").exists()


def test_a_trust_lead_cannot_give_themselves_a_role(login, trust_lead, riverside):
    response = _add(login(trust_lead), riverside, username="trustlead", role=Role.TRUST_LEAD)
    assert response.context["form"].errors["role"] == [role_grants.SELF_GRANT]
    assert not Membership.objects.filter(user=trust_lead, school=riverside).exists()


def test_accounts_outside_the_trust_are_not_revealed(login, trust_lead, riverside, other_school_teacher):
    response = _add(login(trust_lead), riverside, username="otherteacher", role=Role.TRUST_LEAD)
    assert response.context["form"].errors["username"] == ["That username is taken. Choose another."]
    assert not Membership.objects.filter(user=other_school_teacher, school=riverside).exists()


def test_another_trusts_school_is_not_found(login, trust_lead, other_school):
    client = login(trust_lead)
    assert client.get(reverse("school:trust_staff_add", args=[other_school.pk])).status_code == 404
    assert _add(client, other_school, username="x", role=Role.TRUST_LEAD).status_code == 404


def test_a_head_who_is_also_trust_lead_may_give_every_role_at_their_own_school(
    login, headteacher, school, riverside
):
    Membership.objects.create(user=headteacher, school=school, role=Role.TRUST_LEAD)
    client = login(headteacher)
    own = client.get(reverse("school:trust_staff_add", args=[school.pk])).context["form"]
    there = client.get(reverse("school:trust_staff_add", args=[riverside.pk])).context["form"]
    assert {value for value, _ in own.fields["role"].choices} == set(Role.values)
    assert {value for value, _ in there.fields["role"].choices} == {Role.TRUST_LEAD}


@pytest.mark.parametrize("persona", ["headteacher", "sendco", "office_staff", "governor"])
def test_other_roles_have_no_trust_staff_page(request, client_for, persona, school):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("school:trust_staff")).status_code == 403
    assert client.get(reverse("school:trust_staff_add", args=[school.pk])).status_code == 403


def test_a_trust_lead_cannot_take_the_link_of_a_new_account_they_could_not_have_made(
    login, trust_lead, riverside
):
    """A set-password link is the account: a new SENDCo's link would give the trust lead the SENDCo's
    reach (confidential documents), which role_grants does not let them give."""
    head = Membership.objects.get(school=riverside, role=Role.HEADTEACHER).user
    new_sendco = get_user_model()(username="newsendco", first_name="Sam", last_name="Senco")
    new_sendco.set_unusable_password()
    new_sendco.save()
    membership = Membership.objects.create(user=new_sendco, school=riverside, role=Role.SENDCO)
    assert head != trust_lead
    client = login(trust_lead)
    url = reverse("school:trust_staff_password_link", args=[membership.pk])
    assert url not in client.get(reverse("school:trust_staff")).content.decode()
    assert client.get(url).status_code == 404


def test_the_trust_staff_page_does_not_query_per_member(
    login, trust_lead, school, riverside, django_assert_max_num_queries
):
    client = login(trust_lead)
    url = reverse("school:trust_staff")
    client.get(url)  # warm the session and the trust lead's roles

    def new_account(n):  # new accounts (no password yet) are the ones the set-password rule checks
        user = f.UserFactory(username=f"new{n}")
        user.set_unusable_password()
        user.save()
        Membership.objects.create(user=user, school=riverside, role=Role.TRUST_LEAD)

    new_account(0)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(1, 6):
        new_account(n)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).status_code == 200
