"""The status date can be set: a status change recorded late says the day it took effect, never a
future day nor one before the pupil joined the school (refused beside the field)."""

from datetime import date

import pytest
import time_machine

from school.models import AuditEntry
from send.models import SendRecord, SendStatusChange
from send.status_effective_date import effective_date_problem

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-12-01 10:00", tick=False)
def test_a_status_change_recorded_late_takes_effect_on_the_date_given(login, sendco, pupil):
    client = login(sendco)
    assert 'name="effective_on"' in client.get(f"/send/pupils/{pupil.pk}/status/").content.decode()
    response = client.post(
        f"/send/pupils/{pupil.pk}/status/",
        {"to_status": "ehc_plan", "reason": "Plan issued by the LA", "effective_on": "2026-11-20"},
    )
    assert response.status_code == 302
    assert SendRecord.objects.get(pupil=pupil).status_since == date(2026, 11, 20)
    change = SendStatusChange.objects.get(pupil=pupil)
    assert change.effective_on == date(2026, 11, 20) and change.recorded_later
    page = client.get(f"/send/pupils/{pupil.pk}/").content.decode()
    assert "since 20 Nov 2026" in page and "(recorded 1 Dec 2026)" in page


@time_machine.travel("2026-12-01 10:00", tick=False)
def test_no_date_means_today(login, sendco, pupil):
    login(sendco).post(f"/send/pupils/{pupil.pk}/status/", {"to_status": "monitoring", "reason": "Concern"})
    assert SendRecord.objects.get(pupil=pupil).status_since == date(2026, 12, 1)


@time_machine.travel("2026-12-01 10:00", tick=False)
@pytest.mark.parametrize(
    ("on", "message"),
    [
        ("2026-12-02", "cannot be in the future"),
        ("2022-08-31", "cannot be before the pupil joined the school (1 September 2022)"),
    ],
)
def test_future_and_pre_admission_dates_are_refused_beside_the_field(login, sendco, pupil, on, message):
    pupil.admission_date = date(2022, 9, 1)
    pupil.save()
    response = login(sendco).post(
        f"/send/pupils/{pupil.pk}/status/",
        {"to_status": "monitoring", "reason": "Concern", "effective_on": on},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'id="error_1_id_effective_on"' in page  # beside the date field, not at the top
    assert not SendRecord.objects.exists() and not AuditEntry.objects.exists()


def test_effective_date_boundaries():
    today, admitted = date(2026, 12, 1), date(2022, 9, 1)
    assert effective_date_problem(today, today=today, admitted_on=admitted) == ""
    assert effective_date_problem(admitted, today=today, admitted_on=admitted) == ""
    assert effective_date_problem(date(2026, 12, 2), today=today, admitted_on=admitted)
    assert effective_date_problem(date(2022, 8, 31), today=today, admitted_on=admitted)
    assert effective_date_problem(date(2000, 1, 1), today=today, admitted_on=None) == ""
