"""Reads for follow-up tasks (send/models_tasks.py): My work's list, and the one a view acts on."""

from __future__ import annotations

from django.db.models import QuerySet

from school import policy

from .models_tasks import FollowUpTask


def follow_up_tasks_reachable(*, user, school) -> QuerySet[FollowUpTask]:
    """Tasks the user may act on: their own, or any of a pupil in scope for the SENDCo (MANAGE_SEND)."""
    tasks = FollowUpTask.objects.filter(school=school)
    if not policy.can(user, school, policy.MANAGE_SEND):
        tasks = tasks.filter(assigned_to=user)
    return tasks


def my_follow_up_tasks(*, user, school) -> QuerySet[FollowUpTask]:
    """My work's follow-up tasks: the user's open ones on pupils in scope, soonest first (one query)."""
    return (
        policy.scoped_to_pupils(user, school, FollowUpTask.objects.filter(school=school, assigned_to=user))
        .open()
        .select_related("pupil__registration_class", "concern", "concern__triaged_by")
        .order_by("due_on", "id")
    )
