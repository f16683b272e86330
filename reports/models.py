"""The annual SEN information report (SEND Regulations 2014, regulation 51 and schedule 1; SEND Code of
Practice 6.79-6.83): one per school per academic year, drafted from the product's figures, edited by the
SENDCo or the headteacher and published for parents (the school's website) and governors.

Publishing freezes a numbered version: the text and the figures as they were at that moment (JSON),
so a later change to the register never changes what was published. A mistaken report is withdrawn
with a reason (school.withdrawal), never deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from school.models import School
from school.withdrawal import Withdrawable

from . import sen_information_status as status_table

# (field, heading, what to write) in the order the report prints them. Our own headings, for parents.
SECTIONS: list[tuple[str, str, str]] = [
    (
        "approach",
        "Our approach to special educational needs",
        "The kinds of special educational needs the school provides for, and where parents can read the "
        "school's SEND policy.",
    ),
    (
        "identifying",
        "How we notice that a child needs extra help",
        "How staff spot a child who is finding learning harder than others, and how needs are assessed.",
    ),
    (
        "support",
        "The support we offer",
        "How teaching is adapted, the extra help and interventions on offer, and how staff are trained.",
    ),
    (
        "working_with_families",
        "How we work with parents and children",
        "How parents and children are asked for their views and take part in planning and reviews.",
    ),
    (
        "checking",
        "How we check that support is working",
        "How the school reviews each child's progress and judges whether its provision is effective.",
    ),
    (
        "local_offer",
        "Other help for families: the local offer",
        "The local authority's local offer and other services that support families.",
    ),
    (
        "concerns",
        "If you are worried or unhappy",
        "Who to talk to first, and how to make a complaint if a worry is not resolved.",
    ),
]
SECTION_FIELDS = [name for name, _heading, _hint in SECTIONS]
MAX_SECTION_CHARS = 6000


class SenInformationReport(Withdrawable):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="sen_information_reports")
    # The academic year's first calendar year: 2026 is 2026/27.
    year_start = models.PositiveSmallIntegerField("Academic year")
    status = models.CharField(max_length=10, choices=status_table.CHOICES, default=status_table.DRAFT)
    approach = models.TextField(
        "Our approach to special educational needs", max_length=MAX_SECTION_CHARS, blank=True
    )
    identifying = models.TextField(
        "How we notice that a child needs extra help", max_length=MAX_SECTION_CHARS, blank=True
    )
    support = models.TextField("The support we offer", max_length=MAX_SECTION_CHARS, blank=True)
    working_with_families = models.TextField(
        "How we work with parents and children", max_length=MAX_SECTION_CHARS, blank=True
    )
    checking = models.TextField(
        "How we check that support is working", max_length=MAX_SECTION_CHARS, blank=True
    )
    local_offer = models.TextField(
        "Other help for families: the local offer", max_length=MAX_SECTION_CHARS, blank=True
    )
    local_offer_url = models.URLField("Link to the local offer", max_length=300, blank=True)
    concerns = models.TextField("If you are worried or unhappy", max_length=MAX_SECTION_CHARS, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year_start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "year_start"],
                condition=Q(withdrawn_at__isnull=True),
                name="sir_one_report_per_school_year",
                violation_error_message="This school already has a SEN information report for that year.",
            )
        ]

    def __str__(self):
        return f"SEN information report {self.year_label}"

    @property
    def year_label(self) -> str:
        return f"{self.year_start}/{(self.year_start + 1) % 100:02d}"

    def sections(self) -> list[dict]:
        return [
            {"name": name, "heading": heading, "text": getattr(self, name)} for name, heading, _ in SECTIONS
        ]


class SenInformationReportVersion(models.Model):
    """A published version: what parents and governors read, frozen (never edited)."""

    report = models.ForeignKey(SenInformationReport, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    # [{name, heading, text}] and the local offer link, as published.
    sections = models.JSONField(default=list)
    local_offer_url = models.URLField(max_length=300, blank=True)
    # reports.sen_information.figures() at the moment of publishing, suppressed already.
    figures = models.JSONField(default=dict)
    figures_on = models.DateField("Figures as of")
    note = models.CharField("Why it was published again", max_length=500, blank=True)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["report_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="sir_version_unique_number"),
        ]

    def __str__(self):
        return f"{self.report}, version {self.number}"

    @property
    def school(self):
        return self.report.school


class SenInformationReportStatusChange(models.Model):
    """One row per status move (never edited)."""

    report = models.ForeignKey(SenInformationReport, on_delete=models.CASCADE, related_name="status_history")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, choices=status_table.CHOICES)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self):
        return f"{self.report}: {self.from_status or 'new'} to {self.to_status}"
