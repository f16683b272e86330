"""The SEN register as a list: every pupil on roll with a SEND status, filtered and sorted in the
database, for the register page, its CSV and its PDF.

A fixed number of queries whatever the number of pupils: one for the rows (the open cycle's stage
and review date come in as subqueries), one for the current provision of the rows shown, and one
for the year groups the school has (a primary school is offered only its own).

Seeds 000 and 001: the monitoring list, including pupils recently taken off the register, is a core
record; a pupil on SEN support (K) or with an EHC plan (E) needs a primary need for the census.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case as DbCase
from django.db.models import DateField, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce

from school.models import Pupil

from . import cycle_stages, register_status
from .models import ProvisionEnrolment, SendRecord, SupportCycle

ON_REGISTER = ("sen_support", "ehc_plan")
NO_NEED = "none"
NO_CYCLE = "none"

#: review filter value -> (label, days ahead; None for overdue only)
REVIEW_WINDOWS = {
    "overdue": "Overdue",
    "14": "Overdue or due in the next 2 weeks",
    "42": "Overdue or due in the next 6 weeks",
    NO_CYCLE: "No open cycle",
}

#: sort value -> (label, ordering); the pupil's name breaks ties so the order is stable.
NAME = ("pupil__legal_last_name", "pupil__legal_first_name", "pupil_id")
SORTS = {
    "name": ("Name", NAME),
    "class": ("Class", ("pupil__registration_class__name", *NAME)),
    "year": ("Year", ("pupil__year_group", *NAME)),
    "status": ("Status", ("status", *NAME)),
    "since": ("Status since, newest first", ("-status_since", *NAME)),
    "review": ("Next review, soonest first", ("next_review", *NAME)),
}


@dataclass
class RegisterFilters:
    status: str = ""  # a register status, "on_register" (K or E), or "" for every status
    need: str = ""  # a census need code (primary or secondary), NO_NEED, or ""
    registration_class_id: int | None = None
    year_group: int | None = None
    stage: str = ""  # a cycle stage of the open cycle, NO_CYCLE, or ""
    review: str = ""  # a REVIEW_WINDOWS key or ""
    intervention_id: int | None = None
    pupil_premium: bool = False
    looked_after: bool = False
    sort: str = "name"


def register_rows(*, school, today: date, filters: RegisterFilters, class_ids=None) -> QuerySet[SendRecord]:
    """Every pupil on roll today with a SEND record, as `filters` say. `class_ids`: the classes the
    user may see (None: every class)."""
    open_cycle = SupportCycle.objects.filter(pupil_id=OuterRef("pupil_id")).exclude(stage=cycle_stages.CLOSED)
    rows = (
        SendRecord.objects.filter(school=school)
        .filter(Q(pupil__leaving_date__isnull=True) | Q(pupil__leaving_date__gte=today))
        .select_related("pupil__registration_class")
        .annotate(
            cycle_id=Subquery(open_cycle.values("pk")[:1]),
            cycle_stage=Subquery(open_cycle.values("stage")[:1]),
            # A cycle's review date; for a pupil being monitored, monitoring's review-by date (set at triage).
            next_review=Coalesce(
                Subquery(open_cycle.values("review_due")[:1]),
                DbCase(
                    When(status=register_status.MONITORING, then=F("monitoring_review_by")),
                    output_field=DateField(),
                ),
                output_field=DateField(),
            ),
        )
    )
    if class_ids is not None:
        rows = rows.filter(pupil__registration_class_id__in=class_ids)
    rows = _filter(rows, filters, today)
    return rows.prefetch_related(
        Prefetch(
            "pupil__provision_enrolments",
            queryset=ProvisionEnrolment.objects.current()
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
            .select_related("intervention")
            .order_by("intervention__name"),
            to_attr="current_provision",
        )
    ).order_by(*SORTS.get(filters.sort, SORTS["name"])[1])


def _filter(rows, filters: RegisterFilters, today: date):
    if filters.status == "on_register":
        rows = rows.filter(status__in=ON_REGISTER)
    elif filters.status:
        rows = rows.filter(status=filters.status)
    if filters.need == NO_NEED:
        rows = rows.filter(primary_need="")
    elif filters.need:
        rows = rows.filter(Q(primary_need=filters.need) | Q(secondary_need=filters.need))
    if filters.registration_class_id:
        rows = rows.filter(pupil__registration_class_id=filters.registration_class_id)
    if filters.year_group is not None:
        rows = rows.filter(pupil__year_group=filters.year_group)
    if filters.stage == NO_CYCLE:
        rows = rows.filter(cycle_id__isnull=True)
    elif filters.stage:
        rows = rows.filter(cycle_stage=filters.stage)
    if filters.review == NO_CYCLE:
        rows = rows.filter(cycle_id__isnull=True)
    elif filters.review == "overdue":
        rows = rows.filter(next_review__lt=today)
    elif filters.review:
        rows = rows.filter(next_review__lte=today + timedelta(days=int(filters.review)))
    if filters.intervention_id:
        current = ProvisionEnrolment.objects.current().filter(
            Q(end_date__isnull=True) | Q(end_date__gte=today),
            pupil_id=OuterRef("pupil_id"),
            intervention_id=filters.intervention_id,
        )
        rows = rows.filter(Exists(current))
    if filters.pupil_premium:
        rows = rows.filter(pupil__pupil_premium=True)
    if filters.looked_after:
        rows = rows.filter(pupil__looked_after=True)
    return rows


def needs_missing(*, school) -> list[Pupil]:
    """Pupils on roll on SEN support or with an EHC plan and no primary need recorded: the census
    needs one for each (one query)."""
    return [
        record.pupil
        for record in SendRecord.objects.filter(
            school=school, status__in=ON_REGISTER, primary_need="", pupil__leaving_date__isnull=True
        )
        .select_related("pupil__registration_class")
        .order_by(*NAME)
    ]


def needs_missing_flag(record: SendRecord) -> bool:
    return register_status.is_on_register(record.status) and not record.primary_need


def stage_label(stage: str | None) -> str:
    return cycle_stages.LABELS.get(stage or "", "No open cycle")
