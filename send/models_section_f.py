"""Section F of an EHC plan, line by line: what provision, how often, how long, by whom, and the
provision-map interventions that deliver it (send/section_f.py checks one against the other)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from school.withdrawal import Withdrawable

from .models import Intervention
from .models_ehcp import EhcPlan


class PlanProvisionLine(Withdrawable):
    """One line of a plan's Section F. A line entered by mistake is withdrawn with a reason."""

    plan = models.ForeignKey(EhcPlan, on_delete=models.PROTECT, related_name="provision_lines")
    description = models.TextField(
        "What the plan says",
        help_text="Copy the wording of the plan, for example: 1:1 phonics with a trained TA.",
    )
    sessions_per_week = models.PositiveSmallIntegerField(
        "Sessions a week",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text="Leave empty if the plan does not say: the line is then flagged as not quantified.",
    )
    minutes_per_session = models.PositiveSmallIntegerField(
        "Minutes a session",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
        help_text="Leave empty if the plan does not say.",
    )
    weeks_per_year = models.PositiveSmallIntegerField(
        "Weeks a year",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text="For example 38 for term time only.",
    )
    delivered_by = models.CharField("By whom", max_length=200, blank=True)
    interventions = models.ManyToManyField(
        Intervention,
        blank=True,
        related_name="plan_lines",
        verbose_name="Delivered through (provision map)",
        help_text="The interventions on the provision map that deliver this line.",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["plan_id", "id"]

    def __str__(self):
        return self.description[:80]

    # The audit trail files a line's rows under its plan's pupil and school.
    @property
    def school(self):
        return self.plan.school

    @property
    def pupil(self):
        return self.plan.pupil

    @property
    def pupil_id(self):
        return self.plan.pupil_id
