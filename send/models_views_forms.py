"""The pupils' views forms of a bulk views request, printed together: one PDF made in the background
(send/views_forms_print.py) from the forms' letters, kept as a private file. Written pending by
send/services/views_bulk.py, then ready or failed; never edited after.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from letters.models import Letter
from school.models import School

from .models_evidence import STATUSES


def _stored_name() -> str:
    return f"{secrets.token_hex(16)}.pdf"


class ViewsFormsPrint(models.Model):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("Asked for", default=timezone.now)
    description = models.CharField(max_length=200, blank=True)
    letters = models.ManyToManyField(Letter, blank=True, related_name="+")
    status = models.CharField(max_length=10, choices=list(STATUSES.labels.items()), default="pending")
    stored_name = models.CharField(max_length=100, unique=True, editable=False, default=_stored_name)
    ready_at = models.DateTimeField("Made", null=True, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Pupils' views forms ({self.created_at:%d %b %Y %H:%M})"

    def private_file_name(self) -> str:
        return f"send/{self.school_id}/views-forms/{self.stored_name}"

    @property
    def filename(self) -> str:
        return f"pupil-views-forms-{self.created_at:%Y-%m-%d}-{self.pk}.pdf"

    @property
    def status_label(self) -> str:
        return STATUSES.label(self.status)
