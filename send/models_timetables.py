"""Part-time timetables (seed 001 Appendix 3, the local authority's protocol): the record, the sessions
the pupil attends, its fortnightly reviews and its history.

The rules (reasons, the time limit in school weeks, review dates, hours against the full-time
guideline) are in send/part_time_rules.py; writes go through send/services/part_time.py, which also
pre-codes ``C2`` in the register for the sessions the pupil is not expected in.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from school.models import Pupil, School, Session
from school.transitions import Transitions
from school.withdrawal import Withdrawable

from . import part_time_rules as rules

ACTIVE = "active"
ENDED = "ended"
STATUS_LABELS = {ACTIVE: "Active", ENDED: "Ended"}
STATUSES = Transitions(
    name="part-time timetable",
    labels=STATUS_LABELS,
    moves={
        "": {ACTIVE: "agreed at the implementation meeting"},
        ACTIVE: {ENDED: "the pupil is back full-time, or the timetable stopped early"},
    },
    final_messages={
        ENDED: "This timetable has ended; open a new one if a part-time timetable is needed again."
    },
)


class PartTimeTimetableQuerySet(models.QuerySet):
    def current(self):
        return self.filter(withdrawn_at__isnull=True)

    def active(self):
        """Not withdrawn and not ended (an active timetable past its end date is still active: flagged)."""
        return self.current().filter(status=ACTIVE)

    def in_force(self, on: date):
        """Active timetables whose dates cover ``on``."""
        return self.active().filter(start_date__lte=on).filter(Q(end_date__isnull=True) | Q(end_date__gte=on))

    def expired(self, on: date):
        """Still active after their end date: nobody ended or extended them."""
        return self.active().filter(end_date__lt=on)


class PartTimeTimetable(Withdrawable):
    """A temporary part-time timetable. Opened by the SENDCo or the headteacher (MANAGE_SEND); a record
    opened by mistake is withdrawn with a reason, which also removes the future C2 pre-codes it made."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="part_time_timetables")
    reason = models.CharField("Exceptional circumstance", max_length=20, choices=rules.REASONS)
    reason_detail = models.TextField(
        "What makes it necessary", help_text="The needs behind it, and what has been tried already."
    )
    start_date = models.DateField("First day on the part-time timetable")
    # Null only for records from before the protocol was kept here: every write refuses a missing end
    # date, and the SEND deadlines flag any record without one.
    end_date = models.DateField("Last day on the part-time timetable", null=True, blank=True)
    parental_agreement_by = models.CharField(
        "Parent or carer who signed the agreement", max_length=200, blank=True
    )
    parental_agreement_on = models.DateField("Date the agreement was signed", null=True, blank=True)
    risk_assessment_on = models.DateField("Risk assessment completed on", null=True, blank=True)
    la_notified_on = models.DateField("Local authority notified on", null=True, blank=True)
    interim_review_called_on = models.DateField(
        "Interim or early annual review called on", null=True, blank=True, help_text="Needed for an EHC plan."
    )
    virtual_school_consulted_on = models.DateField(
        "Virtual school consulted on", null=True, blank=True, help_text="Needed for a looked-after child."
    )
    status = models.CharField(max_length=10, choices=list(STATUS_LABELS.items()), default=ACTIVE)
    next_review_due = models.DateField()
    ended_on = models.DateField("Last day on the part-time timetable, as it ended", null=True, blank=True)
    end_note = models.TextField("How it ended", blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()

    objects = PartTimeTimetableQuerySet.as_manager()
    #: Set by the opening service: what the register got ({recorded, amended, kept, removed}); not stored.
    register_result: dict | None = None

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"],
                condition=Q(status=ACTIVE, withdrawn_at__isnull=True),
                name="part_time_one_active_per_pupil",
                violation_error_message="This pupil already has an active part-time timetable.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="part_time_order",
            ),
        ]
        indexes = [models.Index(fields=["school", "status"])]

    def __str__(self):
        return f"Part-time timetable for {self.pupil} from {self.start_date:%-d %b %Y}"

    @property
    def has_consent(self) -> bool:
        return bool(self.parental_agreement_by and self.parental_agreement_on)

    @property
    def agreed(self) -> list[tuple[int, str]]:
        """(weekday, session) the pupil attends, from the prefetched or stored sessions."""
        return sorted((s.weekday, s.session) for s in self.sessions.all())

    @property
    def sessions_text(self) -> str:
        return rules.describe_sessions(self.agreed)

    def week_hours(self) -> rules.WeekHours:
        return rules.week_hours(
            len(self.agreed),
            year_group=self.pupil.year_group,
            hours_per_session=self.school.hours_per_session,
        )


class PartTimeSession(models.Model):
    """One session a week the pupil attends on the timetable (every other school session is C2)."""

    timetable = models.ForeignKey(PartTimeTimetable, on_delete=models.CASCADE, related_name="sessions")
    weekday = models.PositiveSmallIntegerField(choices=list(enumerate(rules.WEEKDAYS)))
    session = models.CharField(max_length=2, choices=Session.choices)

    class Meta:
        ordering = ["weekday", "session"]
        constraints = [
            models.UniqueConstraint(
                fields=["timetable", "weekday", "session"], name="part_time_session_unique"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=4), name="part_time_session_weekday"),
        ]

    def __str__(self):
        return rules.session_label(self.weekday, self.session)


class PartTimeReview(models.Model):
    """One fortnightly review, kept as history: progress, the sessions agreed from now on, any later end
    date (within the protocol's limit from the start), and when the next review is due."""

    timetable = models.ForeignKey(PartTimeTimetable, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField("Review held on")
    notes = models.TextField("Progress and what was agreed")
    sessions_agreed = models.CharField("Sessions agreed from this review", max_length=300)
    end_date_before = models.DateField(null=True, blank=True)
    end_date_after = models.DateField(null=True, blank=True)
    next_review_due = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["timetable_id", "held_on", "id"]

    def __str__(self):
        return f"Review of {self.timetable} on {self.held_on:%-d %B %Y}"

    @property
    def extended(self) -> bool:
        return bool(
            self.end_date_after and self.end_date_before and self.end_date_after > self.end_date_before
        )

    @property
    def pupil(self):  # the audit trail files the row under the timetable's pupil and school
        return self.timetable.pupil

    @property
    def school(self):
        return self.timetable.school


class PartTimeHistory(models.Model):
    """One row per move (opened, ended) and per change of end date or sessions (never edited)."""

    timetable = models.ForeignKey(PartTimeTimetable, on_delete=models.PROTECT, related_name="history")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    note = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "part-time timetable history"

    def __str__(self):
        return f"{self.timetable}: {self.from_label} to {self.to_label}"

    @property
    def from_label(self):
        return STATUSES.label(self.from_status)

    @property
    def to_label(self):
        return STATUSES.label(self.to_status)
