"""The formal measures on an attendance case (docs/rules.md section 4): attendance contracts with
their reviews, notices to improve, penalty notices (per parent, per child) and the legal steps
(education supervision order, prosecution referral).

Imported by ``graduated_response.models``. Writes go through ``graduated_response.measures`` only;
the rules are pure functions in ``penalty_notices``, ``notice_to_improve``, ``attendance_contracts``
and ``legal_steps``. Every status change goes through ``school.transitions.move`` with the tables in
``graduated_response.transitions`` and leaves a ``MeasureStatusEvent`` row.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from school.models import Contact, Pupil

from . import attendance_contracts as contract_rules
from . import notice_to_improve as nti_rules
from . import penalty_notices as pn_rules
from .models import OnCase  # models.py imports this module after defining it


class _OnCase(OnCase, models.Model):
    """A measure belongs to a case; its school and pupil are the case's (for the audit trail)."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class AttendanceContract(_OnCase):
    class Status(models.TextChoices):
        PROPOSED = contract_rules.PROPOSED, "Proposed"
        AGREED = contract_rules.AGREED, "Agreed"
        ENDED = contract_rules.ENDED, "Ended"
        BROKEN = contract_rules.BROKEN, "Not kept"

    case = models.ForeignKey(
        "graduated_response.Case", on_delete=models.PROTECT, related_name="attendance_contracts"
    )
    parties = models.TextField(
        "Who agrees it",
        max_length=1000,
        help_text="The parents or carers, the pupil, the school's lead, and any other service.",
    )
    parent_requirements = models.TextField("Parents or carers agree to", max_length=4000)
    school_requirements = models.TextField("The school agrees to", max_length=4000)
    pupil_requirements = models.TextField("The pupil agrees to", max_length=4000, blank=True)
    support_offered = models.TextField("Support offered", max_length=4000)
    reasons_given = models.TextField("Reasons the family gave for the absences", max_length=4000, blank=True)
    start_on = models.DateField("Starts on")
    duration_months = models.PositiveSmallIntegerField(
        "Lasts (months)",
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(contract_rules.MAX_MONTHS)],
        help_text="Most attendance contracts last 3 to 12 months.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)

    class Meta:
        ordering = ["-start_on", "-id"]

    def __str__(self):
        return f"Attendance contract from {self.start_on:%-d %b %Y} ({self.get_status_display()})"

    @property
    def end_on(self):
        return contract_rules.end_date(self.start_on, self.duration_months)

    @property
    def duration_warning(self):
        return contract_rules.duration_warning(self.duration_months)


class NoticeToImprove(_OnCase):
    class Outcome(models.TextChoices):
        IN_PERIOD = nti_rules.IN_PERIOD, "In its improvement period"
        IMPROVED = nti_rules.IMPROVED, "Improved"
        NOT_IMPROVED = nti_rules.NOT_IMPROVED, "Not improved: consider a penalty notice"
        WITHDRAWN = nti_rules.WITHDRAWN, "Withdrawn"

    case = models.ForeignKey(
        "graduated_response.Case", on_delete=models.PROTECT, related_name="notices_to_improve"
    )
    issued_on = models.DateField("Issued on")
    period_start = models.DateField("Improvement period starts")
    period_end = models.DateField("Improvement period ends")
    record = models.TextField(
        "The attendance record", max_length=4000, help_text="The absences this notice is about."
    )
    support_offered = models.TextField("Support offered", max_length=4000)
    sufficient_improvement = models.TextField(
        "What sufficient improvement means",
        max_length=2000,
        help_text="For example: no unauthorised absence during the period.",
    )
    status = models.CharField(max_length=15, choices=Outcome.choices, default=Outcome.IN_PERIOD)
    outcome_on = models.DateField(null=True, blank=True)
    outcome_note = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gt=models.F("period_start")), name="nti_period_order"
            )
        ]

    def __str__(self):
        return f"Notice to improve issued {self.issued_on:%-d %b %Y}"


class PenaltyNotice(_OnCase):
    """One notice to one parent (a contact with parental responsibility) for one child."""

    class Status(models.TextChoices):
        ISSUED = pn_rules.ISSUED, "Issued"
        PAID = pn_rules.PAID, "Paid"
        UNPAID = pn_rules.UNPAID, "Unpaid"
        PROSECUTED = pn_rules.PROSECUTED, "Referred for prosecution"
        WITHDRAWN = pn_rules.WITHDRAWN, "Withdrawn"

    case = models.ForeignKey(
        "graduated_response.Case", on_delete=models.PROTECT, related_name="penalty_notices"
    )
    # Per child across all of the pupil's cases, so the pupil is stored, not only reached via the case.
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="penalty_notices")
    parent = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="penalty_notices")
    sequence = models.PositiveSmallIntegerField(
        help_text="1 or 2: which notice this is to this parent for this child in its 3-year period."
    )
    reference = models.CharField("Local authority's reference", max_length=50, blank=True)
    issued_on = models.DateField("Issued on")
    received_on = models.DateField(
        "Received on", null=True, blank=True, help_text="The date the parent is deemed to have received it."
    )
    unauthorised_10_weeks = models.PositiveSmallIntegerField(
        "Unauthorised sessions in the 10 school weeks before issue"
    )
    support_on_record = models.TextField("Support on record when issued", max_length=2000)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ISSUED)
    paid_on = models.DateField(null=True, blank=True)
    amount_paid = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    withdrawal_reason = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(sequence__in=[1, 2]), name="penaltynotice_sequence"),
            models.CheckConstraint(
                condition=Q(amount_paid__isnull=True) | Q(amount_paid__gt=Decimal("0")),
                name="penaltynotice_amount_positive",
            ),
        ]

    def __str__(self):
        return f"Penalty notice to {self.parent} issued {self.issued_on:%-d %b %Y}"

    @property
    def deadlines(self):
        if self.received_on is None:
            return []
        return pn_rules.deadlines(sequence=self.sequence, received_on=self.received_on)


class PenaltyNoticeRefusal(OnCase, models.Model):
    """A notice the framework did not allow, kept so the case shows it was considered and why not."""

    case = models.ForeignKey(
        "graduated_response.Case", on_delete=models.PROTECT, related_name="penalty_refusals"
    )
    parent = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="+")
    on = models.DateField()
    reasons = models.JSONField(default=list)
    alternatives = models.JSONField(default=list)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"Penalty notice to {self.parent} refused on {self.on:%-d %b %Y}"


class LegalStep(_OnCase):
    class Kind(models.TextChoices):
        ESO = "eso", "Education supervision order"
        PROSECUTION = "prosecution", "Prosecution referral"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Being considered"
        ACTIVE = "active", "In force / referred"
        ENDED = "ended", "Ended"

    case = models.ForeignKey("graduated_response.Case", on_delete=models.PROTECT, related_name="legal_steps")
    kind = models.CharField(max_length=15, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    started_on = models.DateField(
        "Date", help_text="The order's date, or the date of the referral to the local authority."
    )
    ends_on = models.DateField(
        "Ends on", null=True, blank=True, help_text="An education supervision order: one year at first."
    )
    next_review_on = models.DateField("Next review", null=True, blank=True)
    penalty_notice = models.ForeignKey(
        PenaltyNotice, on_delete=models.PROTECT, null=True, blank=True, related_name="legal_steps"
    )
    notes = models.TextField(max_length=4000, blank=True)

    class Meta:
        ordering = ["-started_on", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.started_on:%-d %b %Y}"


class MeasureReview(models.Model):
    """A review date of an attendance contract or an education supervision order, and its outcome."""

    contract = models.ForeignKey(
        AttendanceContract, on_delete=models.CASCADE, null=True, blank=True, related_name="reviews"
    )
    legal_step = models.ForeignKey(
        LegalStep, on_delete=models.CASCADE, null=True, blank=True, related_name="reviews"
    )
    due_on = models.DateField("Review date")
    held_on = models.DateField("Held on", null=True, blank=True)
    outcome = models.TextField(max_length=4000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(contract__isnull=False) & Q(legal_step__isnull=True))
                | (Q(contract__isnull=True) & Q(legal_step__isnull=False)),
                name="measurereview_one_measure",
            )
        ]

    def __str__(self):
        return f"Review due {self.due_on:%-d %b %Y}"

    @property
    def measure(self):
        return self.contract or self.legal_step

    @property
    def school(self):
        return self.measure.case.school

    @property
    def pupil_id(self):
        return self.measure.case.pupil_id

    @property
    def pupil(self):
        return self.measure.case.pupil


class MeasureStatusEvent(models.Model):
    """History of a measure's status, one row per transition (tables in graduated_response/transitions.py)."""

    measure_type = models.CharField(max_length=60)  # the model's label, "graduated_response.penaltynotice"
    measure_id = models.PositiveBigIntegerField()
    from_status = models.CharField(max_length=15, blank=True)
    to_status = models.CharField(max_length=15)
    on = models.DateField()
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["measure_type", "measure_id"], name="measureevent_measure")]

    def __str__(self):
        return f"{self.from_status or 'new'} to {self.to_status} on {self.on}"
