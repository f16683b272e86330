"""Follow-up tasks: what a triage promised, with a date, on My work of the person responsible.

Written by send/services/follow_up_tasks.py; statuses move through send/follow_up_tasks.STATUSES
(school.transitions), each move with a history row. A task no longer needed is withdrawn with a reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from school.models import Pupil, School

from . import follow_up_tasks as rules
from .models import Concern


class FollowUpTaskQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=rules.OPEN)


class FollowUpTask(models.Model):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="send_follow_up_tasks")
    kind = models.CharField(max_length=20, choices=rules.KIND_CHOICES)
    due_on = models.DateField()
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="follow_up_tasks")
    status = models.CharField(max_length=10, choices=rules.STATUS_CHOICES, default=rules.OPEN)
    note = models.CharField("Note", max_length=500, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()

    objects = FollowUpTaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["school", "assigned_to", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["concern", "kind"], name="follow_up_task_one_per_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.pupil} by {self.due_on:%-d %b %Y}"

    @property
    def is_withdrawn(self) -> bool:
        return self.status == rules.WITHDRAWN


class FollowUpTaskChange(models.Model):
    """One row per status move of a follow-up task (never edited)."""

    task = models.ForeignKey(FollowUpTask, on_delete=models.PROTECT, related_name="history")
    from_status = models.CharField(max_length=10)
    to_status = models.CharField(max_length=10)
    note = models.CharField(max_length=500, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self):
        return f"{self.task}: {self.from_status} to {self.to_status}"
