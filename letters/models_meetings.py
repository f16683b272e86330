"""Meeting records (seed 004 Appendix 5) and their SMART targets (Appendix 9).

The attendance policy's meetings: the initial concerns meeting (Meeting 1), the School Attendance
Meeting (SAM, Meeting 2), the School Attendance Panel (SAP, Meeting 3), and the joint review with the
SENDCo that the nightly checks ask for when a pupil with SEN support or an EHC plan falls a tier
(graduated_response.triggers.send_alerts). A joint review records an outcome; a letter that warns of
sanctions for such a pupil waits for one (graduated_response/send_gate.py).

Writes go through letters/meetings.py only (audited; status moves via letters/meeting_status.py with
a MeetingStatusEvent row each).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from school.models import Pupil, School

from . import meeting_status

TEXT_MAX = 4000


class Meeting(models.Model):
    class Kind(models.TextChoices):
        INITIAL = "initial", "Attendance initial concerns meeting"
        SAM = "sam", "School Attendance Meeting (SAM)"
        SAP = "sap", "School Attendance Panel (SAP)"
        SEND_REVIEW = "send_review", "Joint review with the SENDCo"

    class Status(models.TextChoices):
        PLANNED = meeting_status.PLANNED, "Planned"
        HELD = meeting_status.HELD, "Held"
        NOT_ATTENDED = meeting_status.NOT_ATTENDED, "Not attended"
        CANCELLED = meeting_status.CANCELLED, "Cancelled"

    class Outcome(models.TextChoices):
        ADJUSTMENTS = "adjustments", "Reasonable adjustments agreed"
        SUPPORT_PLAN = "support_plan", "SEND support plan"
        REFERRAL = "referral", "Referral"
        NO_CHANGE = "no_change", "No change"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="meetings")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    # When and where it is planned.
    planned_on = models.DateField("Date")
    planned_time = models.TimeField("Time", null=True, blank=True)
    place = models.CharField("Place", max_length=200, blank=True)
    # The record (Appendix 5), filled in when it was held.
    held_on = models.DateField("Held on", null=True, blank=True)
    present = models.TextField("Present", max_length=TEXT_MAX, blank=True)
    services_involved = models.TextField("Services involved", max_length=TEXT_MAX, blank=True)
    worried_education = models.TextField(
        "What we are worried about: education", max_length=TEXT_MAX, blank=True
    )
    worried_health = models.TextField("What we are worried about: health", max_length=TEXT_MAX, blank=True)
    worried_care = models.TextField("What we are worried about: care", max_length=TEXT_MAX, blank=True)
    going_well_education = models.TextField("What is going well: education", max_length=TEXT_MAX, blank=True)
    going_well_health = models.TextField("What is going well: health", max_length=TEXT_MAX, blank=True)
    going_well_care = models.TextField("What is going well: care", max_length=TEXT_MAX, blank=True)
    next_steps_education = models.TextField("Next steps: education", max_length=TEXT_MAX, blank=True)
    next_steps_health = models.TextField("Next steps: health", max_length=TEXT_MAX, blank=True)
    next_steps_care = models.TextField("Next steps: care", max_length=TEXT_MAX, blank=True)
    additional_information = models.TextField("Additional information", max_length=TEXT_MAX, blank=True)
    parent_voice = models.TextField("Parent voice", max_length=TEXT_MAX, blank=True)
    child_voice = models.TextField("Child voice", max_length=TEXT_MAX, blank=True)
    # A joint review's outcome (blank for the attendance meetings).
    outcome = models.CharField("Outcome", max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField("About the outcome", max_length=TEXT_MAX, blank=True)
    # Why it was not attended or cancelled.
    status_note = models.TextField("Note", max_length=TEXT_MAX, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-planned_on", "-id"]
        indexes = [models.Index(fields=["school", "pupil", "kind", "status"], name="meeting_pupil_kind")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="held") | Q(held_on__isnull=False), name="meeting_held_has_date"
            ),
            # Only a joint review has an outcome, and a held joint review always has one.
            models.CheckConstraint(
                condition=Q(kind="send_review") | Q(outcome=""), name="meeting_outcome_only_review"
            ),
            models.CheckConstraint(
                condition=~Q(kind="send_review", status="held") | ~Q(outcome=""),
                name="meeting_review_held_has_outcome",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.pupil} on {self.planned_on:%d %b %Y}"

    @property
    def is_joint_review(self) -> bool:
        return self.kind == self.Kind.SEND_REVIEW

    @property
    def day(self):
        """The day it happened (held) or is planned for."""
        return self.held_on or self.planned_on


class MeetingStatusEvent(models.Model):
    """History of a meeting's status, one row per move (letters/meeting_status.py)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="status_events")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{meeting_status.MEETING.label(self.from_status)} to {meeting_status.MEETING.label(self.to_status)}"


class MeetingTarget(models.Model):
    """A SMART target agreed at a meeting: what, who, and when it is reviewed; then met or not met."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MET = "met", "Met"
        NOT_MET = "not_met", "Not met"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="targets")
    text = models.TextField(
        "Target",
        max_length=2000,
        help_text="Specific and measurable, for example: Sam arrives by 8.50am every day this half term.",
    )
    owner = models.CharField("Who", max_length=200, help_text="For example: Mum, Sam, the class teacher.")
    review_on = models.DateField("Review on")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    review_note = models.TextField("Review note", max_length=2000, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["review_on", "id"]
        indexes = [models.Index(fields=["status", "review_on"], name="meetingtarget_due")]

    def __str__(self):
        return self.text[:80]

    # The target's school and pupil are its meeting's (audit.record files rows under them).
    @property
    def school(self):
        return self.meeting.school

    @property
    def pupil_id(self):
        return self.meeting.pupil_id

    @property
    def pupil(self):
        return self.meeting.pupil

    def as_merge(self) -> dict:
        """The shape letters.merge_fields expects in extra["meeting_targets"]."""
        return {"text": self.text, "owner": self.owner, "review_on": self.review_on}
