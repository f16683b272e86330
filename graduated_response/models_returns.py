"""Returns to the local authority (docs/rules.md sections 4 and 7): one record per return due.

Written by ``graduated_response.returns_services`` only: the nightly run (and the "check now" button)
creates the returns that have become due, with the admission-register items they carry snapshotted
in ``contents``; recording when and how it was sent closes a return. The due-date rules are in
``graduated_response.la_returns``. Imported by ``graduated_response.models``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from school.models import Pupil, School


class LAReturn(models.Model):
    class Kind(models.TextChoices):
        CONTINUOUS_UNAUTHORISED = (
            "continuous_unauthorised",
            "Attendance: 10 continuous school days unauthorised",
        )
        SICKNESS = "sickness", "Sickness: expected to miss 15 school days"
        NEW_PUPIL = "new_pupil", "New pupil"
        DELETION = "deletion", "Deletion from the admission register"

    class How(models.TextChoices):
        SECURE_EMAIL = "secure_email", "Secure e-mail"
        PORTAL = "portal", "The local authority's online portal"
        PHONE = "phone", "Telephone"
        POST = "post", "Post"
        IN_PERSON = "in_person", "In person"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="la_returns")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="la_returns")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # What makes this return one of its kind for the pupil: the first day of the absence or illness
    # period, the admission date or the leaving date. With the constraint, a repeated night adds nothing.
    period_key = models.CharField(max_length=60)
    due_on = models.DateField()
    reason = models.TextField(help_text="Why the return is due, in plain English.")
    contents = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_on = models.DateField(null=True, blank=True)
    sent_how = models.CharField(max_length=20, choices=How.choices, blank=True)
    sent_note = models.CharField(max_length=200, blank=True)
    sent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "kind", "period_key"], name="lareturn_once_per_period")
        ]
        indexes = [models.Index(fields=["school", "sent_on", "due_on"], name="lareturn_school_open")]

    def __str__(self):
        return f"{self.get_kind_display()} for pupil {self.pupil_id}, due {self.due_on:%d %b %Y}"

    @property
    def is_sent(self) -> bool:
        return self.sent_on is not None

    def is_overdue(self, today) -> bool:
        return self.sent_on is None and self.due_on < today
