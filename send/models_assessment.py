"""EHC needs assessments: the request, the local authority's receipt and every statutory step after,
with recorded exceptions that stop a late step from showing as a breach.

Due dates come from send/ehc_assessment_deadlines.py; writes go through send/services/ehc_assessments.py.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from school.models import Pupil, School
from school.transitions import Transitions
from school.withdrawal import Withdrawable, WithdrawableQuerySet

from . import ehc_assessment_deadlines as rules
from .models_ehcp import LocalAuthority

STATUSES = Transitions(
    name="needs assessment",
    labels={
        "requested": "Requested",
        "received": "Received by the local authority",
        "assessing": "Being assessed",
        "refused": "Local authority decided not to assess",
        "draft": "Draft plan served",
        "not_issuing": "Local authority decided not to issue a plan",
        "issued": "Final plan issued",
    },
    moves={
        "requested": {"received": "the local authority received the request"},
        "received": {"assessing": "the local authority decided to assess", "refused": "it decided not to"},
        "assessing": {"draft": "a draft plan was served", "not_issuing": "it decided not to issue a plan"},
        "draft": {"issued": "the final plan was issued"},
    },
    final_messages={
        "refused": "The local authority decided not to assess; this assessment is finished.",
        "not_issuing": "The local authority decided not to issue a plan; this assessment is finished.",
        "issued": "The final plan was issued; this assessment is finished.",
    },
)
OPEN_STATUSES = ("requested", "received", "assessing", "draft")

#: The steps an exception can be recorded against (the ones with a statutory limit).
STEP_CHOICES = [
    ("decision", "Decision whether to assess"),
    ("advice", "The school's advice"),
    ("not_to_issue", "Decision not to issue a plan"),
    ("draft_comments", "Comments on the draft plan"),
    ("final", "Final plan"),
]


class EhcNeedsAssessmentQuerySet(WithdrawableQuerySet):
    def open_on(self, on):
        """Assessments requested by `on`, not finished and not withdrawn."""
        return self.filter(withdrawn_at__isnull=True, status__in=OPEN_STATUSES, request_date__lte=on)


class EhcNeedsAssessment(Withdrawable):
    REQUESTERS = [("school", "The school"), ("parent", "A parent or carer"), ("other", "Someone else")]
    DECISIONS = [("", "Not decided yet"), ("assess", "Assess"), ("refuse", "Not to assess")]

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="ehc_assessments")
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="assessments")
    requested_by = models.CharField(max_length=10, choices=REQUESTERS, default="school")
    request_date = models.DateField("Date the request was made")
    reassessment_flagged = models.BooleanField(default=False, editable=False)
    la_received_on = models.DateField("Date the local authority received the request", null=True, blank=True)
    decision = models.CharField(max_length=10, choices=DECISIONS, blank=True)
    decided_on = models.DateField("Date of the decision whether to assess", null=True, blank=True)
    advice_requested_on = models.DateField(
        "Date the local authority asked the school for advice", null=True, blank=True
    )
    advice_sent_on = models.DateField("Date the school sent its advice", null=True, blank=True)
    decision_not_to_issue_on = models.DateField(
        "Date of the decision not to issue a plan", null=True, blank=True
    )
    draft_served_on = models.DateField("Date the draft plan was served", null=True, blank=True)
    comments_sent_on = models.DateField(
        "Date the school sent its comments on the draft", null=True, blank=True
    )
    final_issued_on = models.DateField("Date the final plan was issued", null=True, blank=True)
    status = models.CharField(max_length=12, choices=list(STATUSES.labels.items()), default="requested")
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = EhcNeedsAssessmentQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["-request_date", "-id"]

    def __str__(self):
        return f"EHC needs assessment for {self.pupil} (requested {self.request_date:%d %b %Y})"

    # What happened, in the order it happens; each must be on or after the one before.
    ORDER = (
        "request_date",
        "la_received_on",
        "decided_on",
        "advice_requested_on",
        "advice_sent_on",
        "draft_served_on",
        "comments_sent_on",
        "final_issued_on",
    )

    def clean(self):
        errors = {}
        today = timezone.localdate()
        for name in self.ORDER + ("decision_not_to_issue_on",):
            value = getattr(self, name)
            if value and value > today:
                errors[name] = "This date is in the future: record it once it has happened."
        previous = None
        for name in self.ORDER:
            value = getattr(self, name)
            if value is None:
                continue
            if previous and value < previous[1] and name not in errors:
                label = str(getattr(self._meta.get_field(previous[0]), "verbose_name", previous[0])).lower()
                errors[name] = f"This cannot be before the {label} ({previous[1]:%d %b %Y})."
            previous = (name, value)
        if (
            self.decision_not_to_issue_on
            and self.decided_on
            and self.decision_not_to_issue_on < self.decided_on
        ):
            errors.setdefault("decision_not_to_issue_on", "This cannot be before the decision to assess.")
        if self.decided_on and not self.decision:
            errors.setdefault("decision", "Say what the local authority decided.")
        if self.decision and not self.decided_on:
            errors.setdefault("decided_on", "Give the date of the decision.")
        if self.decision == "refuse" and (self.draft_served_on or self.final_issued_on):
            errors.setdefault("decision", "A plan cannot follow a decision not to assess.")
        if self.final_issued_on and not self.draft_served_on:
            errors.setdefault("final_issued_on", "Record the draft plan first: a final plan follows a draft.")
        if errors:
            raise ValidationError(errors)

    def due_dates(self) -> dict[str, Any]:
        received = self.la_received_on
        return {
            "decision": received and rules.decision_to_assess_due(received),
            "advice": self.advice_requested_on and rules.advice_due(self.advice_requested_on),
            "not_to_issue": received and rules.decision_not_to_issue_due(received),
            "draft_comments": self.draft_served_on and rules.draft_comments_last_day(self.draft_served_on),
            "final": received and rules.final_plan_due(received),
        }

    def done_dates(self) -> dict[str, Any]:
        return {
            "decision": self.decided_on,
            "advice": self.advice_sent_on,
            # Either a decision not to issue or a draft plan answers the 16-week limit.
            "not_to_issue": self.decision_not_to_issue_on or self.draft_served_on,
            "draft_comments": self.comments_sent_on,
            "final": self.final_issued_on,
        }

    def applicable_steps(self) -> list[str]:
        """The steps that still apply: a refusal ends it; a plan being drafted drops 'not to issue'."""
        if self.decision == "refuse":
            return ["decision"]
        if self.decision_not_to_issue_on:
            return ["decision", "advice", "not_to_issue"]
        steps = ["decision", "advice"]
        steps += ["not_to_issue"] if not self.draft_served_on else ["draft_comments"]
        return steps + ["final"]


class AssessmentStatusChange(models.Model):
    assessment = models.ForeignKey(
        EhcNeedsAssessment, on_delete=models.CASCADE, related_name="status_history"
    )
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self):
        return f"{self.from_status or 'new'} -> {self.to_status}"

    @property
    def to_label(self) -> str:
        return STATUSES.label(self.to_status)


class StatutoryException(models.Model):
    """A reason the law accepts for a step to be late (e.g. advice asked for in the summer closure)."""

    assessment = models.ForeignKey(EhcNeedsAssessment, on_delete=models.PROTECT, related_name="exceptions")
    step = models.CharField(max_length=16, choices=STEP_CHOICES)
    reason = models.CharField(max_length=500)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "step"],
                name="statutory_exception_one_per_step",
                violation_error_message="An exception is already recorded for this step.",
            )
        ]

    def __str__(self):
        return f"{self.get_step_display()}: {self.reason}"
