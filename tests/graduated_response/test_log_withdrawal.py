"""A mistaken case log entry is withdrawn with a reason, never deleted: it leaves the case page and the
records export, and the SENDCo or the head (not the attendance officer) restores it within 30 days."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from graduated_response.models import Case, CommunicationLog
from graduated_response.record_section import cases as cases_section
from school.models import AuditEntry
from school.record_sections import WITHDRAWN

pytestmark = pytest.mark.django_db


def _log_items(pupil):
    return [item for item in cases_section(pupil) if item.title == "Log of conversations"]


def test_a_withdrawn_log_entry_leaves_the_case_and_can_be_restored_for_30_days(
    client_for, attendance_officer, sendco, dsl, school, pupil
):
    case = Case.objects.create(school=school, pupil=pupil, current_tier=2, opened_on=date(2026, 11, 2))
    with time_machine.travel("2026-11-23 10:00 +0000", tick=False) as clock:
        officer = client_for(attendance_officer)  # sessions end after 30 idle minutes: signed in at each jump
        officer.post(
            reverse("graduated_response:communication_add", args=[case.pk]),
            {"kind": "call", "happened_on": "2026-11-23", "with_whom": "Mother", "summary": "Agreed a plan"},
        )
        entry = CommunicationLog.objects.get()
        case_url = reverse("graduated_response:case_detail", args=[case.pk])
        url = reverse("graduated_response:communication_withdraw", args=[entry.pk])
        assert url in officer.get(case_url).content.decode()  # the Withdraw link on the entry

        assert officer.post(url, {"reason": ""}).status_code == 200
        assert CommunicationLog.objects.current().filter(pk=entry.pk).exists()  # no reason: nothing withdrawn
        clock.move_to("2026-11-23 10:05 +0000")
        assert officer.post(url, {"reason": "Written on the wrong case"}).status_code == 302

        assert CommunicationLog.objects.filter(pk=entry.pk).exists()  # never deleted
        audit = AuditEntry.objects.get(action="graduated_response.communicationlog.withdrawn")
        assert audit.reason == "Written on the wrong case" and audit.object_id == str(entry.pk)
        assert audit.school == school and audit.pupil_id == pupil.pk  # in the school's audit trail
        page = officer.get(case_url).content.decode()
        log = page.split('data-testid="communications"')[1].split("</ul>")[0]
        assert "Agreed a plan" not in log and "Nothing recorded yet." in log
        assert "Withdrawn log entries (1)" in page and "Written on the wrong case" in page
        # Still held, so a request for the pupil's record discloses it, marked and flagged for review.
        (held,) = _log_items(pupil)
        assert "Written on the wrong case" in held.rows[0]["Withdrawn"] and WITHDRAWN in held.flag

        # The attendance officer manages cases but does not restore; nor does the DSL. The SENDCo does.
        restore = reverse("graduated_response:communication_restore", args=[entry.pk])
        assert f'action="{restore}"' not in page
        assert officer.post(restore).status_code == 403
        assert client_for(dsl).post(restore).status_code == 403
        clock.move_to("2026-12-23 10:05 +0000")
        assert f'action="{restore}"' in client_for(sendco).get(case_url).content.decode()  # day 30
        clock.move_to("2026-12-23 10:06 +0000")
        client_for(sendco).post(restore)
        assert CommunicationLog.objects.withdrawn().filter(pk=entry.pk).exists()  # too late: still withdrawn
        clock.move_to("2026-12-23 10:05 +0000")
        assert client_for(sendco).post(restore).status_code == 302
    assert CommunicationLog.objects.current().filter(pk=entry.pk).exists()
    assert AuditEntry.objects.filter(action="graduated_response.communicationlog.restored").count() == 1
    assert [row["Summary"] for row in _log_items(pupil)[0].rows] == ["Agreed a plan"]
