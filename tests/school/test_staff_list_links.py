"""The staff list offers "Change role" and "Remove role" only where the viewer may use them."""

import pytest
from django.urls import reverse

from school.models import Membership

pytestmark = pytest.mark.django_db


def test_a_head_sees_role_links_only_for_roles_they_may_take_away(
    login, headteacher, sendco, trust_lead, school
):
    page = login(headteacher).get(reverse("school:staff_list")).content.decode()

    def links(user):
        pk = Membership.objects.get(user=user, school=school).pk
        return (
            reverse("school:membership_edit", args=[pk]) in page,
            reverse("school:membership_deactivate", args=[pk]) in page,
        )

    assert links(sendco) == (True, True)
    assert links(trust_lead) == (False, False)  # only a trust lead grants or removes it
    assert links(headteacher) == (False, False)  # nobody changes their own role
