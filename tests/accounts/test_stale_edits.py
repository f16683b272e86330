"""Two people correcting one request for records at once: the second is refused and told who
changed it, and the first correction stays (school.editing)."""

import re
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from accounts import services
from accounts.models import RecordRequest
from tests import factories as f

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-12-01 10:42", tick=False)
def test_second_correction_of_a_request_is_refused_and_says_who(client_for, headteacher, school, pupil):
    headteacher.first_name, headteacher.last_name = "Jane", "Smith"
    headteacher.save()
    deputy = f.staff(school, "headteacher", username="head2")
    record_request = services.record_request_create(
        actor=headteacher,
        school=school,
        pupil=pupil,
        kind="subject_access",
        requester_name="Dana Whitlow",
        requester_relationship="Mother",
        received_on=date(2026, 11, 20),
        identity_checked=True,
    )
    url = reverse("accounts:record_request_edit", args=[record_request.pk])
    jane, other = client_for(headteacher), client_for(deputy)
    versions = [
        re.search(r'name="expected_version" value="(\d+)"', c.get(url).content.decode()).group(1)
        for c in (jane, other)
    ]
    post = {"kind": "subject_access", "requester_relationship": "Mother", "received_on": "2026-11-20"}

    assert (
        jane.post(
            url, post | {"requester_name": "Dana Whitlow-Reed", "expected_version": versions[0]}
        ).status_code
        == 302
    )
    page = other.post(url, post | {"requester_name": "D. Whitlow", "expected_version": versions[1]})

    text = re.sub(r"\s+", " ", page.content.decode())
    assert "Someone else changed this while you were editing: Jane Smith" in text and "at 10:42" in text
    assert RecordRequest.objects.get(pk=record_request.pk).requester_name == "Dana Whitlow-Reed"
