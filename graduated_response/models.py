"""Graduated response records: the school's tier bands and checklists, cases with their tier history,
checklist actions and communication log, alerts, and the record of each nightly run.

Writes go through ``graduated_response.services`` only (audited, with a transition table for case
status). Uniqueness constraints here are what make the nightly run safe to repeat or race: a second
run of the same night finds every case, tier change, action and alert already there.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from school.models import Pupil, Role, School
from school.withdrawal import Withdrawable

TIER_CHOICES = [(0, "Universal"), (1, "Tier 1"), (2, "Tier 2"), (3, "Tier 3"), (4, "Tier 4"), (5, "Tier 5")]


class ResponseSettings(models.Model):
    """A school's choices about the graduated response (defaults from the seed policy)."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="response_settings")
    min_possible_sessions = models.PositiveSmallIntegerField(
        "Minimum possible sessions before a pupil is judged",
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(400)],
        help_text="A new pupil is not placed in a tier until they have this many possible sessions.",
    )
    step_down_weeks = models.PositiveSmallIntegerField(
        "School weeks in a better band before stepping down",
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    headteacher_after_days = models.PositiveSmallIntegerField(
        "School days overdue before an action goes to the headteacher",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    # The national framework does not say whether unauthorised sessions at a previous school count
    # towards 10 in 10 school weeks (docs/rules.md section 4): the school chooses, and the alert says so.
    count_previous_school_sessions = models.BooleanField(
        "Count unauthorised sessions recorded at a pupil's previous school towards the penalty threshold",
        default=False,
        help_text="Imported from the previous school's marks (Import marks, column previous_school).",
    )
    # graduated_response/ehcp_review_tier.py: the nightly run asks for an early review of a pupil's EHC
    # plan when their case enters this tier or a worse one.
    ehcp_review_from_tier = models.PositiveSmallIntegerField(
        "Ask for an early review of an EHC plan when attendance falls into",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="When a pupil with an EHC plan enters this tier or a worse one, the nightly checks ask "
        "for an early review of the plan.",
    )

    def __str__(self):
        return f"Graduated response settings for {self.school}"


class TierBand(models.Model):
    """One tier's range of attendance percentages (one decimal place, inclusive)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="tier_bands")
    tier = models.PositiveSmallIntegerField(choices=TIER_CHOICES)
    low_pct = models.DecimalField("From (%)", max_digits=4, decimal_places=1)
    high_pct = models.DecimalField("To (%)", max_digits=4, decimal_places=1)
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["school", "tier"]
        constraints = [
            models.UniqueConstraint(fields=["school", "tier"], name="tierband_unique_tier"),
            models.CheckConstraint(condition=Q(low_pct__lte=models.F("high_pct")), name="tierband_order"),
        ]

    def __str__(self):
        return f"{self.get_tier_display()}: {self.low_pct}-{self.high_pct}%"


class TierAction(models.Model):
    """A checklist template: what a tier "should look like", who does it, and how soon."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="tier_actions")
    tier = models.PositiveSmallIntegerField(choices=TIER_CHOICES)
    order = models.PositiveSmallIntegerField(default=0)
    text = models.TextField()
    responsible_role = models.CharField(max_length=30, choices=Role.choices)
    target_school_days = models.PositiveSmallIntegerField(default=10)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["school", "tier", "order", "id"]

    def __str__(self):
        return f"Tier {self.tier}: {self.text[:60]}"


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self):
        return self.filter(status=Case.Status.OPEN)


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="cases")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    current_tier = models.PositiveSmallIntegerField(choices=TIER_CHOICES)
    opened_on = models.DateField()
    opened_at = models.DateTimeField(default=timezone.now)
    closed_on = models.DateField(null=True, blank=True)
    close_reason = models.TextField(blank=True)
    key_adult = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="key_adult_cases",
    )
    tier_changed_on = models.DateField(null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-current_tier", "pupil__legal_last_name", "id"]
        constraints = [
            # One open case per pupil: two nightly runs racing cannot both open one.
            models.UniqueConstraint(
                fields=["pupil"], condition=Q(status="open"), name="case_one_open_per_pupil"
            ),
        ]
        indexes = [models.Index(fields=["school", "status", "current_tier"], name="case_school_status_tier")]

    def __str__(self):
        return f"Attendance case for {self.pupil} ({self.get_current_tier_display()})"


class CaseStatusEvent(models.Model):
    """History of a case's status, one row per transition (the table is graduated_response/transitions.py)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_events")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    on = models.DateField()
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.from_status or 'new'} to {self.to_status} on {self.on}"


class TierChange(models.Model):
    """A move between tiers with the figures that caused it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tier_changes")
    from_tier = models.PositiveSmallIntegerField(choices=TIER_CHOICES, null=True, blank=True)
    to_tier = models.PositiveSmallIntegerField(choices=TIER_CHOICES)
    changed_on = models.DateField()
    figures = models.JSONField(default=dict)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_on", "id"]
        constraints = [
            # At most one move per case per night: a repeated or racing run cannot add a second.
            models.UniqueConstraint(fields=["case", "changed_on"], name="tierchange_one_per_night"),
        ]

    def __str__(self):
        return f"{self.from_tier} to {self.to_tier} on {self.changed_on}"

    @property
    def direction(self) -> str:
        if self.from_tier is None:
            return "opened"
        return "escalated" if self.to_tier > self.from_tier else "stepped down"


class CaseAction(models.Model):
    """One checklist item on a case, copied from the tier's template when the case entered the tier."""

    class Escalation(models.IntegerChoices):
        NONE = 0, "Not escalated"
        ATTENDANCE_OFFICER = 1, "Escalated to the attendance officer"
        HEADTEACHER = 2, "Escalated to the headteacher"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    template = models.ForeignKey(
        TierAction, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    tier = models.PositiveSmallIntegerField(choices=TIER_CHOICES)
    text = models.TextField()
    responsible_role = models.CharField(max_length=30, choices=Role.choices)
    due_on = models.DateField()
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_note = models.TextField(blank=True)
    escalation = models.PositiveSmallIntegerField(choices=Escalation.choices, default=Escalation.NONE)
    escalated_to = models.CharField(max_length=30, choices=Role.choices, blank=True)

    class Meta:
        ordering = ["done_at", "due_on", "tier", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "template"], name="caseaction_once_per_template"),
        ]
        indexes = [models.Index(fields=["due_on", "escalation"], name="caseaction_due_escalation")]

    def __str__(self):
        return self.text[:80]

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class OnCase:
    """A record on a case: its school and pupil are its case's, so audit.record files its rows (a
    change, a withdrawal, a restore) under them, as it does for records that hold them."""

    case: Case

    @property
    def school(self):
        return self.case.school

    @property
    def pupil_id(self):
        return self.case.pupil_id

    @property
    def pupil(self):
        return self.case.pupil


class CommunicationLog(OnCase, Withdrawable):
    """A contact with the pupil's parents or carers: calls, meetings, home visits, letters, notes.

    An entry made by mistake is withdrawn with a reason, not deleted."""

    class Kind(models.TextChoices):
        CALL = "call", "Phone call"
        MEETING = "meeting", "Meeting"
        HOME_VISIT = "home_visit", "Home visit"
        LETTER = "letter", "Letter"
        NOTE = "note", "Note"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="communications")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CALL)
    happened_on = models.DateField("Date")
    with_whom = models.CharField("With", max_length=200, help_text="For example: Mother, both parents")
    summary = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    # A letter prepared from the case page (graduated_response/case_letters.py): the entry links to it,
    # so the log shows the letter's status and its PDF. Empty for calls, meetings and notes.
    letter = models.ForeignKey(
        "letters.Letter", on_delete=models.SET_NULL, null=True, blank=True, related_name="case_log_entries"
    )

    class Meta:
        ordering = ["-happened_on", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.happened_on:%d %b %Y}"


class Alert(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "New"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="response_alerts")
    pupil = models.ForeignKey(
        Pupil, on_delete=models.CASCADE, null=True, blank=True, related_name="response_alerts"
    )
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts")
    kind = models.CharField(max_length=40)
    period_key = models.CharField(max_length=60)
    message = models.TextField()
    figures = models.JSONField(default=dict, blank=True)
    # ",attendance_officer,headteacher," so that "is my role in it" is a portable LIKE on any database.
    for_roles = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    created_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # What was done about it, said when acknowledging ("LA told on 2 Dec by phone").
    outcome = models.TextField("What was done", max_length=500, blank=True)

    class Meta:
        ordering = ["-created_on", "-id"]
        constraints = [
            # The nightly run inserts with ignore_conflicts: repeating a night adds no duplicates.
            models.UniqueConstraint(
                fields=["pupil", "kind", "period_key"],
                condition=Q(pupil__isnull=False),
                name="alert_once_per_pupil",
            ),
            models.UniqueConstraint(
                fields=["school", "kind", "period_key"],
                condition=Q(pupil__isnull=True),
                name="alert_once_per_school",
            ),
        ]
        indexes = [models.Index(fields=["school", "status", "created_on"], name="alert_school_status_on")]

    def __str__(self):
        return f"{self.kind_label} ({self.created_on:%d %b %Y})"

    @property
    def kind_label(self) -> str:
        from .triggers import Kind

        return Kind.LABELS.get(self.kind, self.kind)

    @property
    def roles(self) -> list[str]:
        return [r for r in self.for_roles.split(",") if r]

    @property
    def role_labels(self) -> str:
        return ", ".join(Role(r).label for r in self.roles if r in Role.values)

    @property
    def step_url(self) -> str:
        """The page where the alerted step is done (a SEND deadline's ``figures["url"]``), if it is one
        of ours: a path on this site, never another site's address."""
        url = (self.figures or {}).get("url") if isinstance(self.figures, dict) else None
        if isinstance(url, str) and url.startswith("/") and not url.startswith("//"):
            return url
        return ""


class NightlyRun(models.Model):
    """One school's checks for one night. A run beats (heartbeat_at) after each step of its work; one
    that stopped beating (its worker was killed) becomes Abandoned and is run again (nightly.py)."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        ABANDONED = "abandoned", "Abandoned (stopped without finishing; it will be run again)"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="nightly_runs")
    run_date = models.DateField(help_text="The school day whose registers were checked.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    pupils_evaluated = models.PositiveIntegerField(default=0)
    cases_opened = models.PositiveIntegerField(default=0)
    escalated = models.PositiveIntegerField(default=0)
    stepped_down = models.PositiveIntegerField(default=0)
    cases_closed = models.PositiveIntegerField(default=0)
    alerts = models.PositiveIntegerField(default=0)
    errors = models.TextField(blank=True)

    class Meta:
        ordering = ["-run_date", "school"]
        constraints = [
            models.UniqueConstraint(fields=["school", "run_date"], name="nightlyrun_once_per_night")
        ]

    def __str__(self):
        return f"Nightly checks for {self.school} on {self.run_date}: {self.get_status_display()}"


class PupilWeekBand(models.Model):
    """The worst tier a pupil was measured in during one school week: the history used to judge
    sustained improvement before a case steps down."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="week_bands")
    week_start = models.DateField()
    worst_tier = models.PositiveSmallIntegerField(choices=TIER_CHOICES)
    last_tier = models.PositiveSmallIntegerField(choices=TIER_CHOICES)

    class Meta:
        ordering = ["pupil", "week_start"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "week_start"], name="pupilweekband_once_per_week")
        ]
        indexes = [models.Index(fields=["school", "week_start"], name="pupilweekband_school_week")]

    def __str__(self):
        return f"Pupil {self.pupil_id}, week of {self.week_start}: Tier {self.worst_tier} at worst"


# The formal measures on a case (attendance contracts, notices to improve, penalty notices, legal steps).
from .models_measures import (  # noqa: E402, F401
    AttendanceContract,
    LegalStep,
    MeasureReview,
    MeasureStatusEvent,
    NoticeToImprove,
    PenaltyNotice,
    PenaltyNoticeRefusal,
)

# Returns to the local authority (graduated_response/models_returns.py).
from .models_returns import LAReturn  # noqa: E402, F401
