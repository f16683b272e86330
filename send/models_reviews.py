"""Reviews of EHC plans: the review itself with a date for each step, the people invited, and the
status history. Imported at the bottom of send/models.py (so Django finds the models there).

The dates a review is due by and each step's deadline are rules in send/annual_review_dates.py; the
writes are in send/services/reviews.py (audited, atomic, stale saves refused). A review entered by
mistake is withdrawn with a reason (school.withdrawal), never deleted.

A step's date records what the school did: "invitations prepared on" is set only once the letters
exist (the school prints and posts them, or hands them over); nothing here says they were delivered.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from letters.models import Letter
from school.models import Contact, Pupil, School
from school.transitions import Transitions
from school.withdrawal import Withdrawable

from .review_meeting import meeting_time_text


class ReviewStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    PLANNED = "planned", "Meeting planned"
    INVITED = "invited", "Invitations prepared"
    HELD = "held", "Meeting held"
    REPORT_SENT = "report_sent", "Report sent"
    LA_DECIDED = "la_decided", "Local authority decided"
    AMENDED = "amended", "Amended plan issued"
    CLOSED = "closed", "Closed"


#: States in which a review is still open (the deadlines and the one-open-request rule read this).
OPEN_STATUSES = (
    ReviewStatus.REQUESTED,
    ReviewStatus.PLANNED,
    ReviewStatus.INVITED,
    ReviewStatus.HELD,
    ReviewStatus.REPORT_SENT,
    ReviewStatus.LA_DECIDED,
)
#: States in which the meeting has been held (the review counts as the plan's last review).
HELD_STATUSES = (
    ReviewStatus.HELD,
    ReviewStatus.REPORT_SENT,
    ReviewStatus.LA_DECIDED,
    ReviewStatus.AMENDED,
    ReviewStatus.CLOSED,
)

REVIEW = Transitions(
    name="review",
    labels=dict(ReviewStatus.choices),
    moves={
        "": {ReviewStatus.PLANNED: "a review is scheduled", ReviewStatus.REQUESTED: "a review is asked for"},
        ReviewStatus.REQUESTED: {ReviewStatus.PLANNED: "a meeting date is set"},
        ReviewStatus.PLANNED: {ReviewStatus.INVITED: "the invitations are prepared"},
        ReviewStatus.INVITED: {ReviewStatus.HELD: "the meeting took place"},
        ReviewStatus.HELD: {ReviewStatus.REPORT_SENT: "the school's report went to everyone invited"},
        ReviewStatus.REPORT_SENT: {ReviewStatus.LA_DECIDED: "the local authority decided"},
        ReviewStatus.LA_DECIDED: {
            ReviewStatus.AMENDED: "the amended plan was issued",
            ReviewStatus.CLOSED: "the plan is kept as it is, or ceases",
        },
    },
    final_messages={
        ReviewStatus.AMENDED: "This review is finished: the amended plan was issued.",
        ReviewStatus.CLOSED: "This review is closed.",
    },
)


class AnnualReview(Withdrawable):
    class Kind(models.TextChoices):
        ANNUAL = "annual", "Annual review"
        PHASE_TRANSFER = "phase_transfer", "Phase transfer review"
        EARLY = "early", "Early review"
        EMERGENCY = "emergency", "Emergency review"
        INTERIM = "interim", "Interim review"

    class RequestedVia(models.TextChoices):
        STAFF = "staff", "Scheduled by the school"
        ATTENDANCE = "attendance", "Asked for by the nightly attendance checks"

    class Decision(models.TextChoices):
        AMEND = "amend", "Amend the plan"
        MAINTAIN = "maintain", "Keep the plan as it is"
        CEASE = "cease", "Cease the plan"

    ON_REQUEST_KINDS = (Kind.EARLY, Kind.EMERGENCY, Kind.INTERIM)

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey("send.EhcPlan", on_delete=models.PROTECT, related_name="reviews")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="ehc_reviews")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ANNUAL)
    requested_via = models.CharField(max_length=20, choices=RequestedVia.choices, default=RequestedVia.STAFF)
    requested_by = models.CharField(
        "Asked for by",
        max_length=120,
        blank=True,
        help_text="For an early or emergency review: who asked (the parents, the school, the local authority).",
    )
    reason = models.TextField("Why the review is needed now", blank=True)
    status = models.CharField(max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.PLANNED)

    meeting_date = models.DateField("Date of the review meeting", null=True, blank=True)
    meeting_time = models.TimeField("Time", null=True, blank=True)
    meeting_place = models.CharField("Place", max_length=200, blank=True)

    advice_requested_on = models.DateField("Advice asked for on", null=True, blank=True)
    invitations_sent_on = models.DateField("Invitations prepared on", null=True, blank=True)
    notice_override_reason = models.CharField(
        "Why the invitations gave less than 2 weeks' notice", max_length=300, blank=True
    )
    advice_circulated_on = models.DateField("Advice circulated on", null=True, blank=True)
    #: The last time the meeting moved after the invitations went (each move is audited with its letters).
    meeting_moved_from = models.DateField("The meeting's date before it last moved", null=True, blank=True)
    meeting_move_reason = models.CharField("Why the meeting moved", max_length=300, blank=True)
    report_sent_on = models.DateField("Report sent on", null=True, blank=True)
    la_decision_on = models.DateField("Local authority decided on", null=True, blank=True)
    la_decision = models.CharField(
        "The local authority's decision", max_length=10, choices=Decision.choices, blank=True
    )
    amended_plan_on = models.DateField("Amended plan issued on", null=True, blank=True)

    # The meeting record.
    pupil_views = models.TextField("The pupil's views", blank=True)
    parent_views = models.TextField("The parents' views", blank=True)
    professional_views = models.TextField("Professionals' views", blank=True)
    #: [{"outcome": the plan's outcome line, "progress": text}], one per line of the plan's outcomes.
    outcome_progress = models.JSONField(default=list, blank=True)
    recommended_amendments = models.TextField("Recommended amendments to the plan", blank=True)

    letters = models.ManyToManyField(Letter, blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-meeting_date", "-id"]
        constraints = [
            # The nightly run asks for one early review per plan while one it asked for is open, however
            # many nights attendance stays low (it inserts with ignore_conflicts).
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(requested_via="attendance", withdrawn_at__isnull=True)
                & Q(status__in=[s.value for s in OPEN_STATUSES]),
                name="annualreview_one_open_attendance_request",
            ),
        ]
        indexes = [models.Index(fields=["school", "status"], name="annualreview_school_status")]

    def __str__(self):
        when = f" on {self.meeting_date:%d %b %Y}" if self.meeting_date else ""
        return f"{self.get_kind_display()} of {self.pupil}'s EHC plan{when}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES and not self.is_withdrawn

    @property
    def time_text(self) -> str:
        return meeting_time_text(self.meeting_time) if self.meeting_time else ""

    def clean(self):
        errors = {}
        if self.kind in self.ON_REQUEST_KINDS and not (self.reason or "").strip():
            errors["reason"] = "Say why this review is needed before its annual date."
        if self.la_decision and not self.la_decision_on:
            errors["la_decision_on"] = "Give the date the local authority decided."
        if self.meeting_date:
            for name in ("report_sent_on", "la_decision_on", "amended_plan_on"):
                value = getattr(self, name)
                if value and value < self.meeting_date:
                    label = self._meta.get_field(name).verbose_name
                    errors[name] = f"{label[:1].upper()}{label[1:]} cannot be before the meeting."
        if errors:
            raise ValidationError(errors)


class ReviewStatusChange(models.Model):
    review = models.ForeignKey(AnnualReview, on_delete=models.PROTECT, related_name="history")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, choices=ReviewStatus.choices)
    on = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self):
        return f"{self.review_id}: {self.from_status or 'new'} -> {self.to_status}"


class ReviewInvitee(models.Model):
    class Role(models.TextChoices):
        PARENT = "parent", "Parent or young person"
        HEAD_TEACHER = "head_teacher", "Head teacher"
        LA_OFFICER = "la_officer", "Local authority SEN officer"
        HEALTH = "health", "Health"
        SOCIAL_CARE = "social_care", "Social care"
        OTHER = "other", "Other professional"

    review = models.ForeignKey(AnnualReview, on_delete=models.PROTECT, related_name="invitees")
    role = models.CharField(max_length=20, choices=Role.choices)
    name = models.CharField(max_length=150)
    organisation = models.CharField(max_length=150, blank=True)
    email = models.EmailField("E-mail", blank=True)
    postal_address = models.TextField("Postal address", blank=True)
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    #: The invitation letter written for them (empty until the invitations are prepared).
    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    #: The latest "the meeting has moved" letter written for them (empty unless the meeting moved).
    move_letter = models.ForeignKey(Letter, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"

    @property
    def pupil(self):  # the audit trail files the row under the pupil
        return self.review.pupil

    @property
    def school(self):
        return self.review.school
