"""Two heads changing one person's role at once: the second is refused and told who changed it."""

import re

import pytest
import time_machine
from django.urls import reverse

from school.models import AuditEntry, Membership, Role, School
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


@time_machine.travel("2026-12-01 10:42", tick=False)
def test_second_removal_of_a_role_is_refused_and_says_who_removed_it(client_for, headteacher, sendco, school):
    headteacher.first_name, headteacher.last_name = "Jane", "Smith"
    headteacher.save()
    deputy = f.staff(school, Role.HEADTEACHER, username="head2")
    membership = Membership.objects.get(user=sendco, school=school)
    url = reverse("school:membership_deactivate", args=[membership.pk])
    jane, other = client_for(headteacher), client_for(deputy)
    for c in (jane, other):
        assert c.get(url).status_code == 200

    assert jane.post(url, {"confirm": "yes"}).status_code == 302
    page = other.post(url, {"confirm": "yes"})

    text = re.sub(r"\s+", " ", page.content.decode())
    assert "This role was already removed by Jane Smith (Headteacher) at 10:42" in text
    assert list(
        AuditEntry.objects.filter(action="school.membership.deactivated").values_list("actor_name", flat=True)
    ) == ["Jane Smith"]
    membership.refresh_from_db()
    assert not membership.is_active


@time_machine.travel("2026-12-01 10:42", tick=False)
def test_second_change_of_the_type_of_school_is_refused_and_says_who(client_for, headteacher, school):
    headteacher.first_name, headteacher.last_name = "Jane", "Smith"
    headteacher.save()
    deputy = f.staff(school, Role.HEADTEACHER, username="head2")
    url = reverse("school:school_kind")
    jane, other = client_for(headteacher), client_for(deputy)
    versions = [
        re.search(r'name="expected_version" value="(\d+)"', c.get(url).content.decode()).group(1)
        for c in (jane, other)
    ]
    first, second = (School.Kind.ACADEMY, School.Kind.MAINTAINED)
    if school.kind == School.Kind.ACADEMY:
        first, second = second, first

    assert jane.post(url, {"kind": first, "expected_version": versions[0]}).status_code == 302
    page = other.post(url, {"kind": second, "expected_version": versions[1]})

    text = re.sub(r"\s+", " ", page.content.decode())
    assert "Someone else changed this while you were editing: Jane Smith (Headteacher) at 10:42" in text
    school.refresh_from_db()
    assert school.kind == first
