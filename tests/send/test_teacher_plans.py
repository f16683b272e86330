"""Class teachers write the plan with the SENDCo (seed 001, role of the class teacher): the assessment,
SMART targets and the review, for pupils in their own classes only. Teaching assistants read them."""

import pytest
import time_machine

from school.models import AuditEntry
from send.models import SupportCycle, Target
from tests import factories as f

TARGET = {
    "area_of_need": "communication",
    "target": "Ask for help using his help card",
    "success_criteria": "4 times out of 5 in maths lessons",
    "strategies": "Help card on the desk; adult models it",
    "provision": "Talk group",
    "responsible": "Class teacher",
    "review_date": "2026-12-04",
}


@pytest.fixture
def cycle(pupil, sendco):
    return f.SupportCycleFactory(pupil=pupil, stage="plan", created_by=sendco)


def test_class_teacher_adds_and_edits_a_target_for_their_pupil(login, class_teacher, cycle):
    client = login(class_teacher)
    page = client.get(f"/send/cycles/{cycle.pk}/").content.decode()
    assert f"/send/cycles/{cycle.pk}/targets/new/" in page  # the teacher is offered the button

    response = client.post(f"/send/cycles/{cycle.pk}/targets/new/", TARGET)
    assert response.status_code == 302
    target = Target.objects.get(cycle=cycle)
    assert target.target == "Ask for help using his help card"
    added = AuditEntry.objects.get(action="send.target.added", object_id=str(target.pk))
    assert added.actor == class_teacher and added.pupil == cycle.pupil

    response = client.post(f"/send/targets/{target.pk}/", TARGET | {"success_criteria": "5 times out of 5"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.success_criteria == "5 times out of 5"
    changed = AuditEntry.objects.get(action="send.target.changed", object_id=str(target.pk))
    assert changed.before["success_criteria"] == "4 times out of 5 in maths lessons"
    assert changed.after["success_criteria"] == "5 times out of 5"


@time_machine.travel("2026-12-07 09:00", tick=False)  # after the review on 4 December
def test_class_teacher_records_the_review_of_their_pupil(login, class_teacher, pupil):
    cycle = f.SupportCycleFactory(pupil=pupil, stage="review")
    target = f.TargetFactory(cycle=cycle)
    response = login(class_teacher).post(
        f"/send/cycles/{cycle.pk}/review/",
        {
            "reviewed_on": "2026-12-04",
            "next_steps": "Keep the help card",
            "led_by": "Ms Khan",
            "decision": "stay",
            f"outcome_{target.pk}": "partly",
            f"evidence_{target.pk}": "3 of 5 lessons",
        },
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.outcome, target.outcome_evidence) == ("partly", "3 of 5 lessons")
    assert AuditEntry.objects.get(action="send.target.reviewed").actor == class_teacher


def test_teacher_cannot_plan_for_another_class(login, class_teacher, other_class_pupil):
    cycle = f.SupportCycleFactory(pupil=other_class_pupil, stage="plan")
    target = f.TargetFactory(cycle=cycle, target="Unchanged")
    client = login(class_teacher)
    assert client.post(f"/send/cycles/{cycle.pk}/targets/new/", TARGET).status_code == 404
    assert client.post(f"/send/targets/{target.pk}/", TARGET).status_code == 404
    assert list(Target.objects.filter(cycle=cycle).values_list("target", flat=True)) == ["Unchanged"]
    assert not AuditEntry.objects.filter(action__startswith="send.target").exists()


def test_teaching_assistant_reads_but_does_not_write_targets(login, teaching_assistant, cycle):
    target = f.TargetFactory(cycle=cycle, strategies="Visual timetable")
    client = login(teaching_assistant)
    page = client.get(f"/send/cycles/{cycle.pk}/").content.decode()
    assert (
        "Visual timetable" in page
        and "/targets/new/" not in page
        and f"/send/targets/{target.pk}/" not in page
    )
    assert client.post(f"/send/cycles/{cycle.pk}/targets/new/", TARGET).status_code == 403
    assert Target.objects.filter(cycle=cycle).count() == 1


def test_stage_moves_stay_with_the_sendco(login, class_teacher, cycle):
    f.TargetFactory(cycle=cycle)
    response = login(class_teacher).post(f"/send/cycles/{cycle.pk}/stage/", {"to_stage": "do"})
    assert response.status_code == 403
    assert SupportCycle.objects.get(pk=cycle.pk).stage == "plan"


def test_a_closed_cycle_target_is_not_offered_for_editing(login, sendco, pupil):
    cycle = f.SupportCycleFactory(pupil=pupil, stage="closed")
    target = f.TargetFactory(cycle=cycle, target="Kept as it was")
    response = login(sendco).get(f"/send/targets/{target.pk}/", follow=True)
    assert "This cycle is closed, so its targets can no longer be changed." in response.content.decode()
    assert response.redirect_chain[-1][0] == f"/send/cycles/{cycle.pk}/"
