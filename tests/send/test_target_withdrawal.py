"""A mistaken target is withdrawn with a reason, never deleted; the SENDCo restores it within 30 days."""

import time_machine
from django.urls import reverse

from school.models import AuditEntry
from send.models import Target
from tests import factories as f
from tests.send.test_cycles import pdf_text


def test_a_withdrawn_target_leaves_the_plan_and_can_be_restored_for_30_days(
    login, class_teacher, sendco, pupil
):
    cycle = f.SupportCycleFactory(pupil=pupil, stage="plan")
    f.TargetFactory(cycle=cycle, target="Read 20 words")
    mistake = f.TargetFactory(cycle=cycle, target="Typed twice by mistake")
    teacher = login(class_teacher)
    url = reverse("send:target_withdraw", args=[mistake.pk])

    assert teacher.post(url, {"reason": ""}).status_code == 200
    assert Target.objects.current().filter(pk=mistake.pk).exists()  # no reason: nothing withdrawn
    with time_machine.travel("2026-11-01 09:00", tick=False):
        assert teacher.post(url, {"reason": "Entered twice"}).status_code == 302

    assert Target.objects.filter(pk=mistake.pk).exists()  # never deleted
    entry = AuditEntry.objects.get(action="send.target.withdrawn")
    assert entry.reason == "Entered twice" and entry.object_id == str(mistake.pk)
    page = teacher.get(reverse("send:cycle_detail", args=[cycle.pk])).content.decode()
    assert "Read 20 words" in page
    assert "Withdrawn targets (1)" in page
    plan = "".join(pdf_text(teacher.get(f"/send/cycles/{cycle.pk}/plan.pdf")).split())
    assert "Read20words" in plan and "Typedtwice" not in plan

    # A class teacher cannot restore; the SENDCo can, up to 30 days after the withdrawal.
    restore = reverse("send:target_restore", args=[mistake.pk])
    assert teacher.post(restore).status_code == 403
    sendco_client = login(sendco)
    with time_machine.travel("2026-12-01 09:01", tick=False):
        sendco_client.post(restore)
    assert Target.objects.withdrawn().filter(pk=mistake.pk).exists()  # too late: still withdrawn
    with time_machine.travel("2026-12-01 09:00", tick=False):
        assert sendco_client.post(restore).status_code == 302
    assert Target.objects.current().filter(pk=mistake.pk).exists()
    assert AuditEntry.objects.filter(action="send.target.restored").count() == 1
