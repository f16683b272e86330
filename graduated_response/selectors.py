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

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from attendance import codes, statistics
from attendance.figures import Figures, percentage_1dp
from attendance.models import AbsenceCall, PreviousSchoolMark, RegisterMark
from school import policy
from school.calendar import SchoolCalendar
from school.models import Pupil
from school.pagination import paginate as school_paginate

from .models import Alert, Case, CaseAction, CaseQuerySet, NightlyRun, TierChange

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


def case_list(*, user, school, data):
    """The dashboard's filter set and the matching open cases (django-filter inside the selector)."""
    from .filters import CaseFilter

    cases = (
        cases_in_scope(user=user, school=school)
        .open()
        .select_related("pupil", "pupil__registration_class", "key_adult")
    )
    filterset = CaseFilter(data or None, queryset=cases, user=user, school=school)
    queryset = filterset.qs if (not filterset.is_bound or filterset.is_valid()) else cases.none()
    return filterset, queryset.order_by(
        "-current_tier", "pupil__legal_last_name", "pupil__legal_first_name", "pk"
    )


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
