"""A trust lead works across the schools of their own trust, never another trust's."""

from school import policy
from school.models import Role
from tests import factories as f


def test_trust_lead_reaches_every_school_of_the_trust_and_no_other(db):
    trust = f.TrustFactory(name="Riverside Trust")
    first = f.SchoolFactory(trust=trust, name="Riverside North")
    second = f.SchoolFactory(trust=trust, name="Riverside South")
    stranger = f.SchoolFactory(name="Other Trust Primary")
    lead = f.staff(first, Role.TRUST_LEAD, username="lead")
    teacher = f.staff(first, Role.CLASS_TEACHER, username="plainteacher")

    assert set(policy.schools_for(lead)) == {first, second}
    assert policy.roles_at(lead, second) == {Role.TRUST_LEAD}
    assert policy.roles_at(lead, stranger) == frozenset()
    assert set(policy.schools_for(teacher)) == {first}


def test_trust_lead_switches_school_and_sees_only_trust_schools(client_for, db):
    trust = f.TrustFactory(name="Riverside Trust")
    first = f.SchoolFactory(trust=trust, name="Riverside North")
    second = f.SchoolFactory(trust=trust, name="Riverside South")
    stranger = f.SchoolFactory(name="Other Trust Primary")
    f.PupilFactory(school=second, legal_first_name="Wilhelmina")
    f.PupilFactory(school=stranger, legal_first_name="Bartholomew")
    client = client_for(f.staff(first, Role.TRUST_LEAD, username="lead"))

    client.post("/school/switch-school/", {"school": second.pk})
    page = client.get("/school/pupils/").content.decode()
    assert "Wilhelmina" in page and "Bartholomew" not in page

    client.post("/school/switch-school/", {"school": stranger.pk})  # not theirs: ignored
    page = client.get("/school/pupils/").content.decode()
    assert "Bartholomew" not in page
