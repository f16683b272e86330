"""Sessions of an intervention delivered, and each pupil's attendance at them (issue 15).

The adult who delivers an intervention (Intervention.delivered_by) records each session held, with
who came; the provision map compares the sessions a pupil attended with the sessions planned. A
session recorded by mistake is withdrawn with a reason, never deleted, and then counts nowhere."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from school.models import School
from school.withdrawal import Withdrawable


class InterventionSession(Withdrawable):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    intervention = models.ForeignKey("send.Intervention", on_delete=models.PROTECT, related_name="sessions")
    held_on = models.DateField("Date held")
    minutes = models.PositiveSmallIntegerField(validators=[MinValueValidator(5), MaxValueValidator(300)])
    notes = models.TextField(blank=True, help_text="What was covered; anything the SENDCo should know.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.intervention} session on {self.held_on:%-d %b %Y}"

    def clean(self):
        if self.held_on and self.held_on > timezone.localdate():
            raise ValidationError({"held_on": "A session cannot be recorded before it is held."})


class SessionAttendance(models.Model):
    """One pupil's place at one session: there or not (a row for every place current that day)."""

    session = models.ForeignKey(InterventionSession, on_delete=models.CASCADE, related_name="attendance")
    enrolment = models.ForeignKey(
        "send.ProvisionEnrolment", on_delete=models.PROTECT, related_name="session_attendance"
    )
    attended = models.BooleanField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="session_attendance_once"),
        ]

    def __str__(self):
        return f"{self.enrolment.pupil} {'attended' if self.attended else 'missed'} {self.session}"
