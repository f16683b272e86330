"""A mistaken absence call is withdrawn with a reason, never deleted: it leaves the office's lists, the
records export and the nightly checks (a withdrawn call is no contact from home), the marks it coded
stay, and the SENDCo or the head restores it within 30 days."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from attendance import selectors_calls
from attendance.models import AbsenceCall, RegisterMark
from attendance.record_section import attendance as attendance_section
from graduated_response.models import Alert
from school.models import AuditEntry
from school.record_sections import WITHDRAWN
from tests.graduated_response.conftest import fill_marks
from tests.graduated_response.test_nightly import run_on

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 11)  # a Wednesday: N since Monday


def _no_contact(pupil) -> bool:
    return Alert.objects.filter(pupil=pupil, kind="no_contact").exists()


def test_a_withdrawn_call_leaves_the_lists_and_checks_and_can_be_restored_for_30_days(
    client_for, office_staff, attendance_officer, sendco, school, pupil
):
    fill_marks(pupil, date(2026, 11, 2), DAY, lambda d, s, i: "N" if d >= date(2026, 11, 9) else None)
    with time_machine.travel("2026-11-11 10:00 +0000", tick=False) as clock:
        office = client_for(office_staff)  # sessions end after 30 idle minutes: signed in at each jump
        # A parent rings: off tomorrow too (the office will chase the days already missed).
        office.post(
            reverse("attendance:absence_call_new", args=[pupil.pk]),
            {
                "caller_name": "Mother",
                "method": "phone",
                "reason": "Sickness bug",
                "code": "I",
                "first_date": "2026-11-12",
                "first_session": "AM",
                "last_date": "2026-11-12",
                "last_session": "PM",
            },
        )
        call = AbsenceCall.objects.get()
        run_on(school, DAY)
        assert not _no_contact(pupil)  # the call counts as contact from home

        url = reverse("attendance:absence_call_withdraw", args=[call.pk]) + "?from=office"
        page = office.get(url).content.decode()
        assert "The register marks this call coded stay as they are" in page
        assert office.post(url, {"reason": ""}).status_code == 200
        assert AbsenceCall.objects.current().filter(pk=call.pk).exists()  # no reason: nothing withdrawn
        clock.move_to("2026-11-11 10:05 +0000")
        response = office.post(url, {"reason": "Recorded against the wrong pupil"})
        assert response.status_code == 302 and response["Location"] == reverse("attendance:office_dashboard")

        assert AbsenceCall.objects.filter(pk=call.pk).exists()  # never deleted
        entry = AuditEntry.objects.get(action="attendance.absencecall.withdrawn")
        assert entry.reason == "Recorded against the wrong pupil" and entry.object_id == str(call.pk)
        assert entry.school == school and entry.pupil_id == pupil.pk
        dashboard = office.get(reverse("attendance:office_dashboard")).content.decode()
        recent = dashboard.split('data-testid="recent-calls"')[1].split("</ul>")[0]
        assert "None yet." in recent
        assert "Withdrawn absence calls (1)" in dashboard and "Recorded against the wrong pupil" in dashboard
        pupil_url = reverse("attendance:pupil_attendance", args=[pupil.pk])
        pupil_page = office.get(pupil_url).content.decode()
        assert "None recorded." in pupil_page and "Withdrawn absence calls (1)" in pupil_page
        # Still held, so a request for the pupil's record discloses it, flagged for the reviewer.
        (held,) = [item for item in attendance_section(pupil) if item.title.startswith("Absence call")]
        assert "Recorded against the wrong pupil" in held.data["Withdrawn"]
        assert held.flag == WITHDRAWN
        # The marks it coded stay as they were; the pupil is not back on the first-day list.
        tomorrow = RegisterMark.objects.filter(pupil=pupil, date=date(2026, 11, 12))
        assert set(tomorrow.values_list("code", flat=True)) == {"I"}
        assert selectors_calls.first_day_calls(school=school, day=date(2026, 11, 12)) == []
        # The nightly checks no longer see a call from home: the welfare call alert is raised.
        run_on(school, DAY, force=True)
        assert _no_contact(pupil)

        # Neither the office nor the attendance officer can restore; the SENDCo can, for 30 days.
        restore = reverse("attendance:absence_call_restore", args=[call.pk])
        assert f'action="{restore}"' not in pupil_page
        assert office.post(restore).status_code == 403
        assert client_for(attendance_officer).post(restore).status_code == 403
        clock.move_to("2026-12-11 10:05 +0000")
        assert f'action="{restore}"' in client_for(sendco).get(pupil_url).content.decode()  # day 30
        clock.move_to("2026-12-11 10:06 +0000")
        late = client_for(sendco)
        page = late.get(pupil_url).content.decode()
        assert f'action="{restore}"' not in page and "Withdrawn absence calls (1)" in page
        late.post(restore)
        assert AbsenceCall.objects.withdrawn().filter(pk=call.pk).exists()  # too late: still withdrawn
        clock.move_to("2026-12-11 10:05 +0000")
        assert client_for(sendco).post(restore).status_code == 302
    assert AbsenceCall.objects.current().filter(pk=call.pk).exists()
    assert AuditEntry.objects.filter(action="attendance.absencecall.restored").count() == 1
    assert any(item.title.startswith("Absence call") for item in attendance_section(pupil))
