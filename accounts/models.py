"""Login history, retention rules and legal holds."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from school.models import Pupil, School


class LoginEvent(models.Model):
    """One sign-in attempt: who tried, from where, and what happened. Never shows the password."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", "Signed in"
        FAILED = "failed", "Wrong username or password"
        LOCKED = "locked", "Account locked (too many failed attempts)"
        SECOND_STEP_FAILED = "mfa_failed", "Right password, wrong code at the second step"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="login_events",
    )
    username = models.CharField(max_length=150, blank=True, help_text="The username typed in")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["username", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_outcome_display()}"


class RetentionRule(models.Model):
    """How long a kind of record is kept. Defaults are the statutory minimums; a longer period may be
    chosen (law beats a school's wording, so a rule can never be shorter than the minimum)."""

    class RecordType(models.TextChoices):
        REGISTER_ENTRIES = "register_entries", "Attendance register entries"
        SEN_FILE = "sen_file", "SEN file"
        PUPIL_RECORD = "pupil_record", "Other pupil records"

    class Anchor(models.TextChoices):
        LEAVING_DATE = "leaving_date", "after the pupil leaves"
        DATE_OF_BIRTH = "date_of_birth", "after the pupil's date of birth"

    record_type = models.CharField(max_length=30, choices=RecordType.choices, unique=True)
    years = models.PositiveSmallIntegerField()
    anchor = models.CharField(max_length=20, choices=Anchor.choices)
    statutory_minimum_years = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=300, blank=True, help_text="Where the period comes from")

    class Meta:
        ordering = ["record_type"]

    def __str__(self):
        return f"{self.get_record_type_display()}: {self.years} years {self.get_anchor_display()}"

    def clean(self):
        if self.years is not None and self.statutory_minimum_years is not None:
            if self.years < self.statutory_minimum_years:
                raise ValidationError(
                    {"years": f"The law requires at least {self.statutory_minimum_years} years."}
                )


class LegalHold(models.Model):
    """Keeps a pupil's records past their retention date (a claim, an inquiry, a tribunal)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="legal_holds")
    # PROTECT: the database itself refuses to delete a pupil while a hold row points at them.
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="legal_holds")
    reason = models.CharField(max_length=300)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(auto_now_add=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-placed_at"]

    def __str__(self):
        return f"Legal hold on {self.pupil}: {self.reason}"

    @property
    def is_active(self):
        return self.lifted_at is None
