"""SEND reads: register counts, triage queue, reviews due, views completion, provision costs and the
attendance of pupils with SEND. Every function aggregates in the database or works set-wise; none runs
a query per pupil. Pupil scope comes from school.policy."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum

from attendance import statistics
from attendance.figures import combine
from letters.models import Letter
from school import policy
from school.calendar import SchoolCalendar
from school.models import Contact, Pupil, PupilContact

from . import cycle_stages, funding_prompt, needs, provision_costs, register_status
from .models import (
    Concern,
    FundingApplication,
    ProvisionEnrolment,
    ProvisionNotification,
    PupilPassport,
    SendDocument,
    SendRecord,
    SendSettings,
    SendStatusChange,
    SessionAttendance,
    SupportCycle,
    Target,
    ViewsRequest,
)


def documents_for(*, user, school, pupil=None):
    """The SEND documents `user` may open, about pupils in their scope. A confidential document exists
    only for roles that may open confidential documents (the SENDCo and the headteacher): everyone else
    never sees it listed, and opening it is a 404."""
    documents = SendDocument.objects.filter(school=school)
    if not policy.can(user, school, policy.VIEW_CONFIDENTIAL_DOCUMENTS):
        documents = documents.filter(confidential=False)
    if pupil is not None:
        documents = documents.filter(pupil=pupil)
    return policy.scoped_to_pupils(user, school, documents)


DUE_SOON_DAYS = 14
ON_REGISTER = (register_status.SEN_SUPPORT, register_status.EHC_PLAN)


def academic_year_bounds(today: date) -> tuple[date, date]:
    start_year = today.year if today.month >= 9 else today.year - 1
    return date(start_year, 9, 1), date(start_year + 1, 8, 31)


def settings_for(*, school) -> SendSettings:
    """The school's SEND settings (unsaved defaults if it has not changed them)."""
    found = SendSettings.objects.filter(school=school).first()
    return found or SendSettings(school=school)


def current_status(*, pupil: Pupil) -> str:
    status = SendRecord.objects.filter(pupil=pupil).values_list("status", flat=True).first()
    return status or register_status.NONE


def current_statuses(*, pupil_ids) -> dict[int, str]:
    """Each pupil's register status (``current_status`` for many pupils, in one query)."""
    ids = list(pupil_ids)
    found = dict(SendRecord.objects.filter(pupil_id__in=ids).values_list("pupil_id", "status"))
    return {pk: found.get(pk) or register_status.NONE for pk in ids}


def need_to_know(*, user, school, pupil: Pupil) -> dict:
    """What an adult without the SEND record (the office, the DSL) sees of a pupil's SEND: the status
    (VIEW_SEND_STATUS), the passport's "how best to support me" that a supply or cover adult needs
    (VIEW_SEND_NEEDS) and, for the DSL (VIEW_SAFEGUARDING), the areas of need. Nothing else of the record:
    no targets, cycles, plans, documents or letters. Two queries."""
    caps = policy.capabilities(user, school)
    record = SendRecord.objects.filter(pupil=pupil).only("status", "primary_need", "secondary_need").first()
    strategies = None
    if policy.VIEW_SEND_NEEDS in caps:
        strategies = (
            PupilPassport.objects.filter(pupil=pupil).values_list("how_to_support_me", flat=True).first()
        )
    return {
        "pupil": pupil,
        "status_label": register_status.LABELS[record.status if record else register_status.NONE],
        "on_register": bool(record and record.status != register_status.NONE),
        "needs": record if record and policy.VIEW_SAFEGUARDING in caps else None,
        "show_strategies": policy.VIEW_SEND_NEEDS in caps,
        "strategies": strategies or "",
    }


def parent_contact_for(*, pupil: Pupil) -> Contact | None:
    """The priority-1 contact with parental responsibility (the first by priority if none is 1)."""
    link = (
        PupilContact.objects.filter(pupil=pupil, parental_responsibility=True)
        .select_related("contact")
        .order_by("priority", "id")
        .first()
    )
    return link.contact if link else None


# --- register -------------------------------------------------------------------------------------------
def register_counts(*, school) -> list[dict]:
    """Pupils by register status (one query), in the table's order, with census codes."""
    counts = dict(
        SendRecord.objects.filter(school=school, pupil__leaving_date__isnull=True)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        {
            "status": status,
            "label": label,
            "census": register_status.census_code(status),
            "count": counts.get(status, 0),
        }
        for status, label in register_status.STATUS_CHOICES
    ]


def need_counts(*, school) -> tuple[list[dict], int]:
    """Pupils on the register by primary need, grouped by broad area (one query)."""
    counts = dict(
        SendRecord.objects.filter(school=school, status__in=ON_REGISTER, pupil__leaving_date__isnull=True)
        .values_list("primary_need")
        .annotate(n=Count("id"))
        .order_by()
    )
    areas = []
    for area, area_label in [*needs.BROAD_AREAS, (needs.OTHER, "Other")]:
        rows = [
            {"code": code, "label": label, "count": counts.get(code, 0)}
            for code, label, a in needs.NEED_TYPES
            if a == area
        ]
        areas.append(
            {"area": area, "label": area_label, "rows": rows, "total": sum(r["count"] for r in rows)}
        )
    unrecorded = counts.get("", 0)
    return areas, unrecorded


def register_export_rows(*, school):
    """The SEN register in census shape: pupils on roll with K or E (one query)."""
    return (
        SendRecord.objects.filter(school=school, status__in=ON_REGISTER, pupil__leaving_date__isnull=True)
        .select_related("pupil")
        .order_by("pupil__legal_last_name", "pupil__legal_first_name")
    )


def concerns_awaiting_triage(*, school):
    return (
        Concern.objects.current()
        .filter(school=school, status=Concern.Status.AWAITING_TRIAGE)
        .select_related("pupil__registration_class", "raised_by")
        .order_by("raised_at")
    )


def concerns_for(*, user, school):
    """Concerns about pupils in the user's scope, newest first."""
    return policy.scoped_to_pupils(
        user, school, Concern.objects.current().filter(school=school)
    ).select_related("pupil__registration_class", "raised_by", "triaged_by")


# --- cycles and reviews ---------------------------------------------------------------------------------
def cycles_in_scope(*, user, school):
    return policy.scoped_to_pupils(user, school, SupportCycle.objects.filter(school=school))


def reviews_due(*, user, school, today: date, days: int = DUE_SOON_DAYS) -> dict:
    """Open cycles whose review is overdue, or due within `days` days, for pupils in the user's scope."""
    base = (
        cycles_in_scope(user=user, school=school)
        .select_related("pupil__registration_class")
        .annotate(
            n_views_in=Count("views_requests", filter=Q(views_requests__received_on__isnull=False)),
            n_views_asked=Count("views_requests", filter=Q(views_requests__sent_at__isnull=False)),
        )
    )
    return {
        "overdue": list(base.review_overdue(at=today).order_by("review_due", "pupil__legal_last_name")),
        "due_soon": list(
            base.review_due_within(at=today, days=days).order_by("review_due", "pupil__legal_last_name")
        ),
    }


def views_completion(*, school, today: date, days: int = DUE_SOON_DAYS) -> dict:
    """For open cycles with a review overdue or due within `days`: how many have parents' and pupil's
    views in (one query)."""
    cycles = (
        SupportCycle.objects.filter(school=school).open().filter(review_due__lte=today + timedelta(days=days))
    )
    row = cycles.aggregate(
        cycles=Count("id", distinct=True),
        parent_in=Count(
            "views_requests",
            filter=Q(views_requests__respondent="parent", views_requests__received_on__isnull=False),
            distinct=True,
        ),
        pupil_in=Count(
            "views_requests",
            filter=Q(views_requests__respondent="pupil", views_requests__received_on__isnull=False),
            distinct=True,
        ),
        asked=Count("views_requests", filter=Q(views_requests__sent_at__isnull=False), distinct=True),
    )
    return row


def _views_exist(respondent: str, **condition):
    return Exists(
        ViewsRequest.objects.filter(cycle=OuterRef("pk"), respondent=respondent, **condition).order_by()
    )


def views_completion_rows(*, user, school, registration_class=None, missing_only: bool = False):
    """Every open cycle (pupils in the user's scope) with whose views are asked for and in, soonest
    review first. One query per page whatever the number of cycles: the four flags are EXISTS
    subqueries, not a query per cycle."""
    rows = (
        cycles_in_scope(user=user, school=school)
        .open()
        .select_related("pupil__registration_class")
        .annotate(
            parent_asked=_views_exist("parent", sent_at__isnull=False),
            parent_in=_views_exist("parent", received_on__isnull=False),
            pupil_asked=_views_exist("pupil", sent_at__isnull=False),
            pupil_in=_views_exist("pupil", received_on__isnull=False),
        )
        .order_by("review_due", "pupil__legal_last_name", "pupil__legal_first_name", "pk")
    )
    if registration_class is not None:
        rows = rows.filter(pupil__registration_class=registration_class)
    if missing_only:
        rows = rows.filter(Q(parent_in=False) | Q(pupil_in=False))
    return rows


def views_status(cycle: SupportCycle) -> list[dict]:
    """Whose views are in for one cycle: parents and pupil, each asked/in."""
    by_respondent = {r.respondent: r for r in cycle.views_requests.select_related("letter", "email")}
    return [
        {"respondent": value, "label": label, "request": by_respondent.get(value)}
        for value, label in ViewsRequest.Respondent.choices
    ]


def open_cycle_targets(pupil_ids) -> dict[int, list[Target]]:
    """Targets of each pupil's open cycle (one query)."""
    result: dict[int, list[Target]] = defaultdict(list)
    targets = (
        Target.objects.current()
        .filter(cycle__pupil_id__in=list(pupil_ids))
        .exclude(cycle__stage=cycle_stages.CLOSED)
        .select_related("cycle")
        .order_by("cycle__pupil_id", "id")
    )
    for target in targets:
        result[target.cycle.pupil_id].append(target)
    return result


def class_send_pupils(*, user, school, registration_class, today: date) -> list[Pupil]:
    """A class's pupils with a SEND record (monitoring, K or E) that the user may see, with their record,
    passport and the open cycle's targets (four queries in all)."""
    pupils = list(
        policy.pupils_in_scope(user, school)
        .on_roll(at=today)
        .filter(registration_class=registration_class, send_record__isnull=False)
        .exclude(send_record__status=register_status.REMOVED)
        .select_related("send_record", "passport")
        .order_by("legal_last_name", "legal_first_name")
    )
    targets = open_cycle_targets(p.pk for p in pupils)
    for pupil in pupils:
        pupil.current_targets = targets.get(pupil.pk, [])
    return pupils


def class_passports(*, user, school, registration_class, today: date) -> list[PupilPassport]:
    """The passports of a class's pupils on roll that the user may see, by surname (one query)."""
    pupils = (
        policy.pupils_in_scope(user, school).on_roll(at=today).filter(registration_class=registration_class)
    )
    return list(
        PupilPassport.objects.filter(pupil__in=pupils)
        .select_related("pupil__registration_class")
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "pupil_id")
    )


# --- provision costs ------------------------------------------------------------------------------------
def _enrolment_cost(enrolment, *, calendar: SchoolCalendar, year: tuple[date, date], today: date) -> dict:
    intervention = enrolment.intervention
    share = provision_costs.pupil_share_per_session(
        cost=intervention.cost,
        basis=intervention.cost_basis,
        minutes=intervention.minutes_per_session,
        group_size=intervention.group_size,
    )

    def weeks(window_end):
        span = provision_costs.clip_period(
            enrolment.start_date, enrolment.end_date, window_start=year[0], window_end=window_end
        )
        return len(calendar.school_weeks_between(*span)) if span else 0

    weeks_to_date = weeks(min(today, year[1]))
    return {
        "share_per_session": share,
        # Sessions planned so far: sessions a week x school weeks of the place up to today.
        "planned_to_date": intervention.sessions_per_week * weeks_to_date,
        "to_date": provision_costs.cost_over_weeks(
            share_per_session=share,
            sessions_per_week=intervention.sessions_per_week,
            weeks=weeks(min(today, year[1])),
        ),
        "projected": provision_costs.cost_over_weeks(
            share_per_session=share, sessions_per_week=intervention.sessions_per_week, weeks=weeks(year[1])
        ),
    }


def enrolment_hours_a_week(enrolment) -> Decimal:
    """The pupil's hours of the intervention a week: sessions a week x minutes a session (no query)."""
    intervention = enrolment.intervention
    return Decimal(intervention.sessions_per_week * intervention.minutes_per_session) / Decimal(60)


def _sessions_attended(*, rows, year: tuple[date, date]) -> dict[int, int]:
    """Sessions each place attended in the academic year, from the sessions recorded by the adults who
    deliver them (not withdrawn); one query, none without rows."""
    if not rows:
        return {}
    counts = (
        SessionAttendance.objects.filter(
            enrolment_id__in=[r.pk for r in rows],
            attended=True,
            session__withdrawn_at__isnull=True,
            session__held_on__range=year,
        )
        .order_by()
        .values("enrolment_id")
        .annotate(n=Count("id"))
    )
    return {row["enrolment_id"]: row["n"] for row in counts}


def _awarded_this_year(*, school, year: tuple[date, date], pupil_ids: list[int]) -> dict[int, Decimal]:
    """Funding awarded to each pupil on applications submitted in the academic year `year` and not
    withdrawn (one query; none without pupils). Our reading: an award counts for the year in which it was
    applied for, as the provision it pays for is costed by academic year."""
    if not pupil_ids:
        return {}
    rows = (
        FundingApplication.objects.current()
        .filter(
            school=school,
            pupil_id__in=pupil_ids,
            status=FundingApplication.Status.AWARDED,
            submitted_on__range=year,
        )
        .order_by()
        .values("pupil_id")
        .annotate(total=Sum("amount_awarded"))
    )
    return {row["pupil_id"]: row["total"] or Decimal("0") for row in rows}


def provision_map(*, school, today: date, pupils=None, calendar: SchoolCalendar | None = None) -> dict:
    """Enrolments overlapping this academic year, with each one's cost to date and projected for the
    year, totals per pupil and per intervention, and pupils projected above the notional SEN budget plus
    the funding awarded to them (send/funding_prompt.py; three queries plus the calendar)."""
    calendar = calendar or SchoolCalendar.for_school(school)
    year = academic_year_bounds(today)
    enrolments = (
        ProvisionEnrolment.objects.current()
        .filter(school=school, start_date__lte=year[1])
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=year[0]))
        .select_related("intervention", "pupil__registration_class")
        .order_by("intervention__wave", "intervention__name", "pupil__legal_last_name")
    )
    if pupils is not None:
        enrolments = enrolments.filter(pupil__in=pupils)
    threshold = settings_for(school=school).notional_threshold
    rows: list[ProvisionEnrolment] = []
    per_pupil: dict[int, dict] = {}
    per_intervention: dict[int, dict] = {}
    for enrolment in enrolments:
        costs = _enrolment_cost(enrolment, calendar=calendar, year=year, today=today)
        enrolment.costs = costs  # type: ignore[attr-defined]  # read by the provision map template
        hours = enrolment_hours_a_week(enrolment)
        enrolment.hours_a_week = hours  # type: ignore[attr-defined]  # what teachers and TAs see
        rows.append(enrolment)
        pupil_totals = per_pupil.setdefault(
            enrolment.pupil_id,
            {
                "pupil": enrolment.pupil,
                "to_date": Decimal("0"),
                "projected": Decimal("0"),
                "hours_a_week": Decimal("0"),
            },
        )
        pupil_totals["to_date"] += costs["to_date"]
        pupil_totals["projected"] += costs["projected"]
        if enrolment.start_date <= today and (enrolment.end_date is None or enrolment.end_date >= today):
            pupil_totals["hours_a_week"] += hours
        i_totals = per_intervention.setdefault(
            enrolment.intervention_id,
            {
                "intervention": enrolment.intervention,
                "pupils": 0,
                "to_date": Decimal("0"),
                "projected": Decimal("0"),
            },
        )
        i_totals["pupils"] += 1
        i_totals["to_date"] += costs["to_date"]
        i_totals["projected"] += costs["projected"]
    attended = _sessions_attended(rows=rows, year=year)
    for enrolment in rows:
        enrolment.sessions_attended = attended.get(enrolment.pk, 0)  # type: ignore[attr-defined]
    awarded = _awarded_this_year(school=school, year=year, pupil_ids=list(per_pupil))
    for pupil_id, totals in per_pupil.items():
        # send/funding_prompt.py: the notional budget plus what has been awarded, in money and hours.
        prompt = funding_prompt.funding_prompt(
            projected=totals["projected"], notional=threshold, awarded=[awarded.get(pupil_id, Decimal("0"))]
        )
        totals["funding"] = prompt
        totals["over_threshold"] = prompt.prompt
    pupils_sorted = sorted(per_pupil.values(), key=lambda t: (-t["projected"], t["pupil"].legal_last_name))
    return {
        "rows": rows,
        "per_pupil": pupils_sorted,
        "per_intervention": list(per_intervention.values()),
        "over_threshold": [t for t in pupils_sorted if t["over_threshold"]],
        "threshold": threshold,
        "threshold_hours": funding_prompt.hours_a_week(threshold),
        "total_to_date": sum((t["to_date"] for t in pupils_sorted), Decimal("0")),
        "total_projected": sum((t["projected"] for t in pupils_sorted), Decimal("0")),
        "year": year,
    }


# --- attendance -----------------------------------------------------------------------------------------
WEEKS_BEFORE = 6


def attendance_before_after(
    enrolments, *, calendar: SchoolCalendar, today: date, weeks_before: int = WEEKS_BEFORE
):
    """Each enrolment's attendance in the `weeks_before` school weeks before it started and from its
    start to its end (or today), from the statistics engine.

    Enrolments are grouped by their date ranges, so an intervention whose group started together costs
    two queries, however many pupils it has. Returns {enrolment id: (before Figures | None, after
    Figures | None)}; None when the period has not happened or has no school weeks.
    """
    groups: dict[tuple, list] = defaultdict(list)
    for enrolment in enrolments:
        groups[(enrolment.start_date, min(enrolment.end_date or today, today))].append(enrolment)
    result = {}
    for (start, after_end), members in groups.items():
        pupils = Pupil.objects.filter(pk__in=[e.pupil_id for e in members])
        window = calendar.last_school_weeks(weeks_before, ending=start - timedelta(days=1))
        before = statistics.pupil_figures(pupils, window[0], window[1], calendar=calendar) if window else {}
        after = (
            statistics.pupil_figures(pupils, start, after_end, calendar=calendar)
            if after_end >= start
            else {}
        )
        for enrolment in members:
            result[enrolment.pk] = (before.get(enrolment.pupil_id), after.get(enrolment.pupil_id))
    return result


def send_attendance(*, school, today: date, calendar: SchoolCalendar | None = None) -> dict:
    """Attendance this academic year of pupils on the SEN register (K and E), and persistent absence
    among them, beside the whole school's (a handful of queries, however many pupils)."""
    calendar = calendar or SchoolCalendar.for_school(school)
    start, end = statistics.default_range(calendar, today)
    on_roll = Pupil.objects.filter(school=school).on_roll(at=today)
    per_pupil = statistics.pupil_figures(
        on_roll.filter(sen_provision__in=["K", "E"]), start, end, calendar=calendar
    )
    return {
        "start": start,
        "end": end,
        "pupils": len(per_pupil),
        # A group's figure is a ratio of sums (combine), never a mean of the pupils' percentages.
        "send": combine(per_pupil.values()) if per_pupil else None,
        "persistent": sum(1 for figures in per_pupil.values() if figures.is_persistent_absence),
        "school": statistics.group_figures(on_roll, start, end, calendar=calendar),
    }


def pupil_send_page(*, pupil) -> dict:
    """Everything on a pupil's SEND page (a fixed number of queries)."""
    record = SendRecord.objects.filter(pupil=pupil).first()
    cycles = list(
        SupportCycle.objects.filter(pupil=pupil)
        .order_by("-number")
        .prefetch_related(
            Prefetch("targets", queryset=Target.objects.current().order_by("id")), "views_requests"
        )
    )
    return {
        "record": record,
        "history": list(record.history.select_related("changed_by")) if record else [],
        "cycles": cycles,
        "open_cycle": next((c for c in cycles if c.stage != cycle_stages.CLOSED), None),
        "concerns": list(pupil.send_concerns.current().select_related("raised_by", "triaged_by")),
        "passport": PupilPassport.objects.filter(pupil=pupil).select_related("updated_by").first(),
        "agencies": list(pupil.agency_involvements.current()),
        "funding": list(pupil.funding_applications.current()),
        # Each list's collapsed "Withdrawn ..." section: reason, who and when, and Restore for 30 days.
        "withdrawn_concerns": list(pupil.send_concerns.withdrawn().select_related("withdrawn_by")),
        "withdrawn_places": list(
            pupil.provision_enrolments.withdrawn().select_related("intervention", "withdrawn_by")
        ),
        "withdrawn_agencies": list(pupil.agency_involvements.withdrawn().select_related("withdrawn_by")),
        "withdrawn_funding": list(pupil.funding_applications.withdrawn().select_related("withdrawn_by")),
    }


# --- telling parents: the SEN provision notice and review invitations (send/parent_letter_models.py) ----
def _latest_placement():
    """The pupil's latest move onto SEN support (a subquery on SendRecord)."""
    return (
        SendStatusChange.objects.filter(record=OuterRef("pk"), to_status=register_status.SEN_SUPPORT)
        .order_by("-changed_at", "-id")
        .values("id")[:1]
    )


def parents_not_told(*, school) -> QuerySet[SendRecord]:
    """Pupils on SEN support whose parents have not been told that SEN provision is being made, for
    their latest placement (Code of Practice 6.75; docs/rules.md section 5), longest waiting first.

    Each row has ``placement_id`` and ``placed_at`` (the move onto SEN support). One query."""
    placed_at = SendStatusChange.objects.filter(pk=OuterRef("placement_id")).values("changed_at")[:1]
    return (
        SendRecord.objects.filter(school=school, status=register_status.SEN_SUPPORT)
        .annotate(placement_id=Subquery(_latest_placement()))
        .annotate(placed_at=Subquery(placed_at))
        .exclude(
            Exists(ProvisionNotification.objects.current().filter(placement_id=OuterRef("placement_id")))
        )
        .select_related("pupil__registration_class")
        .order_by("placed_at", "pupil__legal_last_name", "pk")
    )


def provision_notice_status(*, pupil: Pupil) -> dict:
    """For the pupil's SEND page: the latest placement on SEN support (None when not on SEN support
    now), the current notification recorded for it (None: parents not yet told) with its letters, and
    the ones withdrawn."""
    record = SendRecord.objects.filter(pupil=pupil).first()
    if record is None or record.status != register_status.SEN_SUPPORT:
        return {"placement": None, "notification": None, "withdrawn": []}
    placement = (
        SendStatusChange.objects.filter(record=record, to_status=register_status.SEN_SUPPORT)
        .order_by("-changed_at", "-id")
        .first()
    )
    notifications = list(
        ProvisionNotification.objects.filter(placement=placement)
        .select_related("recorded_by", "withdrawn_by")
        .prefetch_related(Prefetch("letters", queryset=Letter.objects.order_by("id")))
        if placement
        else []
    )
    return {
        "placement": placement,
        "notification": next((n for n in notifications if not n.is_withdrawn), None),
        "withdrawn": [n for n in notifications if n.is_withdrawn],
    }


def provision_summary_suggestion(*, pupil: Pupil, today: date) -> str:
    """What the provision letter can say is planned, for the SENDCo to edit: the pupil's current
    interventions, else the provision written in the open cycle's targets."""
    places = (
        ProvisionEnrolment.objects.current()
        .filter(pupil=pupil, start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("intervention")
        .order_by("start_date", "id")
    )
    parts = [
        f"{p.intervention.name} ({p.intervention.sessions_per_week} "
        f"session{'s' if p.intervention.sessions_per_week != 1 else ''} a week)"
        for p in places
    ]
    if not parts:
        parts = [
            t.provision.strip()
            for t in Target.objects.current()
            .filter(cycle__pupil=pupil)
            .exclude(cycle__stage=cycle_stages.CLOSED)
            .order_by("id")
            if t.provision.strip()
        ]
    return "; ".join(dict.fromkeys(parts))


def review_invitations(*, cycle: SupportCycle) -> list:
    """The cycle's invitations to the review, newest first, each with its letters in address order."""
    return list(
        cycle.invitations.select_related("invited_by").prefetch_related(
            Prefetch("letters", queryset=Letter.objects.order_by("id"))
        )
    )
