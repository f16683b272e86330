"""The SEND register: concerns, register status and needs, assess-plan-do-review cycles and targets,
views requests, passports, provision (interventions, enrolments, funding), agencies and documents.

Writes go through send/services/ (one function per use case, audited); status moves through the
tables in send/register_status.py and send/cycle_stages.py.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from school.models import Contact, Pupil, School
from school.withdrawal import Withdrawable

from . import annual_review_dates, cycle_stages, needs, register_status, review_decisions
from .provision_costs import DEFAULT_NOTIONAL_THRESHOLD, PER_HOUR, PER_SESSION, impact

AREA_CHOICES = needs.BROAD_AREAS
NEED_CHOICES = needs.flat_need_choices()


class SendSettings(models.Model):
    """The school's own SEND choices (seed 000: £6,000 notional SEN budget; reviews at least termly)."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="send_settings")
    notional_threshold = models.DecimalField(
        "Notional SEN budget per pupil a year (£)",
        max_digits=9,
        decimal_places=2,
        default=DEFAULT_NOTIONAL_THRESHOLD,
    )
    cycle_school_weeks = models.PositiveSmallIntegerField(
        "School weeks from the start of a cycle to its review",
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(15)],
        help_text="Reviews at least termly: at most 15 school weeks.",
    )
    # How "within 12 months" of an EHC plan's issue or last review is read (send/annual_review_dates.py).
    review_year_reading = models.CharField(
        "EHC plan reviews: how 12 months is counted",
        max_length=20,
        choices=list(annual_review_dates.READINGS.items()),
        default=annual_review_dates.DAY_BEFORE,
    )
    # Part-time timetables (seed 001 Appendix 3, the local authority's protocol: 6 school weeks at most,
    # reviewed fortnightly); send/part_time_rules.py counts them.
    part_time_max_school_weeks = models.PositiveSmallIntegerField(
        "Longest part-time timetable, in school weeks",
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(15)],
        help_text="The local protocol says 6 school weeks at most; holidays do not count.",
    )
    part_time_review_days = models.PositiveSmallIntegerField(
        "Days between reviews of a part-time timetable",
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(42)],
        help_text="The local protocol says fortnightly: 14 days.",
    )
    # Views requests (send/views_reminders.py): a reminder after this many days without a reply.
    views_reminder_days = models.PositiveSmallIntegerField(
        "Days before a views request is chased",
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text="A reminder e-mail goes after this many days without a reply, and once more after as many again.",
    )
    office_email = models.EmailField(
        "School office e-mail",
        blank=True,
        help_text="Parents' replies go to the person who asked; to this address if they have no e-mail.",
    )

    def __str__(self):
        return f"SEND settings for {self.school}"


class Concern(Withdrawable):
    """A class teacher's initial concerns form (seed 001), and the SENDCo's triage of it. A concern raised
    by mistake (wrong pupil, entered twice) is withdrawn, not deleted."""

    class Status(models.TextChoices):
        AWAITING_TRIAGE = "awaiting_triage", "Awaiting triage"
        TRIAGED = "triaged", "Triaged"

    class Outcome(models.TextChoices):
        MONITOR = "monitor", "Monitor"
        ADD_TO_REGISTER = "add_to_register", "Add to the SEN register"
        NO_FURTHER_ACTION = "no_further_action", "No further action"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="send_concerns")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="send_concerns")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField()
    area_of_need = models.CharField("Area of need", max_length=20, choices=AREA_CHOICES)
    what_we_see = models.TextField("What you see", help_text="What the pupil finds hard, and when.")
    evidence = models.TextField(help_text="Assessments, work samples, observations.")
    adjustments_in_place = models.TextField(
        "Quality-first-teaching adjustments already in place",
        help_text="The graduated response already tried in class.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AWAITING_TRIAGE)
    # Triage: what the SENDCo will do, each with a date.
    observe = models.BooleanField("Observe the pupil", default=False)
    observe_on = models.DateField("Observation date", null=True, blank=True)
    discuss_at_progress_meeting = models.BooleanField("Discuss at a pupil progress meeting", default=False)
    progress_meeting_on = models.DateField("Pupil progress meeting date", null=True, blank=True)
    meet_parents = models.BooleanField("Meet the parents", default=False)
    parents_meeting_on = models.DateField("Parents' meeting date", null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    triage_notes = models.TextField(blank=True)
    parents_agreed_by = models.CharField("Parent who agreed", max_length=200, blank=True)
    parents_agreed_on = models.DateField("Date the parent agreed", null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["school", "status"])]

    def __str__(self):
        return f"Concern about {self.pupil} ({self.raised_at:%d %b %Y})"


class SendRecord(models.Model):
    """A pupil's place on (or near) the SEN register, with primary and secondary need."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="send_records")
    pupil = models.OneToOneField(Pupil, on_delete=models.PROTECT, related_name="send_record")
    status = models.CharField(max_length=20, choices=register_status.STATUS_CHOICES)
    status_since = models.DateField()
    primary_need = models.CharField(max_length=4, choices=NEED_CHOICES, blank=True)
    secondary_need = models.CharField(max_length=4, choices=NEED_CHOICES, blank=True)
    # Monitoring's review-by date (set by a triage's "monitor" decision; a follow-up task on that day).
    monitoring_review_by = models.DateField("Review monitoring by", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["school", "status"])]

    def __str__(self):
        return f"{self.pupil}: {self.get_status_display()}"

    def clean(self):
        if self.secondary_need and self.secondary_need == self.primary_need:
            raise ValidationError({"secondary_need": "The secondary need must differ from the primary need."})
        if self.secondary_need and not self.primary_need:
            raise ValidationError({"secondary_need": "Record a primary need first."})

    @property
    def census_code(self):
        return register_status.census_code(self.status)

    @property
    def primary_area(self):
        return needs.NEED_AREAS.get(self.primary_need, "")


class SendStatusChange(models.Model):
    """One row per register status move: who, when, from, to, why (never edited)."""

    record = models.ForeignKey(SendRecord, on_delete=models.PROTECT, related_name="history")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)
    reason = models.TextField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()
    # The day the move took effect, when it was recorded later (an EHC plan typed in after its issue
    # date); empty for older rows, which took effect when recorded.
    effective_on = models.DateField(null=True, blank=True)
    parents_agreed_by = models.CharField(max_length=200, blank=True)
    parents_agreed_on = models.DateField(null=True, blank=True)
    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.pupil}: {self.from_label} to {self.to_label}"

    @property
    def from_label(self):
        return register_status.LABELS.get(self.from_status, self.from_status)

    @property
    def took_effect(self):
        return self.effective_on or timezone.localtime(self.changed_at).date()

    @property
    def recorded_later(self) -> bool:
        return self.took_effect != timezone.localtime(self.changed_at).date()

    @property
    def to_label(self):
        return register_status.LABELS.get(self.to_status, self.to_status)


class PupilPassport(models.Model):
    """The one-page profile, in the pupil's words where possible."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.OneToOneField(Pupil, on_delete=models.PROTECT, related_name="passport")
    liked_and_admired = models.TextField("What people like and admire about me", blank=True)
    important_to_me = models.TextField("What is important to me", blank=True)
    how_to_support_me = models.TextField("How best to support me", blank=True)
    in_pupils_words = models.BooleanField("Written in the pupil's own words", default=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()

    def __str__(self):
        return f"Pupil passport for {self.pupil}"


class SupportCycleQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(stage=cycle_stages.CLOSED)

    def review_overdue(self, *, at):
        return self.open().filter(review_due__lt=at)

    def review_due_within(self, *, at, days: int = 14):
        from datetime import timedelta

        return self.open().filter(review_due__gte=at, review_due__lte=at + timedelta(days=days))


class SupportCycle(models.Model):
    """One assess-plan-do-review cycle of SEN support."""

    class PlanType(models.TextChoices):
        PLP = "PLP", "Personalised learning plan (PLP)"
        IEP = "IEP", "Individual education plan (IEP)"
        MEP = "MEP", "Multi-element plan (MEP, behaviour)"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="send_cycles")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="send_cycles")
    number = models.PositiveSmallIntegerField()
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_cycle"
    )
    start_date = models.DateField()
    review_due = models.DateField()
    stage = models.CharField(max_length=10, choices=cycle_stages.STAGE_CHOICES, default=cycle_stages.ASSESS)
    plan_type = models.CharField(max_length=3, choices=PlanType.choices, default=PlanType.PLP)
    # Assess
    assessment_evidence = models.TextField("Evidence and assessments", blank=True)
    teacher_views = models.TextField("Teacher's views", blank=True)
    parent_views = models.TextField("Parents' views", blank=True)
    pupil_views = models.TextField("Pupil's views", blank=True)
    agency_views = models.TextField("Outside agencies' views", blank=True)
    # A multi-element plan (behaviour) has its own parts besides the targets; the other plans leave them
    # blank. A MEP does not start ("Do") until the behaviour, proactive and reactive parts are written.
    mep_behaviour = models.TextField(
        "The behaviour of concern", blank=True, help_text="What it looks like, how often, how long."
    )
    mep_triggers = models.TextField(
        "Triggers and what the behaviour is for",
        blank=True,
        help_text="When it happens and what it gets or avoids.",
    )
    mep_proactive = models.TextField(
        "Proactive strategies", blank=True, help_text="What adults do every day so it is less likely."
    )
    mep_reactive = models.TextField(
        "Reactive strategies",
        blank=True,
        help_text="What adults do when it starts, to keep everyone safe and calm.",
    )
    # Do
    provision_notes = models.TextField("Provision delivered", blank=True)
    # Review
    reviewed_on = models.DateField(null=True, blank=True)
    review_pupil_views = models.TextField("Pupil's views at review", blank=True)
    review_parent_views = models.TextField("Parents' views at review", blank=True)
    next_steps = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = SupportCycleQuerySet.as_manager()

    class Meta:
        ordering = ["pupil_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "number"], name="supportcycle_unique_number"),
            # At most one open cycle per pupil.
            models.UniqueConstraint(
                fields=["pupil"], condition=~Q(stage="closed"), name="supportcycle_one_open_per_pupil"
            ),
            models.CheckConstraint(
                condition=Q(review_due__gte=models.F("start_date")), name="supportcycle_order"
            ),
        ]
        indexes = [models.Index(fields=["school", "stage", "review_due"])]

    def __str__(self):
        return f"{self.pupil}: cycle {self.number} ({self.get_plan_type_display()})"

    def clean(self):
        if self.start_date and self.review_due and self.review_due < self.start_date:
            raise ValidationError({"review_due": "The review must be due on or after the cycle starts."})


class CycleStageChange(models.Model):
    """One row per move of a cycle between assess, plan, do, review and closed (never edited)."""

    cycle = models.ForeignKey(SupportCycle, on_delete=models.CASCADE, related_name="stage_history")
    from_stage = models.CharField(max_length=10, choices=cycle_stages.STAGE_CHOICES)
    to_stage = models.CharField(max_length=10, choices=cycle_stages.STAGE_CHOICES)
    # None: the nightly checks moved it (its review date came), not a person.
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self):
        return f"{self.cycle}: {self.get_from_stage_display()} to {self.get_to_stage_display()}"


class CycleReview(models.Model):
    """One review of a cycle, kept as history: a second review adds a record, never replaces one.

    `outcomes` snapshots each target's outcome and evidence as this review gave them, since a later
    review of the same cycle changes the targets' current outcome. The cycle's own review fields
    hold the latest review, for lists and the closing check."""

    cycle = models.ForeignKey(SupportCycle, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    pupil_views = models.TextField("Pupil's views at review", blank=True)
    parent_views = models.TextField("Parents' views at review", blank=True)
    next_steps = models.TextField(blank=True)
    outcomes = models.JSONField(default=list, blank=True, help_text="[{target, outcome, evidence}]")
    attended = models.TextField("Who attended", blank=True)
    led_by = models.CharField("Who led the review", max_length=200, blank=True)
    decision = models.CharField(max_length=20, choices=review_decisions.CHOICES, blank=True)

    class Meta:
        ordering = ["cycle_id", "reviewed_on", "id"]

    def __str__(self):
        return f"Review of {self.cycle} on {self.reviewed_on:%-d %B %Y}"

    @property
    def decision_next_step(self) -> str:
        return review_decisions.next_step(self.decision)


class Target(Withdrawable):
    """A SMART target of a plan, with its outcome at review. A mistaken one is withdrawn, not deleted."""

    class Outcome(models.TextChoices):
        ACHIEVED = "achieved", "Achieved"
        PARTLY = "partly", "Partly achieved"
        NOT_ACHIEVED = "not_achieved", "Not achieved"

    UNMET = (Outcome.PARTLY, Outcome.NOT_ACHIEVED)

    cycle = models.ForeignKey(SupportCycle, on_delete=models.CASCADE, related_name="targets")
    area_of_need = models.CharField("Area of need", max_length=20, choices=AREA_CHOICES)
    target = models.TextField()
    success_criteria = models.TextField("Success criteria", help_text="How we will know it is achieved.")
    strategies = models.TextField(help_text="What adults do in class to help.")
    provision = models.TextField(blank=True, help_text="The intervention or support, how often, how long.")
    responsible = models.CharField("Who", max_length=200, help_text="Who delivers it.")
    baseline = models.TextField(
        "Baseline", blank=True, help_text="Where the pupil is now, so progress can be measured against it."
    )
    review_date = models.DateField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_evidence = models.TextField("Evidence", blank=True)
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )

    class Meta:
        ordering = ["cycle_id", "id"]

    def __str__(self):
        return self.target[:80]

    @property
    def pupil_id(self):
        return self.cycle.pupil_id

    @property
    def pupil(self):  # the audit trail files a target's rows under its pupil and school
        return self.cycle.pupil

    @property
    def school(self):
        return self.cycle.school


class ViewsRequest(models.Model):
    """A request for the parents' or the pupil's views before a review (an SEN support cycle's review or
    an EHC plan's review: exactly one of ``cycle`` and ``annual_review``), and the views when they come.

    A parent asked by e-mail can answer once through a signed link (send/views_reply_links.py); the
    answer is kept as the parent wrote it, ``views_source`` saying so.
    """

    class Respondent(models.TextChoices):
        PARENT = "parent", "Parents"
        PUPIL = "pupil", "Pupil"

    class Method(models.TextChoices):
        EMAIL = "email", "E-mail"
        PRINTED = "printed", "Printed form"

    class Source(models.TextChoices):
        STAFF = "staff", "Recorded by the school"
        PARENT_LINK = "parent_link", "The parent's own words, sent through the e-mailed link"

    cycle = models.ForeignKey(
        SupportCycle, on_delete=models.CASCADE, null=True, blank=True, related_name="views_requests"
    )
    annual_review = models.ForeignKey(
        "send.AnnualReview", on_delete=models.CASCADE, null=True, blank=True, related_name="views_requests"
    )
    respondent = models.CharField(max_length=10, choices=Respondent.choices)
    contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    method = models.CharField(max_length=10, choices=Method.choices)
    sent_to = models.EmailField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    views = models.TextField(blank=True)
    received_on = models.DateField(null=True, blank=True)
    views_source = models.CharField(max_length=12, choices=Source.choices, blank=True)
    # The printed request (a letters.Letter snapshot) when it went on paper; the latest one if re-sent.
    letter = models.ForeignKey(
        "letters.Letter", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The e-mailed request (a letters.Email: whether the mail server really accepted it); the latest.
    email = models.ForeignKey(
        "letters.Email", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Reminders (send/views_reminders.py): at most two, each set by a conditional update.
    reminded_at = models.DateTimeField("First reminder", null=True, blank=True)
    reminded_again_at = models.DateTimeField("Second reminder", null=True, blank=True)
    # The online reply link: a random nonce signed into the link, and when the link was used.
    reply_nonce = models.CharField(max_length=32, blank=True, editable=False)
    reply_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cycle_id", "annual_review_id", "respondent"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "respondent"], name="viewsrequest_one_per_respondent"),
            models.UniqueConstraint(
                fields=["annual_review", "respondent"],
                condition=Q(annual_review__isnull=False),
                name="viewsrequest_one_per_review_respondent",
            ),
            models.CheckConstraint(
                condition=Q(cycle__isnull=False, annual_review__isnull=True)
                | Q(cycle__isnull=True, annual_review__isnull=False),
                name="viewsrequest_cycle_or_review",
            ),
        ]

    def __str__(self):
        return f"{self.whose_views} for {self.review}"

    @property
    def review(self):
        """The SEN support cycle or the EHC plan review the views are for."""
        return self.cycle if self.cycle_id else self.annual_review

    @property
    def pupil(self):
        return self.review.pupil

    @property
    def school(self):
        return self.review.school

    @property
    def review_date(self):
        return self.cycle.review_due if self.cycle_id else self.annual_review.meeting_date

    @property
    def whose_views(self) -> str:
        """ "Parents' views" / "Pupil's views": the apostrophe goes where English puts it."""
        return "Parents' views" if self.respondent == self.Respondent.PARENT else "Pupil's views"

    @property
    def is_in(self):
        return self.received_on is not None


class Intervention(models.Model):
    """An entry of the school's intervention catalogue (the provision map's rows)."""

    class Wave(models.IntegerChoices):
        ONE = 1, "Wave 1 (quality-first teaching)"
        TWO = 2, "Wave 2 (targeted)"
        THREE = 3, "Wave 3 (specialist)"

    class Delivery(models.TextChoices):
        GROUP = "group", "Group"
        ONE_TO_ONE = "one_to_one", "1:1"

    class CostBasis(models.TextChoices):
        PER_HOUR_ = PER_HOUR, "Per hour"
        PER_SESSION_ = PER_SESSION, "Per session"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="interventions")
    name = models.CharField(max_length=200)
    area_of_need = models.CharField("Area of need", max_length=20, choices=AREA_CHOICES)
    wave = models.PositiveSmallIntegerField(choices=Wave.choices, default=Wave.TWO)
    delivery = models.CharField(max_length=12, choices=Delivery.choices, default=Delivery.GROUP)
    group_size = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(40)],
        help_text="Places in the group; a session's cost is split between them. 1 for 1:1.",
    )
    staff = models.CharField(max_length=200, help_text="Who delivers it, e.g. a TA or an outside specialist.")
    sessions_per_week = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(25)]
    )
    minutes_per_session = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(5), MaxValueValidator(300)]
    )
    cost_basis = models.CharField(max_length=12, choices=CostBasis.choices, default=PER_HOUR)
    cost = models.DecimalField(
        "Cost (£)", max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    resources = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    # Issue 15: the adult who delivers it (usually a TA) sees it under "My interventions" and records
    # its sessions (send/models_sessions.py).
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interventions_delivered",
        help_text="The adult who runs the sessions and records them.",
    )

    class Meta:
        ordering = ["wave", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "name"],
                name="intervention_unique_name",
                violation_error_message="The catalogue already has an intervention with this name.",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.delivery == self.Delivery.ONE_TO_ONE and self.group_size != 1:
            raise ValidationError({"group_size": "A 1:1 intervention has one place."})


class ProvisionEnrolment(Withdrawable):
    """A pupil's place in an intervention (a provision place). A mistaken one is withdrawn, not deleted."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="provision_enrolments")
    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="enrolments")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    measure_unit = models.CharField(
        "Measure",
        max_length=100,
        blank=True,
        help_text="For example: reading age in months, standardised score.",
    )
    entry_measure = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    exit_measure = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["-start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="enrolment_order",
            ),
        ]

    def __str__(self):
        return f"{self.pupil} on {self.intervention}"

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date cannot be before the start date."})
        if self.exit_measure is not None and self.entry_measure is None:
            raise ValidationError({"exit_measure": "Record the entry measure before the exit measure."})

    @property
    def impact(self):
        return impact(self.entry_measure, self.exit_measure)


class FundingApplication(Withdrawable):
    """An application for funding beyond the notional SEN budget. A mistaken one is withdrawn, not deleted."""

    class Kind(models.TextChoices):
        INCLUSION_PANEL = "inclusion_panel", "Inclusion panel"
        HIGH_NEEDS_TOP_UP = "high_needs_top_up", "High-needs top-up"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        AWARDED = "awarded", "Awarded"
        DECLINED = "declined", "Declined"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="funding_applications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    submitted_on = models.DateField()
    amount_asked = models.DecimalField("Amount asked (£)", max_digits=9, decimal_places=2)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    amount_awarded = models.DecimalField(
        "Amount awarded (£)", max_digits=9, decimal_places=2, null=True, blank=True
    )
    review_date = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-submitted_on", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.pupil}"

    def clean(self):
        errors = {}
        if self.amount_asked is not None and self.amount_asked <= 0:
            errors["amount_asked"] = "Enter the amount asked for, more than £0."
        if self.status == self.Status.AWARDED:
            if self.amount_awarded is None:
                errors["amount_awarded"] = "Enter the amount awarded."
            elif self.amount_awarded < 0:
                errors["amount_awarded"] = "The amount awarded cannot be less than £0."
        elif self.amount_awarded is not None:
            errors["amount_awarded"] = "Only an awarded application has an amount awarded."
        if self.submitted_on and self.submitted_on > timezone.localdate():
            errors["submitted_on"] = "The date the application was submitted cannot be in the future."
        if self.review_date and self.submitted_on and self.review_date < self.submitted_on:
            errors["review_date"] = "The review date cannot be before the application was submitted."
        if errors:
            raise ValidationError(errors)


class AgencyInvolvement(Withdrawable):
    """An outside agency's involvement with a pupil. A mistaken one is withdrawn, not deleted."""

    class Agency(models.TextChoices):
        EP = "EP", "Educational psychology"
        SALT = "SALT", "Speech and language therapy"
        OT = "OT", "Occupational therapy"
        CAMHS = "CAMHS", "CAMHS"
        SPECIALIST_TEACHER = "specialist_teacher", "Specialist teacher"
        SOCIAL_CARE = "social_care", "Social care"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        REFERRED = "referred", "Referred"
        ACCEPTED = "accepted", "Accepted, waiting"
        INVOLVED = "involved", "Involved"
        CLOSED = "closed", "Closed"
        DECLINED = "declined", "Referral declined"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="agency_involvements")
    agency = models.CharField(max_length=20, choices=Agency.choices)
    agency_detail = models.CharField("Service or professional", max_length=200, blank=True)
    referral_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REFERRED)
    last_report_received_on = models.DateField("Latest report received", null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-referral_date", "-id"]

    def __str__(self):
        return f"{self.get_agency_display()} for {self.pupil}"

    def clean(self):
        errors = {}
        if self.referral_date and self.referral_date > timezone.localdate():
            errors["referral_date"] = "The referral date cannot be in the future."
        if self.last_report_received_on and self.referral_date:
            if self.last_report_received_on < self.referral_date:
                errors["last_report_received_on"] = "A report cannot arrive before the referral."
            elif self.last_report_received_on > timezone.localdate():
                errors["last_report_received_on"] = "The date a report arrived cannot be in the future."
        if errors:
            raise ValidationError(errors)


class SendDocument(Withdrawable):
    """An uploaded report or plan. The bytes live in the private storage, named by us, never served
    from a public URL; only send.views.document_download serves them, after the policy checks. A document
    uploaded by mistake is withdrawn (no longer listed or downloadable), not deleted."""

    class Kind(models.TextChoices):
        REPORT = "report", "Agency report"
        EHC_PLAN = "ehc_plan", "EHC plan"
        MEDICAL = "medical", "Medical information"
        PLAN = "plan", "Plan or review"
        OTHER = "other", "Other"

    # Viewing these is recorded in the audit trail, whoever looks.
    AUDITED_KINDS = {Kind.EHC_PLAN, Kind.MEDICAL}

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="send_documents")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=200)
    confidential = models.BooleanField(
        default=False, help_text="Only the SENDCo and headteacher can open confidential documents."
    )
    agency = models.ForeignKey(
        AgencyInvolvement, on_delete=models.SET_NULL, null=True, blank=True, related_name="documents"
    )
    stored_name = models.CharField(max_length=200, unique=True, editable=False)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return self.title

    @property
    def view_is_audited(self):
        return self.confidential or self.kind in self.AUDITED_KINDS

    def private_file_name(self) -> str:
        """The bytes' name in the private storage (school/private_files.py); deleting the row at the end
        of retention deletes this file too."""
        return f"send/{self.school_id}/{self.stored_name}"


# The notice that SEN provision is being made, and review invitations (send/parent_letter_models.py).
# EHC plans and local authorities (send/models_ehcp.py); Section F lines (send/models_section_f.py).
# EHC plans and local authorities (send/models_ehcp.py).
# EHC needs assessments and their statutory exceptions (send/models_assessment.py).
from .models_assessment import AssessmentStatusChange, EhcNeedsAssessment, StatutoryException  # noqa: E402, F401

# The SENDCo's private iCalendar link to the deadline calendar (send/models_calendar.py).
from .models_calendar import CalendarFeed  # noqa: E402, F401
from .models_ehcp import EhcPlan, LocalAuthority  # noqa: E402, F401

# The EHC needs assessment evidence pack (send/models_evidence.py).
from .models_evidence import EvidencePack  # noqa: E402, F401

# Reviews of EHC plans (send/models_reviews.py).
from .models_reviews import AnnualReview, ReviewInvitee, ReviewStatusChange  # noqa: E402, F401
from .models_section_f import PlanProvisionLine  # noqa: E402, F401

# Sessions of an intervention delivered, and each pupil's attendance at them (issue 15).
from .models_sessions import InterventionSession, SessionAttendance  # noqa: E402, F401
from .models_tasks import FollowUpTask, FollowUpTaskChange  # noqa: E402, F401

# Part-time timetables (send/models_timetables.py).
from .models_timetables import (  # noqa: E402, F401
    PartTimeHistory,
    PartTimeReview,
    PartTimeSession,
    PartTimeTimetable,
)
from .models_views_forms import ViewsFormsPrint  # noqa: E402, F401
from .parent_letter_models import ProvisionNotification, ReviewInvitation  # noqa: E402, F401
