"""The demo's meetings: a SAM with targets, a planned SAP and a joint review with an outcome."""

from datetime import date

import time_machine

from graduated_response.models import Case
from letters import demo_meetings
from letters.models import Meeting
from tests import factories as f


@time_machine.travel("2026-11-23 10:00Z", tick=False)
def test_demo_builds_a_sam_a_sap_and_a_joint_review(school, own_class, attendance_officer, sendco):
    pupils = [f.PupilFactory(school=school, registration_class=own_class) for _ in range(3)]
    pupils[1].sen_provision = "K"
    pupils[1].save(update_fields=["sen_provision"])
    for pupil in pupils:
        f.PupilContactFactory(pupil=pupil, contact__address="1 Fictional Row", contact__postcode="ZZ1 1ZZ")
    for tier, pupil in zip((3, 2, 2), pupils, strict=True):
        Case.objects.create(school=school, pupil=pupil, current_tier=tier, opened_on=date(2026, 11, 2))
    demo_meetings.build(school=school, rng=None, today=date(2026, 11, 23))

    review = Meeting.objects.get(kind="send_review")
    assert review.pupil == pupils[1] and review.status == "held" and review.outcome == "adjustments"
    sam = Meeting.objects.get(kind="sam")
    assert sam.status == "held" and sam.targets.count() == 3
    sap = Meeting.objects.get(kind="sap")
    assert sap.status == "planned" and sap.planned_on == date(2026, 11, 30) and sap.pupil == pupils[0]
    assert list(sam.pupil.letters.values_list("code", flat=True)) == ["letter_2b"]
    assert list(sap.pupil.letters.values_list("code", flat=True)) == ["letter_3"]
