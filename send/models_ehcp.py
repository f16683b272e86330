"""EHC plans and the local authorities that issue them (the shared base of issue 13).

Other EHC records live beside this module: needs assessments (models_assessment.py), annual reviews
(models_reviews.py), part-time timetables (models_timetables.py) and Section F provision lines
(models_section_f.py). Writes go through send/services/ (one function per use case, audited).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from school.models import Pupil, School, Trust
from school.withdrawal import Withdrawable, WithdrawableQuerySet


class LocalAuthority(models.Model):
    """A local authority the trust's schools deal with (a SENDCo may work with several)."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="local_authorities")
    name = models.CharField(max_length=120)
    sen_team_email = models.EmailField("SEN team e-mail", blank=True)
    sen_team_phone = models.CharField("SEN team phone", max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "name"],
                name="local_authority_unique_name",
                violation_error_message="There is already a local authority with this name.",
            )
        ]

    def __str__(self):
        return self.name


class EhcPlanQuerySet(WithdrawableQuerySet):
    def in_force(self, on):
        """Plans issued on or before `on`, not ceased by then and not withdrawn."""
        return self.filter(withdrawn_at__isnull=True, issue_date__lte=on).filter(
            Q(ceased_on__isnull=True) | Q(ceased_on__gt=on)
        )


class EhcPlan(Withdrawable):
    """An education, health and care plan, as the local authority issued it.

    A pupil has at most one plan in force; a plan entered by mistake is withdrawn, not deleted. The
    register status becomes E (send/register_status.py) with the plan's issue date, not the day it was typed.
    """

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="ehc_plans")
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="plans")
    la_officer_name = models.CharField("Local authority SEN officer", max_length=120, blank=True)
    la_officer_email = models.EmailField("Officer's e-mail", blank=True)
    issue_date = models.DateField("Date the final plan was issued")
    needs_summary = models.TextField("Section B: special educational needs", blank=True)
    outcomes = models.TextField("Section E: outcomes", blank=True)
    provision_summary = models.TextField("Section F: special educational provision", blank=True)
    health_and_care = models.TextField("Sections G and H: health and social care provision", blank=True)
    annual_funding = models.DecimalField(
        "Top-up funding a year (£)",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    funding_notes = models.CharField(max_length=300, blank=True)
    document = models.ForeignKey(
        "send.SendDocument", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ceased_on = models.DateField(null=True, blank=True)
    ceased_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    objects = EhcPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-issue_date", "-id"]
        constraints = [
            # One plan in force per pupil: a second is refused until the first ceases or is withdrawn.
            models.UniqueConstraint(
                fields=["pupil"],
                condition=Q(ceased_on__isnull=True, withdrawn_at__isnull=True),
                name="ehc_plan_one_in_force",
                violation_error_message="This pupil already has an EHC plan in force.",
            ),
            models.CheckConstraint(
                condition=Q(ceased_on__isnull=True) | Q(ceased_on__gte=models.F("issue_date")),
                name="ehc_plan_cease_order",
            ),
        ]

    def __str__(self):
        return f"EHC plan for {self.pupil} ({self.local_authority}, {self.issue_date:%d %b %Y})"

    def clean(self):
        if self.ceased_on and self.issue_date and self.ceased_on < self.issue_date:
            raise ValidationError({"ceased_on": "A plan cannot cease before it was issued."})
        if self.ceased_on and not self.ceased_reason:
            raise ValidationError({"ceased_reason": "Say why the plan ceased."})
