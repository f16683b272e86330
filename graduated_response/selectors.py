"""Reads for the graduated response: the nightly run's inputs (set-based: one query each for the
whole school, never one per pupil) and the lists behind the pages.

Figures come from the one statistics engine: ``attendance.statistics.school_pupil_totals`` for the
nightly run (figures, 10-week window and the C2 and I counts in one query), ``pupil_figures`` for one
case. Two set-based reads the engine does not offer live here, on top of ``RegisterMark`` and the
``attendance.codes`` sets: per-pupil counts of chosen codes (C2 part-time timetable, I illness) for a
case page, and the pupils' absence and late marks in a window (for the pattern triggers, which need
the sequence of sessions, not totals).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    DateField,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Greatest, NullIf, TruncDate
from django.utils import timezone

from attendance import codes, statistics
from attendance.figures import Figures, percentage_1dp
from attendance.models import AbsenceCall, CallAttempt, PreviousSchoolMark, RegisterMark
from school import policy
from school.calendar import SchoolCalendar
from school.models import Pupil
from school.pagination import paginate as school_paginate

from .models import Alert, Case, CaseAction, CaseQuerySet, CommunicationLog, NightlyRun, TierChange

#: Codes whose year-to-date counts the case page and the triggers need besides the engine's figures.
EXTRA_CODES = ("C2", "I")
#: Codes the pattern triggers look at (absence of any kind, and late arrivals).
PATTERN_CODES = sorted(codes.AUTHORISED_CODES | codes.UNAUTHORISED_CODES | codes.LATE_CODES)


def code_counts(pupils: QuerySet, start: date, end: date, wanted=EXTRA_CODES) -> dict[int, dict[str, int]]:
    """{pupil_id: {code: sessions}} for the codes in ``wanted`` between start and end (one query)."""
    rows = (
        RegisterMark.objects.filter(
            pupil__in=pupils.values("pk"), date__gte=start, date__lte=end, code__in=wanted
        )
        .values("pupil_id", "code")
        .annotate(n=Count("id"))
        .order_by()
    )
    result: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        result[row["pupil_id"]][row["code"]] = row["n"]
    return result


def pattern_marks(*, school, start: date, end: date) -> dict[int, dict[tuple[date, str], str]]:
    """{pupil_id: {(date, session): code}} of absence and late marks at ``school`` in the window."""
    rows = (
        RegisterMark.objects.filter(school=school, date__gte=start, date__lte=end, code__in=PATTERN_CODES)
        .values_list("pupil_id", "date", "session", "code")
        .order_by()
    )
    result: dict[int, dict] = defaultdict(dict)
    for pupil_id, day, session, code in rows:
        result[pupil_id][(day, session)] = code
    return result


@dataclass
class CallsSeen:
    dates: dict[int, list[date]] = field(default_factory=lambda: defaultdict(list))
    # pupil_id -> latest expected return from a call giving illness (I) as the reason
    illness_return: dict[int, date] = field(default_factory=dict)


def absence_calls(*, school, since: date, on: date) -> CallsSeen:
    """Absence calls recorded since ``since`` (one query): their dates, and expected returns from
    illness still in the future on ``on``."""
    seen = CallsSeen()
    # A withdrawn call was never made: it neither counts as contact from home nor expects a return.
    rows = (
        AbsenceCall.objects.current()
        .filter(school=school, recorded_at__date__gte=since)
        .values_list("pupil_id", "recorded_at", "code", "expected_return")
    )
    for pupil_id, recorded_at, code, expected_return in rows:
        seen.dates[pupil_id].append(timezone.localtime(recorded_at).date())
        if code == "I" and expected_return and expected_return > on:
            previous = seen.illness_return.get(pupil_id)
            seen.illness_return[pupil_id] = max(previous, expected_return) if previous else expected_return
    return seen


@dataclass(frozen=True)
class PupilFigures:
    """A pupil's figures as the engine judges them.

    A pupil on an agreed part-time timetable is judged against the sessions they are expected to attend:
    ``expected_possible`` is the possible sessions less the C2 ones (a C2 session is authorised absence
    in the DfE figures, but the pupil was never expected in it), and the tier is decided on
    ``expected_attendance_pct``. The DfE figures themselves (``figures``) are unchanged.

    >>> from attendance.figures import Figures
    >>> pf = PupilFigures(1, "K", Figures.from_code_counts({"/": 50, "C2": 50}), part_time_c2=50, illness=0)
    >>> pf.figures.attendance_pct_1dp, pf.expected_possible, pf.expected_attendance_pct
    (Decimal('50.0'), 50, Decimal('100.0'))
    """

    pupil_id: int
    sen_provision: str
    figures: Figures
    part_time_c2: int
    illness: int

    @property
    def expected_possible(self) -> int:
        return max(0, self.figures.possible - self.part_time_c2)

    @property
    def expected_attendance_pct(self):
        return percentage_1dp(self.figures.attendance, self.expected_possible)


def previous_school_unauthorised(school, window: tuple[date, date], *, pupil_ids=None) -> dict[int, int]:
    """pupil_id -> G, N, O and U sessions recorded at a previous school inside the window (one query)."""
    marks = PreviousSchoolMark.objects.all()
    if pupil_ids is not None:
        marks = marks.filter(pupil_id__in=pupil_ids)
    rows = (
        marks.filter(
            school=school,
            code__in=codes.PENALTY_UNAUTHORISED_CODES,
            date__gte=window[0],
            date__lte=window[1],
        )
        .values_list("pupil_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def school_figures(
    *, school, on: date, calendar: SchoolCalendar, count_previous_school: bool = False
) -> tuple[date, list[PupilFigures]]:
    """Year-to-date figures of every pupil on roll at ``school`` on ``on``: two queries in all (the
    pupils on roll, and the statistics engine's one GROUP BY pupil over the school's marks).

    With ``count_previous_school`` (the school's setting), unauthorised sessions recorded at a pupil's
    previous school inside the 10-week window are added to ``unauthorised_last_10_weeks`` only (one
    more query); the DfE figures stay this school's own."""
    year_start, _ = statistics.default_range(calendar, on)
    window = statistics.ten_week_window(calendar, on)
    pupils = Pupil.objects.filter(school=school).on_roll(at=on).values_list("pk", "sen_provision").order_by()
    totals = statistics.school_pupil_totals(
        school, year_start, on, window_start=window[0] if window else None, extra_codes=EXTRA_CODES
    )
    none = statistics.PupilTotals(statistics.ZERO, {})
    earlier = previous_school_unauthorised(school, window) if count_previous_school and window else {}
    result = []
    for pupil_id, sen_provision in pupils:
        figures, extra = totals.get(pupil_id, none)
        if earlier.get(pupil_id):
            figures = replace(
                figures, unauthorised_last_10_weeks=figures.unauthorised_last_10_weeks + earlier[pupil_id]
            )
        result.append(
            PupilFigures(
                pupil_id=pupil_id,
                sen_provision=sen_provision,
                figures=figures,
                part_time_c2=extra.get("C2", 0),
                illness=extra.get("I", 0),
            )
        )
    return year_start, result


def figures_snapshot(pf: PupilFigures, *, on: date) -> dict:
    """The JSON kept with a tier change or alert: the figures that caused it."""
    f = pf.figures
    # The percentage the tier was judged on: over the sessions the pupil was expected to attend (the
    # same as the DfE figure unless the pupil has C2 sessions on a part-time timetable).
    pct = pf.expected_attendance_pct
    dfe = f.attendance_pct_1dp
    return {
        "on": on.isoformat(),
        "possible": f.possible,
        "expected_possible": pf.expected_possible,
        "attendance_pct_all_possible": str(dfe) if dfe is not None else None,
        "attendance": f.attendance,
        "authorised": f.authorised,
        "unauthorised": f.unauthorised,
        "attendance_pct": str(pct) if pct is not None else None,
        "unauthorised_last_10_weeks": f.unauthorised_last_10_weeks,
        "part_time_c2": pf.part_time_c2,
        "illness": pf.illness,
    }


def pupil_case_figures(*, case, on: date, calendar: SchoolCalendar) -> PupilFigures:
    """The case pupil's figures today (two queries), with C2 sessions kept apart."""
    year_start, _ = statistics.default_range(calendar, on)
    pupils = Pupil.objects.filter(pk=case.pupil_id)
    figs = (
        statistics.pupil_figures(pupils, year_start, on, calendar=calendar).get(case.pupil_id)
        or Figures.from_totals()
    )
    extra = code_counts(pupils, year_start, on).get(case.pupil_id, {})
    return PupilFigures(case.pupil_id, case.pupil.sen_provision, figs, extra.get("C2", 0), extra.get("I", 0))


# --- pages -------------------------------------------------------------------------------------------
def cases_in_scope(*, user, school) -> CaseQuerySet:
    return policy.scoped_to_pupils(user, school, Case.objects.filter(school=school))


def case_filter(*, user, school, data):
    """The dashboard's filter set and the open cases it matches (django-filter inside the selector),
    without the table's figures: for a set of pupils (a letter batch to "the cases in the filter")."""
    from .filters import CaseFilter

    cases = (
        cases_in_scope(user=user, school=school)
        .open()
        .select_related("pupil", "pupil__registration_class", "key_adult")
    )
    filterset = CaseFilter(data or None, queryset=cases, user=user, school=school)
    queryset = filterset.qs if (not filterset.is_bound or filterset.is_valid()) else cases.none()
    return filterset, queryset


def case_list(*, user, school, data, today: date | None = None, calendar: SchoolCalendar | None = None):
    """The dashboard's filter set and the matching open cases, each annotated with what the table
    shows and sorts by (``with_triage``), in the order ``data``'s ``sort`` asks for
    (graduated_response/case_table.py)."""
    from . import case_table

    filterset, queryset = case_filter(user=user, school=school, data=data)
    today = today or timezone.localdate()
    calendar = calendar or SchoolCalendar.for_school(school)
    queryset = with_triage(queryset, user=user, school=school, today=today, calendar=calendar)
    return filterset, queryset.order_by(*case_table.ordering_for((data or {}).get("sort")))


def _sessions(codes_in, start: date, end: date):
    """A correlated count of the case pupil's marks with one of ``codes_in`` from start to end."""
    marks = (
        RegisterMark.objects.filter(
            pupil_id=OuterRef("pupil_id"), date__gte=start, date__lte=end, code__in=sorted(codes_in)
        )
        .order_by()
        .values("pupil_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(marks, output_field=IntegerField()), 0)


def _ratio(part: str, whole: str):
    return Cast(F(part), FloatField()) / NullIf(Cast(F(whole), FloatField()), 0.0)


#: Stands for "no contact of this kind" inside GREATEST (SQLite's GREATEST is NULL if any argument
#: is; PostgreSQL's ignores NULLs): never a real date, turned back into NULL at the end.
_NO_CONTACT = date(1900, 1, 1)


def _latest(queryset: QuerySet, day) -> Coalesce:
    """The latest ``day`` of the rows of ``queryset`` for the case's pupil, or ``_NO_CONTACT``."""
    latest = queryset.order_by().values("pupil_id").annotate(d=Max(day)).values("d")
    return Coalesce(Subquery(latest, output_field=DateField()), Value(_NO_CONTACT))


def _last_contact() -> NullIf:
    """The case's last contact, in the database (one expression, no query per case): the greatest of
    the latest communication-log entry, absence call and call attempt (calls by their local date)."""
    logs = (
        CommunicationLog.objects.current()
        .filter(case=OuterRef("pk"))
        .order_by()
        .values("case_id")
        .annotate(d=Max("happened_on"))
        .values("d")
    )
    calls = AbsenceCall.objects.current().filter(
        pupil_id=OuterRef("pupil_id"), school_id=OuterRef("school_id")
    )
    attempts = CallAttempt.objects.filter(pupil_id=OuterRef("pupil_id"), school_id=OuterRef("school_id"))
    return NullIf(
        Greatest(
            Coalesce(Subquery(logs, output_field=DateField()), Value(_NO_CONTACT)),
            _latest(calls, TruncDate("recorded_at")),
            _latest(attempts, TruncDate("made_at")),
            output_field=DateField(),
        ),
        Value(_NO_CONTACT),
    )


def with_triage(cases: QuerySet, *, user, school, today: date, calendar: SchoolCalendar) -> QuerySet:
    """Cases annotated in the database with what the open-cases table shows, so the table sorts by
    any of it in one query whatever the number of cases:

    * ``possible``/``attended``: year-to-date sessions (the DfE figures, as on the case page), and
      the same a week ago (``possible_before``/``attended_before``), with ``attendance_ratio`` and
      ``change_ratio`` (now less a week ago) for sorting; ``triage_figures`` turns them into the
      one-decimal-place percentages shown;
    * ``last_contact``: the latest day of contact with the family: a communication-log entry of
      the case, an absence call about the pupil (both not withdrawn) or a first-day call attempt
      that did not get through (the office tried: that is contact work too), see ``_last_contact``;
    * ``next_action_due``: the earliest due date of a checklist action not done;
    * ``new_alerts``: new alerts about the pupil addressed to the user's roles (as on the dashboard).
    """
    year_start, _ = statistics.default_range(calendar, today)
    week_ago = today - timedelta(days=7)
    next_due = (
        CaseAction.objects.filter(case=OuterRef("pk"), done_at__isnull=True)
        .order_by("due_on")
        .values("due_on")
    )[:1]
    alerts = (
        alerts_for(user=user, school=school)
        .filter(pupil_id=OuterRef("pupil_id"))
        .order_by()
        .values("pupil_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return cases.annotate(
        possible=_sessions(codes.POSSIBLE_CODES, year_start, today),
        attended=_sessions(codes.ATTENDANCE_CODES, year_start, today),
        possible_before=_sessions(codes.POSSIBLE_CODES, year_start, week_ago),
        attended_before=_sessions(codes.ATTENDANCE_CODES, year_start, week_ago),
        attendance_ratio=_ratio("attended", "possible"),
        change_ratio=F("attendance_ratio") - _ratio("attended_before", "possible_before"),
        last_contact=_last_contact(),
        next_action_due=Subquery(next_due),
        new_alerts=Coalesce(Subquery(alerts, output_field=IntegerField()), 0),
    )


@dataclass(frozen=True)
class TriageFigures:
    """A case row's percentages (one decimal place, as everywhere) from its annotated counts.

    >>> t = TriageFigures.of(attended=180, possible=200, attended_before=175, possible_before=190)
    >>> t.pct, t.pct_before, t.change
    (Decimal('90.0'), Decimal('92.1'), Decimal('-2.1'))
    """

    pct: Decimal | None
    pct_before: Decimal | None

    @classmethod
    def of(cls, *, attended, possible, attended_before, possible_before) -> TriageFigures:
        return cls(percentage_1dp(attended, possible), percentage_1dp(attended_before, possible_before))

    @property
    def change(self) -> Decimal | None:
        if self.pct is None or self.pct_before is None:
            return None
        return self.pct - self.pct_before


def triage_figures(cases) -> None:
    """Set ``case.triage`` on each case of a page annotated by ``with_triage`` (no query)."""
    for case in cases:
        case.triage = TriageFigures.of(
            attended=case.attended,
            possible=case.possible,
            attended_before=case.attended_before,
            possible_before=case.possible_before,
        )


def at_risk_of_tier_1(*, user, school, today: date, calendar: SchoolCalendar, limit: int = 20) -> dict:
    """The Universal tile: pupils on roll in the user's scope with no open case, judged (enough
    possible sessions) and in the Universal band but within ``tiers.AT_RISK_MARGIN`` of Tier 1.
    Four queries (bands and settings, the pupils, the marks), whatever the number of pupils."""
    from . import services, tiers

    band_rows, response_settings = services.tier_bands_of(school)
    bands = services.bands_of(band_rows)
    year_start, _ = statistics.default_range(calendar, today)
    pupils = policy.pupils_in_scope(user, school).on_roll(at=today).exclude(cases__status=Case.Status.OPEN)
    rows = statistics.pupil_rows(
        pupils,
        year_start,
        today,
        fields=("legal_last_name", "legal_first_name", "preferred_first_name"),
        calendar=calendar,
    )
    at_risk = []
    for row, figures in rows:
        if figures.possible < response_settings.min_possible_sessions:
            continue
        pct = figures.attendance_pct_1dp
        if tiers.at_risk_of_tier_1(pct, bands):
            at_risk.append((pct, row))
    at_risk.sort(key=lambda item: (item[0], item[1]["legal_last_name"], item[1]["pk"]))
    tier_1 = next(b for b in bands if b.tier == 1)
    return {
        "count": len(at_risk),
        "pupils": at_risk[:limit],
        "low": tier_1.high + Decimal("0.1"),
        "high": tier_1.high + tiers.AT_RISK_MARGIN,
    }


def paginate(request, queryset, per_page=25):
    return school_paginate(request, queryset, per_page)


def tier_counts(*, user, school, today: date) -> list[dict]:
    """Open cases per tier now and a week ago (movement since last week), in two queries."""
    cases = cases_in_scope(user=user, school=school)
    now = dict(cases.open().values_list("current_tier").annotate(n=Count("id")).order_by())
    week_ago = today - timedelta(days=7)
    # A week ago: the tier each case held then is the latest tier change on or before that day,
    # for cases open then. One query over the tier changes of those cases.
    then_rows = (
        TierChange.objects.filter(case__in=cases, changed_on__lte=week_ago)
        .filter(Q(case__closed_on__isnull=True) | Q(case__closed_on__gt=week_ago))
        .values_list("case_id", "to_tier", "changed_on", "id")
        .order_by("case_id", "changed_on", "id")
    )
    latest: dict[int, int] = {}
    for case_id, to_tier, _, _ in then_rows:
        latest[case_id] = to_tier
    then: dict[int, int] = defaultdict(int)
    for tier in latest.values():
        if tier:
            then[tier] += 1
    return [
        {"tier": tier, "count": now.get(tier, 0), "change": now.get(tier, 0) - then.get(tier, 0)}
        for tier in range(1, 6)
    ]


def alerts_for(*, user, school, status=Alert.Status.OPEN) -> QuerySet[Alert]:
    """Alerts addressed to any of the user's roles, about pupils in their scope (or the whole school)."""
    roles = policy.roles_at(user, school)
    if not roles:
        return Alert.objects.none()
    addressed = Q()
    for role in roles:
        addressed |= Q(for_roles__contains=f",{role},")
    in_scope = Q(pupil__isnull=True) | Q(pupil__in=policy.pupils_in_scope(user, school))
    qs = Alert.objects.filter(school=school).filter(addressed).filter(in_scope)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("pupil", "case")


def alerts_by_severity(*, user, school, kind: str | None = None) -> QuerySet[Alert]:
    """New alerts for the user (``alerts_for``), most serious kind first (``triggers.SEVERITY``: no
    contact, 10 continuous days and 15 days of illness at the top), then newest first; only ``kind``
    when one is given."""
    from django.db.models import Case as When_
    from django.db.models import Value, When

    from .triggers import SEVERITY

    alerts = alerts_for(user=user, school=school)
    if kind:
        alerts = alerts.filter(kind=kind)
    rank = When_(
        *[When(kind=k, then=Value(i)) for i, k in enumerate(SEVERITY)],
        default=Value(len(SEVERITY)),
        output_field=IntegerField(),
    )
    return alerts.annotate(severity=rank).order_by("severity", "-created_on", "-id")


def alert_kinds(*, user, school) -> list[dict]:
    """The kinds among the user's new alerts, most serious first, with how many of each (one query):
    the choices of the alert filter."""
    from .triggers import Kind, severity_rank

    counts = dict(alerts_for(user=user, school=school).order_by().values_list("kind").annotate(n=Count("id")))
    return [
        {"kind": k, "label": Kind.LABELS.get(k, k), "count": n}
        for k, n in sorted(counts.items(), key=lambda item: (severity_rank(item[0]), item[0]))
    ]


def actions_assigned(*, user, school) -> QuerySet[CaseAction]:
    """Checklist actions (done or not) for the user's roles or escalated to them, on cases in scope."""
    roles = list(policy.roles_at(user, school))
    return CaseAction.objects.filter(case__in=cases_in_scope(user=user, school=school)).filter(
        Q(responsible_role__in=roles) | Q(escalated_to__in=roles)
    )


def actions_for(*, user, school) -> QuerySet[CaseAction]:
    """Open checklist actions for the user's roles (or escalated to them), on open cases in scope."""
    return (
        actions_assigned(user=user, school=school)
        .filter(done_at__isnull=True, case__status=Case.Status.OPEN)
        .select_related("case", "case__pupil")
        .order_by("due_on", "id")
    )


#: My work's "due" filter: overdue (due before today) or due from today to the end of this week.
DUE_CHOICES = [("", "Any time"), ("overdue", "Overdue"), ("week", "Due this week")]


def my_actions(*, user, school, today: date, due: str = "", tier: int | None = None) -> QuerySet[CaseAction]:
    """My work's actions (``actions_for``), grouped by pupil (ordered by the pupil's name, then by due
    date), narrowed to overdue ones or those due this week, and to cases in one tier.

    "Overdue" means due before today, the same test as the dashboard's ``overdue_actions``, so the two
    pages never disagree about an action."""
    actions = actions_for(user=user, school=school)
    if due == "overdue":
        actions = actions.filter(due_on__lt=today)
    elif due == "week":
        actions = actions.filter(due_on__gte=today, due_on__lte=today + timedelta(days=6 - today.weekday()))
    if tier is not None:
        actions = actions.filter(case__current_tier=tier)
    return actions.select_related("case__pupil__registration_class").order_by(
        "case__pupil__legal_last_name", "case__pupil__legal_first_name", "case__pupil_id", "due_on", "id"
    )


def overdue_actions(*, user, school, today: date) -> QuerySet[CaseAction]:
    cases = cases_in_scope(user=user, school=school).open()
    return (
        CaseAction.objects.filter(case__in=cases, done_at__isnull=True, due_on__lt=today)
        .select_related("case", "case__pupil")
        .order_by("due_on", "id")
    )


def send_in_tiers(*, user, school) -> QuerySet[Case]:
    """Open cases of pupils on SEN support or with an EHC plan, with their joint-review alerts."""
    from django.db.models import Prefetch

    from .triggers import Kind

    reviews = Alert.objects.filter(
        kind__in=[Kind.SEND_JOINT_REVIEW, Kind.EHCP_INFORM_LA, Kind.EHCP_REVIEW_REQUESTED]
    ).order_by("-created_on")
    return (
        cases_in_scope(user=user, school=school)
        .open()
        .filter(pupil__sen_provision__in=["K", "E"])
        .select_related("pupil", "pupil__registration_class", "key_adult")
        .prefetch_related(Prefetch("alerts", queryset=reviews, to_attr="reviews"))
        .order_by("-current_tier", "pupil__legal_last_name", "pk")
    )


def latest_runs(*, school, limit=7) -> list[NightlyRun]:
    return list(NightlyRun.objects.filter(school=school).order_by("-run_date")[:limit])


# --- formal measures (graduated_response/measures.py writes them) -----------------------------------------
@dataclass(frozen=True)
class MeasureRow:
    """A measure on the case panel with its next review date (None: none pending)."""

    measure: object
    next_review: date | None


def case_measures(*, case, today: date) -> dict:
    """The case's formal measures for its panel: each with its status and next review (a few queries,
    whatever the number of measures)."""
    from .models import (
        AttendanceContract,
        LegalStep,
        MeasureReview,
        NoticeToImprove,
        PenaltyNotice,
        PenaltyNoticeRefusal,
    )

    pending = MeasureReview.objects.filter(held_on__isnull=True).filter(
        Q(contract__case=case) | Q(legal_step__case=case)
    )
    next_review: dict[tuple[str, int], date] = {}
    for row in pending.order_by("due_on").values("contract_id", "legal_step_id", "due_on"):
        key = ("contract", row["contract_id"]) if row["contract_id"] else ("step", row["legal_step_id"])
        next_review.setdefault(key, row["due_on"])
    return {
        "contracts": [
            MeasureRow(c, next_review.get(("contract", c.pk)))
            for c in AttendanceContract.objects.filter(case=case)
        ],
        "notices_to_improve": list(NoticeToImprove.objects.filter(case=case)),
        "penalty_notices": list(PenaltyNotice.objects.filter(case=case).select_related("parent")),
        "refusals": list(PenaltyNoticeRefusal.objects.filter(case=case).select_related("parent", "by")[:10]),
        "legal_steps": [
            MeasureRow(s, next_review.get(("step", s.pk)) or s.next_review_on)
            for s in LegalStep.objects.filter(case=case)
        ],
        "today": today,
    }


def open_case_pupil_ids(*, school, pupil_ids: list[int]) -> list[int]:
    """Which of ``pupil_ids`` have an open attendance case (one query; for attendance.call_flags)."""
    return list(
        Case.objects.filter(school=school, pupil_id__in=pupil_ids, status=Case.Status.OPEN).values_list(
            "pupil_id", flat=True
        )
    )
