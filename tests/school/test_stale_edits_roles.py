"""Two heads changing one person's role at once: the second is refused and told who changed it."""

import re

import pytest
import time_machine
from django.urls import reverse

from school.models import Membership, Role
from tests import factories as f

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-12-01 10:42", tick=False)
def test_second_role_change_is_refused_and_says_who_changed_it(client_for, headteacher, sendco, school):
    headteacher.first_name, headteacher.last_name = "Jane", "Smith"
    headteacher.save()
    deputy = f.staff(school, Role.HEADTEACHER, username="head2")
    membership = Membership.objects.get(user=sendco, school=school)
    url = reverse("school:membership_edit", args=[membership.pk])
    jane, other = client_for(headteacher), client_for(deputy)
    versions = [
        re.search(r'name="expected_version" value="(\d+)"', c.get(url).content.decode()).group(1)
        for c in (jane, other)
    ]

    assert (
        jane.post(url, {"role": Role.TEACHING_ASSISTANT, "expected_version": versions[0]}).status_code == 302
    )
    page = other.post(url, {"role": Role.CLASS_TEACHER, "expected_version": versions[1]})

    text = re.sub(r"\s+", " ", page.content.decode())
    assert "Someone else changed this while you were editing: Jane Smith" in text
    assert "at 10:42 changed Role from ‘SENDCo’ to ‘Teaching assistant’." in text
    membership.refresh_from_db()
    assert membership.role == Role.TEACHING_ASSISTANT
