"""The evidence pack a school sends with an EHC needs assessment (seed 003, "The following information
is submitted"): one PDF made in the background from the pupil's records, kept as a private file.

A pack is written pending by send/services/evidence_packs.py, rendered by the task send.tasks
.render_evidence_pack (send/evidence_pack.py) and then ready or failed; it is never edited after.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from school.models import Pupil, School
from school.transitions import Transitions

from .models_assessment import EhcNeedsAssessment

STATUSES = Transitions(
    name="evidence pack",
    labels={"pending": "Being made", "ready": "Ready", "failed": "Could not be made"},
    moves={
        "pending": {"ready": "the PDF was made and saved", "failed": "making the PDF failed"},
    },
    final_messages={
        "ready": "This evidence pack is already made.",
        "failed": "This evidence pack could not be made: make a new one.",
    },
)


def _stored_name() -> str:
    return f"{secrets.token_hex(16)}.pdf"


class EvidencePack(models.Model):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="evidence_packs")
    assessment = models.ForeignKey(
        EhcNeedsAssessment, on_delete=models.PROTECT, related_name="evidence_packs"
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("Asked for", default=timezone.now)
    status = models.CharField(max_length=10, choices=list(STATUSES.labels.items()), default="pending")
    # Whether the person who asked could open confidential documents when they asked: the pack holds
    # only what they could see, and only such a person may download a pack that holds them.
    include_confidential = models.BooleanField("Holds confidential documents", default=False, editable=False)
    stored_name = models.CharField(max_length=100, unique=True, editable=False, default=_stored_name)
    ready_at = models.DateTimeField("Made", null=True, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    # When the render was last handed to the broker (None: not yet, or the broker was down).
    enqueued_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Evidence pack for {self.pupil} ({self.created_at:%d %b %Y %H:%M})"

    def private_file_name(self) -> str:
        """The PDF's name in the private storage (school/private_files.py)."""
        return f"send/{self.school_id}/evidence/{self.stored_name}"

    @property
    def filename(self) -> str:
        return f"evidence-pack-{self.pupil_id}-{self.created_at:%Y-%m-%d}-{self.pk}.pdf"

    @property
    def status_label(self) -> str:
        return STATUSES.label(self.status)
