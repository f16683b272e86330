"""Two heads deciding one leave request at once: the second is told who decided it, and the database
keeps the first decision (school.editing.ensure_still)."""

import re
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from attendance import services
from school.models import AuditEntry, Role
from tests import factories as f

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-11-30 10:42", tick=False)
def test_second_decision_on_one_leave_request_is_told_who_decided(
    client_for, office_staff, headteacher, school, pupil
):
    headteacher.first_name, headteacher.last_name = "Jane", "Smith"
    headteacher.save()
    deputy = f.staff(school, Role.HEADTEACHER, username="head2")
    leave = services.leave_request_create(
        actor=office_staff,
        school=school,
        pupil=pupil,
        requested_by="Mrs Example",
        start_date=date(2026, 12, 1),
        end_date=date(2026, 12, 1),
        reason="Family funeral",
    )
    jane, other = client_for(headteacher), client_for(deputy)

    jane.post(reverse("attendance:leave_grant", args=[leave.pk]), {"note": "Exceptional"})
    page = other.post(
        reverse("attendance:leave_refuse", args=[leave.pk]), {"note": "Not agreed"}, follow=True
    )

    text = re.sub(r"\s+", " ", page.content.decode())
    assert "This request was already granted by Jane Smith" in text and "at 10:42" in text
    assert "Your changes were not saved" in text
    leave.refresh_from_db()
    assert (leave.status, leave.decided_by, leave.decision_note) == ("granted", headteacher, "Exceptional")
    assert not AuditEntry.objects.filter(action="attendance.leave.refused").exists()
