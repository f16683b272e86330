"""What the school told parents, and when: the notice that SEN provision is being made, and the
invitations to SEN support reviews. Imported by send/models.py (so Django finds the models there).

The SEND Code of Practice 6.75: when a school makes special educational provision for a pupil without
an EHC plan, it must formally tell the parents (docs/rules.md section 5). One ProvisionNotification
per placement on SEN support (the register's SendStatusChange into SEN support) records that it was done:
by the letter ``send_provision`` (the letters written, one per postal address), or another way the
SENDCo records with a date and a note (told at a meeting, for example). A placement without a current
one is "Parents not yet told" on the pupil's page and the SEND dashboard. A notification recorded by
mistake is withdrawn with a reason (school.withdrawal), never deleted: the parents then count as not yet
told, and a new one can be recorded (letters already written stay in the pupil's letters).

The letters themselves are letters.Letter rows (a snapshot, then a PDF); these records only link them.
A letter is written, then printed or handed over by the school: nothing here says it was sent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from letters.models import Letter
from school.models import Pupil, School
from school.withdrawal import Withdrawable

from .review_meeting import meeting_time_text


class ProvisionNotification(Withdrawable):
    class Method(models.TextChoices):
        LETTER = "letter", "By letter"
        OTHER = "other", "Another way"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="send_provision_notifications")
    # The move onto SEN support this tells the parents about (one current notice per placement).
    placement = models.ForeignKey(
        "send.SendStatusChange", on_delete=models.PROTECT, related_name="provision_notifications"
    )
    method = models.CharField(max_length=10, choices=Method.choices)
    told_on = models.DateField("Date the parents were told")
    provision_summary = models.TextField("The support planned", blank=True)
    note = models.TextField(blank=True, help_text="How and by whom the parents were told.")
    letters = models.ManyToManyField(Letter, blank=True, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-told_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement"],
                condition=Q(withdrawn_at__isnull=True),
                name="provisionnotification_one_current_per_placement",
            )
        ]

    def __str__(self):
        return f"Parents of {self.pupil} told of SEN provision ({self.told_on:%d %b %Y})"


class ReviewInvitation(models.Model):
    """An invitation to the parents to a cycle's review meeting: the date, time and place, and the
    letters ``send_review_invite`` written for it (one per postal address). A meeting moved to another
    day is a new invitation; the earlier one stays listed."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey("send.SupportCycle", on_delete=models.PROTECT, related_name="invitations")
    meeting_date = models.DateField("Date of the review meeting")
    meeting_time = models.TimeField("Time")
    meeting_place = models.CharField("Place", max_length=200, help_text="For example: the SENDCo's room.")
    letters = models.ManyToManyField(Letter, blank=True, related_name="+")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField()

    class Meta:
        ordering = ["-invited_at", "-id"]

    def __str__(self):
        return f"Invitation to the review of {self.cycle} on {self.meeting_date:%d %b %Y}"

    @property
    def pupil(self):  # the audit trail files the row under the pupil
        return self.cycle.pupil

    @property
    def time_text(self) -> str:
        """The time as the letter prints it ("3:30pm")."""
        return meeting_time_text(self.meeting_time)
