"""The demo's formal measures: a contract under review, a notice to improve in its period, a paid
penalty notice and a refused third one kept on the case and shown in its panel."""

from datetime import date

import time_machine
from django.urls import reverse

from graduated_response import demo_measures
from graduated_response.models import (
    AttendanceContract,
    Case,
    NoticeToImprove,
    PenaltyNotice,
    PenaltyNoticeRefusal,
)
from school.models import AuditEntry
from tests import factories as f


@time_machine.travel("2026-11-23 10:00Z", tick=False)
def test_demo_builds_every_measure(school, own_class, attendance_officer, client_for):
    cases = []
    for tier in (5, 4, 3):
        pupil = f.PupilFactory(school=school, registration_class=own_class)
        f.PupilContactFactory(pupil=pupil)
        cases.append(
            Case.objects.create(school=school, pupil=pupil, current_tier=tier, opened_on=date(2026, 9, 7))
        )
    demo_measures.build(school=school, rng=None, today=date(2026, 11, 23))

    contract = AttendanceContract.objects.get()
    assert contract.status == "agreed" and contract.case == cases[2]
    reviews = list(contract.reviews.order_by("due_on"))
    assert reviews[0].held_on and reviews[0].outcome and reviews[1].held_on is None
    assert reviews[1].due_on > date(2026, 11, 23)
    notice = NoticeToImprove.objects.get()
    assert notice.status == "in_period" and notice.period_start <= date(2026, 11, 23) < notice.period_end
    assert list(PenaltyNotice.objects.order_by("issued_on").values_list("status", "amount_paid")) == [
        ("paid", 80),
        ("paid", 160),
    ]
    refusal = PenaltyNoticeRefusal.objects.get()
    assert refusal.reasons[0].startswith("No third penalty notice")
    assert not any("No support" in r for r in refusal.reasons)  # the home visit counts
    assert AuditEntry.objects.filter(action="graduated_response.penalty_notice.refused").exists()
    panel = client_for(attendance_officer).get(
        reverse("graduated_response:panel_case_measures", args=[cases[0].pk])
    )
    text = panel.content.decode()
    assert "Penalty notices refused by the framework" in text and "No third penalty notice" in text
    assert "Paid (£80.00)" in text
