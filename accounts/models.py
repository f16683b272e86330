"""Login history, retention rules and legal holds."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from school.models import Pupil, School

from . import record_request_status


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


class RecordRequest(models.Model):
    """A request for a pupil's educational record, or a subject access request, with its deadline.

    The due date is worked out by accounts.record_request_deadlines when the request is recorded (and
    again if the received date or the extension changes) and stored, so lists sort and filter on it."""

    class Kind(models.TextChoices):
        EDUCATIONAL_RECORD = "educational_record", "Educational record (parent's request)"
        SUBJECT_ACCESS = "subject_access", "Subject access request (UK GDPR)"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="record_requests")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="record_requests")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    requester_name = models.CharField("Requester's name", max_length=200)
    requester_relationship = models.CharField(
        "Relationship to the pupil", max_length=100, help_text="For example Mother, the pupil, a solicitor"
    )
    received_on = models.DateField("Date received")
    identity_checked = models.BooleanField(
        "Identity checked",
        default=False,
        help_text="The requester's identity (and parental responsibility, for a parent) has been confirmed.",
    )
    extended = models.BooleanField(default=False)
    extension_reason = models.CharField(max_length=500, blank=True)
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=record_request_status.CHOICES, default="received")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["school", "status", "due_on"])]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.pupil}, received {self.received_on:%d %b %Y}"

    @property
    def is_open(self) -> bool:
        return self.status in record_request_status.OPEN

    def is_overdue(self, today) -> bool:
        return self.is_open and self.due_on < today


class RecordRequestEvent(models.Model):
    """One status move of a request: the history the transition table writes."""

    request = models.ForeignKey(RecordRequest, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=record_request_status.CHOICES, blank=True)
    to_status = models.CharField(max_length=20, choices=record_request_status.CHOICES)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_status or 'new'} -> {self.to_status}"


class RecordItemDecision(models.Model):
    """The reviewer's decision on one flagged item of the export: release it or withhold it."""

    class Decision(models.TextChoices):
        RELEASE = "release", "Release"
        WITHHOLD = "withhold", "Withhold"

    request = models.ForeignKey(RecordRequest, on_delete=models.CASCADE, related_name="decisions")
    item_key = models.CharField(max_length=100)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "item_key"], name="recorditemdecision_unique_item")
        ]

    def __str__(self):
        return f"{self.item_key}: {self.decision}"
