"""Follow-up tasks of a triage (send/views/tasks.py): done by the person it is for or by the SENDCo
and headteacher (MANAGE_SEND); withdrawn and restored by them only. Another school's task, and one
of a pupil outside a class teacher's class, are not found."""

from datetime import date

from django.utils import timezone

from school import policy
from send.models import Concern, FollowUpTask
from tests.security.matrix import NOBODY, Expect, roles_with

MANAGE = roles_with(policy.MANAGE_SEND)


def _task(world, pupil, *, assignee="sendco") -> FollowUpTask:
    concern = Concern.objects.create(
        school=pupil.school,
        pupil=pupil,
        raised_by=world.users["class_teacher"],
        raised_at=timezone.now(),
        area_of_need="communication",
        what_we_see="Matrix",
        evidence="Matrix",
        adjustments_in_place="Matrix",
        status=Concern.Status.TRIAGED,
        outcome=Concern.Outcome.NO_FURTHER_ACTION,
    )
    return FollowUpTask.objects.create(
        school=pupil.school,
        pupil=pupil,
        concern=concern,
        kind="observation",
        due_on=date(2026, 12, 2),
        assigned_to=world.users[assignee],
        created_at=timezone.now(),
    )


def setup(world):
    world.tasks_task = _task(world, world.pupil)
    world.tasks_foreign = _task(world, world.other_school_pupil)
    world.tasks_other_class = _task(world, world.other_class_pupil, assignee="class_teacher")


def _expect(get, post, *, class_scoped=False):
    return Expect(
        get=get,
        post=post,
        kwargs=lambda w: {"pk": w.tasks_task.pk},
        foreign=lambda w: {"pk": w.tasks_foreign.pk},
        # Assigned to the class teacher, but of a pupil outside their class: still not found.
        class_scoped=(lambda w: {"pk": w.tasks_other_class.pk}) if class_scoped else None,
    )


EXPECTATIONS = {
    "send:task_done": _expect(NOBODY, MANAGE, class_scoped=True),
    "send:task_withdraw": _expect(MANAGE, MANAGE),
    "send:task_restore": _expect(NOBODY, MANAGE),
}
