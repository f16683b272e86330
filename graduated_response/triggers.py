"""Triggers beyond the tier bands, as pure rules. Each returns an ``AlertDraft`` (what happened, the
figures, what the policy says to do, and for whom) or None.

Sources: docs/rules.md section 4 (national penalty-notice threshold; telling the local authority
about 10 continuous school days of unauthorised absence and 15 school days of illness) and the seed
attendance policy (5.5 two late marks in a week; 5.6 home visit after 3 days without contact, offer of
support after 3 separate absences in 10 school weeks or two absences totalling 6 sessions).

The inputs are plain values: ``sessions`` is the school's own sequence of sessions in the window,
``(date, "AM"|"PM")`` in order (from ``school.calendar``: holidays and closures are not in it, so a
run of absence carries on across a half-term), and ``marks`` maps ``(date, session)`` to the pupil's
code. A session with no mark breaks a run: we do not guess.

Definitions we had to choose (the policy is silent):

* A *separate absence* is a run of consecutive possible sessions of absence (authorised or
  unauthorised, except ``U``, which is a late arrival, and ``C2``, an agreed part-time timetable).
  Monday-to-Wednesday off ill is one absence of 6 sessions, not 6 absences.
* "Two absences totalling six sessions" means the two longest separate absences in the window add
  up to 6 sessions or more.
* A school day counts towards "10 continuous school days of unauthorised absence" when every session
  the school met that day carries an unauthorised code (G, N, O, U).
* "No contact for 3 school days": the pupil's most recent school days are all coded ``N`` (reason not
  yet established) in every session, for 3 days or more, and no absence call has been recorded since
  the first of them.

Worked example: a pupil off Monday to Wednesday (6 sessions, ``I``) and again on Friday morning
(``O``) has two separate absences totalling 7 sessions, so the school should offer support:

    >>> from datetime import date
    >>> days = [date(2026, 11, d) for d in (2, 3, 4, 5, 6)]
    >>> sessions = [(d, s) for d in days for s in ("AM", "PM")]
    >>> marks = {s: "/" for s in sessions}
    >>> marks.update({(d, s): "I" for d in days[:3] for s in ("AM", "PM")})
    >>> marks[(days[4], "AM")] = "O"
    >>> [len(run) for run in absence_runs(sessions, marks)]
    [6, 1]
    >>> separate_absences(sessions=sessions, marks=marks).kind
    'separate_absences'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from attendance import codes

ATTENDANCE_OFFICER = "attendance_officer"
HEADTEACHER = "headteacher"
SENDCO = "sendco"
DSL = "dsl"
CLASS_TEACHER = "class_teacher"

PENALTY_THRESHOLD_SESSIONS = 10
CONTINUOUS_UNAUTHORISED_DAYS = 10
ILLNESS_DAYS = 15
NO_CONTACT_DAYS = 3
SEPARATE_ABSENCES = 3
TWO_ABSENCES_SESSIONS = 6
LATE_MARKS_IN_WEEK = 2

# Codes that are an "absence" for the separate-absences rule (see the module docstring).
ABSENCE_CODES = (codes.AUTHORISED_CODES | codes.UNAUTHORISED_CODES) - {"U", "C2"}
ILLNESS_CODES = frozenset({"I"})


class Kind:
    PENALTY_THRESHOLD = "penalty_threshold"
    CONTINUOUS_UNAUTHORISED = "continuous_unauthorised"
    ILLNESS_15_DAYS = "illness_15_days"
    NO_CONTACT = "no_contact"
    SEPARATE_ABSENCES = "separate_absences"
    LATE_MARKS = "late_marks"
    SEND_JOINT_REVIEW = "send_joint_review"
    # Before EHC plan reviews were tracked the run only said "inform the local authority"; older alerts
    # keep that kind, new ones ask for a real early review (graduated_response/nightly_ehcp.py).
    EHCP_INFORM_LA = "ehcp_inform_la"
    EHCP_REVIEW_REQUESTED = "ehcp_review_requested"
    TIER_ENTERED = "tier_entered"
    ACTION_OVERDUE = "action_overdue"
    NIGHTLY_RUN_MISSING = "nightly_run_missing"
    SEND_DEADLINE_DUE = "send_deadline_due"  # graduated_response/send_deadline_alerts.py
    SEND_DEADLINE_OVERDUE = "send_deadline_overdue"
    N_MUST_BECOME_O = "n_must_become_o"  # graduated_response/nightly_n_deadline.py

    LABELS = {
        PENALTY_THRESHOLD: "10 unauthorised sessions in 10 school weeks",
        CONTINUOUS_UNAUTHORISED: "10 continuous school days of unauthorised absence",
        ILLNESS_15_DAYS: "Illness reaching 15 school days",
        NO_CONTACT: "No contact for 3 school days",
        SEPARATE_ABSENCES: "Repeated absences: offer support",
        LATE_MARKS: "2 late marks in one week",
        SEND_JOINT_REVIEW: "Joint review with the SENDCo",
        EHCP_INFORM_LA: "EHC plan: inform the local authority",
        EHCP_REVIEW_REQUESTED: "EHC plan: early review asked for",
        TIER_ENTERED: "Entered or moved tier",
        ACTION_OVERDUE: "Checklist action overdue",
        NIGHTLY_RUN_MISSING: "Nightly checks missed",
        SEND_DEADLINE_DUE: "SEND deadline in the next 14 days",
        SEND_DEADLINE_OVERDUE: "SEND deadline overdue",
        N_MUST_BECOME_O: "N must become O today",
    }


#: Alerts listed most serious first. The three at the top are where a child may be unsafe or the law
#: needs the local authority told (docs/rules.md section 4; seed policy 5.6): no contact for 3 school
#: days (welfare call and home visit), 10 continuous school days of unauthorised absence and 15 school
#: days of illness (returns to the local authority). Then the measures with a statutory edge, then
#: what is overdue, then the rest. A kind not named here comes last.
SEVERITY: tuple[str, ...] = (
    Kind.NO_CONTACT,
    Kind.CONTINUOUS_UNAUTHORISED,
    Kind.ILLNESS_15_DAYS,
    Kind.PENALTY_THRESHOLD,
    Kind.EHCP_REVIEW_REQUESTED,
    Kind.EHCP_INFORM_LA,
    Kind.SEND_DEADLINE_OVERDUE,
    Kind.SEND_JOINT_REVIEW,
    Kind.NIGHTLY_RUN_MISSING,
    Kind.ACTION_OVERDUE,
    Kind.SEPARATE_ABSENCES,
    Kind.LATE_MARKS,
    Kind.SEND_DEADLINE_DUE,
    Kind.TIER_ENTERED,
)
#: Acknowledging one of these says what was done (who was told, when and how), so the record shows
#: the home visit was made or the return sent, not only that someone ticked the alert.
OUTCOME_REQUIRED = frozenset({Kind.NO_CONTACT, Kind.CONTINUOUS_UNAUTHORISED, Kind.ILLNESS_15_DAYS})


def severity_rank(kind: str) -> int:
    """0 for the most serious kind; unknown kinds after every known one.

    >>> severity_rank(Kind.NO_CONTACT) < severity_rank(Kind.LATE_MARKS) < severity_rank("something new")
    True
    """
    return SEVERITY.index(kind) if kind in SEVERITY else len(SEVERITY)


#: Kinds raised on a rolling window: after one alert, the same kind is not raised again for the
#: same pupil for this many school weeks (the alert is already on someone's list).
COOLDOWN_WEEKS = {Kind.PENALTY_THRESHOLD: 10, Kind.SEPARATE_ABSENCES: 10}


@dataclass(frozen=True)
class AlertDraft:
    kind: str
    period_key: str
    message: str
    figures: dict = field(default_factory=dict)
    for_roles: tuple[str, ...] = (ATTENDANCE_OFFICER,)


def _d(day: date) -> str:
    return f"{day:%-d %B %Y}"


# --- runs of sessions and days ---------------------------------------------------------------------
def absence_runs(sessions: Sequence[tuple[date, str]], marks: Mapping[tuple[date, str], str]) -> list[list]:
    """Maximal runs of consecutive school sessions whose code is an absence (``ABSENCE_CODES``)."""
    runs, current = [], []
    for session in sessions:
        if marks.get(session) in ABSENCE_CODES:
            current.append(session)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _days(sessions: Sequence[tuple[date, str]]) -> list[tuple[date, list[tuple[date, str]]]]:
    by_day: dict[date, list] = {}
    for session in sessions:
        by_day.setdefault(session[0], []).append(session)
    return sorted(by_day.items())


def _day_runs(sessions, marks, allowed: frozenset[str]) -> list[list[date]]:
    """Runs of consecutive school days on which every session the school met has a code in ``allowed``."""
    runs, current = [], []
    for day, day_sessions in _days(sessions):
        if all(marks.get(s) in allowed for s in day_sessions):
            current.append(day)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _previous_school_reading(counted: bool | None) -> str:
    if counted is None:
        return ""
    if counted:
        return " Unauthorised sessions recorded at a previous school are counted (the school's setting)."
    return " Only sessions at this school are counted; a previous school's are not (the school's setting)."


# --- the triggers --------------------------------------------------------------------------------
def penalty_threshold(
    *,
    unauthorised_in_window: int,
    window: tuple[date, date],
    on: date,
    previous_school_counted: bool | None = None,
) -> AlertDraft | None:
    """10 sessions of unauthorised absence (G, N, O, U) in the last 10 school weeks (national framework).

    ``previous_school_counted`` is the school's reading of a point the framework leaves open (whether
    sessions recorded at a previous school count); the alert states it.

    >>> penalty_threshold(unauthorised_in_window=9, window=(date(2026, 9, 7), date(2026, 11, 20)),
    ...                   on=date(2026, 11, 20)) is None
    True
    """
    if unauthorised_in_window < PENALTY_THRESHOLD_SESSIONS:
        return None
    start, end = window
    return AlertDraft(
        kind=Kind.PENALTY_THRESHOLD,
        period_key=f"{on:%Y-%m-%d}",
        message=(
            f"{unauthorised_in_window} sessions of unauthorised absence (G, N, O, U) in the last 10 school "
            f"weeks ({_d(start)} to {_d(end)}); the national threshold is 10. Consider, in this order: "
            "support, a notice to improve, or a penalty notice. A penalty notice is never automatic: "
            "the school must consider whether support would be better first."
            + _previous_school_reading(previous_school_counted)
        ),
        figures={"unauthorised_last_10_weeks": unauthorised_in_window, "from": str(start), "to": str(end)},
        for_roles=(ATTENDANCE_OFFICER, HEADTEACHER),
    )


def continuous_unauthorised(*, sessions, marks) -> AlertDraft | None:
    """10 continuous school days of unauthorised absence: a return to the local authority is due.

    The latest such run in the window is reported, keyed by its first day (one alert per run).
    """
    # Cheap pre-check (this runs for every pupil every night): fewer than 10 unauthorised sessions
    # in the window cannot make 10 days.
    if sum(1 for code in marks.values() if code in codes.UNAUTHORISED_CODES) < CONTINUOUS_UNAUTHORISED_DAYS:
        return None
    runs = [run for run in _day_runs(sessions, marks, codes.UNAUTHORISED_CODES) if len(run) >= 10]
    if not runs:
        return None
    run = runs[-1]
    return AlertDraft(
        kind=Kind.CONTINUOUS_UNAUTHORISED,
        period_key=f"{run[0]:%Y-%m-%d}",
        message=(
            f"{len(run)} continuous school days of unauthorised absence, from {_d(run[0])} to {_d(run[-1])}. "
            "The school must tell the local authority (a return is due for pupils absent for 10 "
            "continuous school days with unauthorised codes)."
        ),
        figures={"days": len(run), "from": str(run[0]), "to": str(run[-1])},
        for_roles=(ATTENDANCE_OFFICER, HEADTEACHER, DSL),
    )


def illness_15_days(
    *, illness_sessions: int, expected_more_sessions: int, year_key: str, expected_return: date | None = None
) -> AlertDraft | None:
    """Illness expected to reach 15 school days (consecutive or cumulative) this academic year.

    ``illness_sessions`` are I sessions so far; ``expected_more_sessions`` the further sessions a
    recorded absence call expects (until the expected return). One return per academic year.

    >>> illness_15_days(illness_sessions=24, expected_more_sessions=6, year_key="2026").figures["expected_days"]
    15.0
    """
    so_far = illness_sessions / 2
    expected = (illness_sessions + expected_more_sessions) / 2
    if expected < ILLNESS_DAYS:
        return None
    when = f" (expected return {_d(expected_return)})" if expected_return and expected_more_sessions else ""
    return AlertDraft(
        kind=Kind.ILLNESS_15_DAYS,
        period_key=year_key,
        message=(
            f"{so_far:g} school days of illness this year so far, expected to reach {expected:g}{when}. "
            "A return to the local authority is due when a pupil is expected to miss 15 school days "
            "through illness. Make sure the pupil has suitable education and a plan to keep in touch."
        ),
        figures={"illness_days": so_far, "expected_days": expected},
        for_roles=(ATTENDANCE_OFFICER, HEADTEACHER, SENDCO),
    )


def no_contact(*, sessions, marks, calls_since: Sequence[date]) -> AlertDraft | None:
    """3 school days of absence with no reason established (N) and no absence call: welfare call
    and home visit (seed policy 5.6). ``calls_since`` are the dates of absence calls recorded for
    the pupil. Only a run reaching the latest school day in ``sessions`` is reported (it is still
    going on)."""
    if (
        not sessions or marks.get(sessions[-1]) != "N"
    ):  # cheap pre-check: not absent (N) at the latest session
        return None
    runs = _day_runs(sessions, marks, frozenset({"N"}))
    days = _days(sessions)
    if not runs or not days or runs[-1][-1] != days[-1][0] or len(runs[-1]) < NO_CONTACT_DAYS:
        return None
    run = runs[-1]
    if any(call >= run[0] for call in calls_since):
        return None
    return AlertDraft(
        kind=Kind.NO_CONTACT,
        period_key=f"{run[0]:%Y-%m-%d}",
        message=(
            f"Absent with no reason given (N) for {len(run)} school days since {_d(run[0])}, and no call "
            "from home has been recorded. Make a welfare call today and arrange a home visit; if no one "
            "can be reached, tell the local authority and consider safeguarding action."
        ),
        figures={"days": len(run), "from": str(run[0]), "to": str(run[-1])},
        for_roles=(ATTENDANCE_OFFICER, DSL),
    )


def separate_absences(*, sessions, marks) -> AlertDraft | None:
    """3 separate absences in the window (10 school weeks), or 2 absences totalling 6 sessions:
    offer support (seed policy 5.6)."""
    runs = absence_runs(sessions, marks)
    lengths = sorted((len(run) for run in runs), reverse=True)
    if len(runs) >= SEPARATE_ABSENCES:
        why = f"{len(runs)} separate absences in the last 10 school weeks"
    elif len(runs) == 2 and sum(lengths[:2]) >= TWO_ABSENCES_SESSIONS:
        why = f"2 absences totalling {sum(lengths[:2])} sessions in the last 10 school weeks"
    else:
        return None
    return AlertDraft(
        kind=Kind.SEPARATE_ABSENCES,
        period_key=f"{runs[-1][0][0]:%Y-%m-%d}",
        message=(
            f"{why} (the latest from {_d(runs[-1][0][0])}). The attendance policy says to offer the pupil "
            "and their parents support to improve attendance."
        ),
        figures={"absences": len(runs), "sessions": sum(lengths), "longest": lengths[0]},
        for_roles=(ATTENDANCE_OFFICER,),
    )


def late_marks(*, week_marks: Mapping[tuple[date, str], str], week_start: date) -> AlertDraft | None:
    """2 or more L or U marks in one week (seed policy 5.5).

    >>> late_marks(week_marks={(date(2026, 11, 2), "AM"): "L", (date(2026, 11, 4), "AM"): "U"},
    ...            week_start=date(2026, 11, 2)).figures
    {'L': 1, 'U': 1}
    """
    late = [code for code in week_marks.values() if code in codes.LATE_CODES]
    if len(late) < LATE_MARKS_IN_WEEK:
        return None
    counts = {"L": late.count("L"), "U": late.count("U")}
    return AlertDraft(
        kind=Kind.LATE_MARKS,
        period_key=f"{week_start:%Y-%m-%d}",
        message=(
            f"{len(late)} late marks in the week of {_d(week_start)} ({counts['L']} L, {counts['U']} U). "
            "The attendance policy gives a detention for 2 late marks or U codes in a week; if lateness "
            "goes on, the attendance team meets the parents. Repeated U codes count towards the 10 "
            "unauthorised sessions that require next steps."
        ),
        figures=counts,
        for_roles=(ATTENDANCE_OFFICER, CLASS_TEACHER),
    )


def late_marks_by_week(*, sessions, marks) -> list[AlertDraft]:
    """``late_marks`` for every week the window's ``sessions`` cover, not only the week of the run:
    a night caught up later, or a register amended after its week, still raises the alert for the
    week the late marks are in (one per pupil per week: the period key is that week's Monday).

    >>> from datetime import date
    >>> sessions = [(date(2026, 11, d), s) for d in (9, 10, 16, 17) for s in ("AM", "PM")]
    >>> marks = {(date(2026, 11, 9), "AM"): "L", (date(2026, 11, 10), "AM"): "L",
    ...          (date(2026, 11, 16), "AM"): "L"}
    >>> [a.period_key for a in late_marks_by_week(sessions=sessions, marks=marks)]
    ['2026-11-09']
    """
    weeks: dict[date, dict] = {}
    for session in sessions:
        if marks.get(session) in codes.LATE_CODES:
            monday = session[0] - timedelta(days=session[0].weekday())
            weeks.setdefault(monday, {})[session] = marks[session]
    drafts = [late_marks(week_marks=week, week_start=monday) for monday, week in sorted(weeks.items())]
    return [d for d in drafts if d is not None]


def _moved(from_tier: int | None, to_tier: int) -> str:
    return (
        f"entered Tier {to_tier}"
        if from_tier in (None, 0)
        else f"fell from Tier {from_tier} to Tier {to_tier}"
    )


def send_alerts(
    *, provision: str, from_tier: int | None, to_tier: int, case_key: str, figures: dict
) -> list[AlertDraft]:
    """SEND-aware routing when a pupil on SEN support (K) or with an EHC plan (E) enters a tier or
    falls to a worse one: a joint review with the SENDCo before any letter that warns of sanctions.
    (For a pupil with an EHC plan in force the nightly run also asks for an early review of the plan:
    ``ehcp_review_alert`` and graduated_response/nightly_ehcp.py.)

    >>> [a.kind for a in send_alerts(provision="E", from_tier=None, to_tier=3, case_key="c1", figures={})]
    ['send_joint_review']
    >>> send_alerts(provision="N", from_tier=1, to_tier=3, case_key="c1", figures={})
    []
    """
    if provision not in ("K", "E") or (from_tier is not None and to_tier <= from_tier):
        return []
    label = "an EHC plan" if provision == "E" else "SEN support"
    return [
        AlertDraft(
            kind=Kind.SEND_JOINT_REVIEW,
            period_key=f"{case_key}-tier{to_tier}",
            message=(
                f"This pupil has {label} and {_moved(from_tier, to_tier)}. Hold a joint review with the "
                "SENDCo before any letter that warns of sanctions: check whether unmet needs or missing "
                "provision explain the absence, and adjust the plan and support first."
            ),
            figures=figures,
            for_roles=(SENDCO, ATTENDANCE_OFFICER),
        )
    ]


def ehcp_review_alert(
    *,
    from_tier: int | None,
    to_tier: int,
    case_key: str,
    figures: dict,
    review_id: int | None,
    asked_tonight: bool,
) -> AlertDraft:
    """The alert that goes with the early review of an EHC plan asked for when attendance falls: to
    the SENDCo and the headteacher, linking to the review (``figures["review_id"]``).

    >>> a = ehcp_review_alert(from_tier=2, to_tier=3, case_key="case7", figures={"attendance_pct": 88.5},
    ...                       review_id=12, asked_tonight=True)
    >>> a.kind, a.period_key, a.figures["review_id"]
    ('ehcp_review_requested', 'case7-tier3', 12)
    >>> print(a.message)
    This pupil has an EHC plan in force and their attendance fell from Tier 2 to Tier 3 (88.5%). An early review of the plan has been asked for: plan its meeting, and tell the local authority about the fall in attendance.
    """
    pct = figures.get("attendance_pct")
    at = f" ({pct}%)" if pct is not None else ""
    what = (
        "An early review of the plan has been asked for: plan its meeting"
        if asked_tonight
        else "A review of the plan is already in progress: bring the fall in attendance to it"
    )
    tell = "tell the local authority about the fall in attendance"
    return AlertDraft(
        kind=Kind.EHCP_REVIEW_REQUESTED,
        period_key=f"{case_key}-tier{to_tier}",
        message=(
            f"This pupil has an EHC plan in force and their attendance {_moved(from_tier, to_tier)}{at}. "
            f"{what}, and {tell}."
        ),
        figures={**figures, "review_id": review_id},
        for_roles=(SENDCO, HEADTEACHER),
    )
