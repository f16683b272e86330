"""When an EHC plan's review is due, and the dates of each step around a review meeting.

The rules (SEND Code of Practice 9.166-9.184; docs/rules.md section 5; seed 003, "Reviewing EHC plans"):

* A plan is reviewed at least every **12 months**, counted from the plan's issue or from the last review
  meeting. The school chooses how "12 months" is read (``SendSettings.review_year_reading``):

  - ``day_before`` (the default, the strict reading): the 12 months beginning with the start day end the
    day before the same date next year, so a review held on 15 March 2026 is due by 14 March 2027. When
    that date does not exist (29 February), the period ends on the last day of the month (28 February).
  - ``same_date``: due on the same calendar date next year (15 March 2027); 29 February becomes
    28 February.

* **Under-5s** (the child is under 5 on the day the plan was issued or last reviewed): at least every
  6 months, counted the same way; the Code advises every 3 to 6 months, so the page shows the 3-month
  date as "advised" and the 6-month date as the due date.
* **Phase transfer**: a pupil in Year 6 (to secondary) or Year 11 (to post-16) transfers the next
  September. The review must be completed by **15 February** of the calendar year of transfer (Year 6)
  or **31 March** (Year 11). If no review has been held in the transfer year (since 1 September), the
  due date is the earlier of that date and the 12-month date. Only these two transfers are tracked (an
  infant school's Year 2 is not).

Around a review meeting (the school's choice where the Code is silent is marked):

* advice requested: 6 weeks before the meeting (the school's practice, so that advice can arrive in time
  to be circulated; not a statutory date);
* invitations sent: at least 2 weeks before (the latest day is 14 days before the meeting);
* advice circulated to everyone invited: at least 2 weeks before (14 days before);
* the school's report to everyone invited: within 2 weeks after the meeting (14 days after);
* the local authority's decision (amend, maintain or cease): within 4 weeks of the meeting (28 days);
* the amended final plan: within 12 weeks of the meeting (84 days).

Worked example: a plan issued on 29 February 2028 for a Year 4 pupil, reviewed on 15 March 2029:

    >>> from datetime import date
    >>> months_after(date(2028, 2, 29), 12, reading=DAY_BEFORE)
    datetime.date(2029, 2, 28)
    >>> due = next_review_due(start=date(2029, 3, 15), year_group=4, date_of_birth=date(2020, 1, 5),
    ...                       reading=DAY_BEFORE, today=date(2029, 6, 1))
    >>> due.due, due.kind
    (datetime.date(2030, 3, 14), 'annual')
    >>> [(step.key, step.due) for step in meeting_timeline(date(2029, 3, 15))][:3]
    [('advice_requested', datetime.date(2029, 2, 1)), ('invitations', datetime.date(2029, 3, 1)), \
('advice_circulated', datetime.date(2029, 3, 1))]
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

DAY_BEFORE = "day_before"
SAME_DATE = "same_date"
READINGS = {
    DAY_BEFORE: "The day before the same date next year (a review on 15 March is due by 14 March)",
    SAME_DATE: "The same calendar date next year (a review on 15 March is due by 15 March)",
}

ANNUAL_MONTHS = 12
UNDER_FIVE_MONTHS = 6
UNDER_FIVE_ADVISED_MONTHS = 3
#: Year group -> (month, day) by which the phase transfer review is completed, in the calendar year of
#: transfer: Year 6 to secondary by 15 February, Year 11 to post-16 by 31 March.
TRANSFER_YEARS = {6: (2, 15), 11: (3, 31)}

ADVICE_REQUEST_DAYS = 42  # the school's practice: 6 weeks before
NOTICE_DAYS = 14  # at least 2 weeks' notice of the meeting
ADVICE_CIRCULATED_DAYS = 14  # advice circulated at least 2 weeks before
REPORT_DAYS = 14  # the school's report within 2 weeks after
LA_DECISION_DAYS = 28  # the local authority's decision within 4 weeks
AMENDED_PLAN_DAYS = 84  # the amended plan within 12 weeks


def _add_months_exact(day: date, months: int) -> date | None:
    """The same date `months` later, or None when it does not exist (31 April, 29 February 2027)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    if day.day > calendar.monthrange(year, month)[1]:
        return None
    return date(year, month, day.day)


def _month_end(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, calendar.monthrange(year, month)[1])


def months_after(day: date, months: int, *, reading: str) -> date:
    """The last day of the `months` counted from `day`, in the school's reading (module docstring).

    >>> months_after(date(2026, 3, 15), 12, reading=DAY_BEFORE), months_after(date(2026, 3, 15), 12, reading=SAME_DATE)
    (datetime.date(2027, 3, 14), datetime.date(2027, 3, 15))
    """
    if reading not in READINGS:
        raise ValueError(f"Unknown reading of months: {reading!r}")
    same = _add_months_exact(day, months)
    if same is None:  # no such date: the period ends with the month, in either reading
        return _month_end(day, months)
    return same - timedelta(days=1) if reading == DAY_BEFORE else same


def age_on(date_of_birth: date, day: date) -> int:
    """Whole years of age on `day` (someone born on 29 February has a birthday on 1 March in other years)."""
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - int(before_birthday)


def academic_year_start(day: date) -> date:
    return date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def transfer_deadline(year_group: int | None, *, today: date) -> date | None:
    """The date the phase transfer review must be completed by, for a pupil in `year_group` in the
    academic year containing `today`; None when the pupil is not in a transfer year.

    >>> transfer_deadline(6, today=date(2026, 11, 2)), transfer_deadline(11, today=date(2027, 4, 1))
    (datetime.date(2027, 2, 15), datetime.date(2027, 3, 31))
    >>> transfer_deadline(5, today=date(2026, 11, 2)) is None
    True
    """
    if year_group not in TRANSFER_YEARS:
        return None
    month, day = TRANSFER_YEARS[year_group]
    return date(academic_year_start(today).year + 1, month, day)


@dataclass(frozen=True)
class ReviewDue:
    due: date
    #: "annual", "under_five" or "phase_transfer".
    kind: str
    #: How the date was counted, in plain English (shown beside it).
    rule: str
    #: Under-5s only: the 3-month date the Code advises.
    advised: date | None = None


def _d(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def reading_words(reading: str) -> str:
    return "the day before the same date" if reading == DAY_BEFORE else "the same calendar date"


def next_review_due(
    *,
    start: date,
    year_group: int | None,
    date_of_birth: date | None,
    reading: str,
    today: date,
    started_by: str = "the last review meeting",
) -> ReviewDue:
    """When the next review of a plan is due: `start` is the plan's issue date or the last review
    meeting (`started_by` says which, for the rule text)."""
    if date_of_birth is not None and age_on(date_of_birth, start) < 5:
        due = months_after(start, UNDER_FIVE_MONTHS, reading=reading)
        advised = months_after(start, UNDER_FIVE_ADVISED_MONTHS, reading=reading)
        return ReviewDue(
            due=due,
            kind="under_five",
            advised=advised,
            rule=(
                f"Under 5: within 6 months of {started_by} on {_d(start)} ({reading_words(reading)} "
                f"6 months later); every 3 months is advised, by {_d(advised)}."
            ),
        )
    due = months_after(start, ANNUAL_MONTHS, reading=reading)
    rule = f"Within 12 months of {started_by} on {_d(start)} ({reading_words(reading)} next year)."
    deadline = transfer_deadline(year_group, today=today)
    if deadline is not None and start < academic_year_start(today) and deadline <= due:
        to = "secondary school" if year_group == 6 else "post-16"
        return ReviewDue(
            due=deadline,
            kind="phase_transfer",
            rule=(
                f"Phase transfer (Year {year_group} to {to}): the review must be completed by "
                f"{_d(deadline)} (the usual 12 months from {started_by} on {_d(start)} would give "
                f"{_d(due)})."
            ),
        )
    return ReviewDue(due=due, kind="annual", rule=rule)


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    due: date
    rule: str


STEP_KEYS = (
    "advice_requested",
    "invitations",
    "advice_circulated",
    "report",
    "la_decision",
    "amended_plan",
)


def meeting_timeline(meeting: date) -> list[Step]:
    """Every step's date around a review meeting on `meeting`, in order (module docstring).

    >>> [(s.key, f"{s.due:%d %b}") for s in meeting_timeline(date(2027, 1, 1))][3:]
    [('report', '15 Jan'), ('la_decision', '29 Jan'), ('amended_plan', '26 Mar')]
    """
    return [
        Step(
            "advice_requested",
            "Ask for advice",
            meeting - timedelta(days=ADVICE_REQUEST_DAYS),
            "6 weeks before the meeting (the school's practice, so that advice arrives in time to be "
            "circulated).",
        ),
        Step(
            "invitations",
            "Send the invitations",
            meeting - timedelta(days=NOTICE_DAYS),
            "At least 2 weeks' notice: 14 days before the meeting at the latest.",
        ),
        Step(
            "advice_circulated",
            "Circulate the advice to everyone invited",
            meeting - timedelta(days=ADVICE_CIRCULATED_DAYS),
            "At least 2 weeks before the meeting: 14 days before at the latest.",
        ),
        Step(
            "report",
            "Send the school's report to everyone invited",
            meeting + timedelta(days=REPORT_DAYS),
            "Within 2 weeks of the meeting: 14 days after it.",
        ),
        Step(
            "la_decision",
            "The local authority's decision",
            meeting + timedelta(days=LA_DECISION_DAYS),
            "Within 4 weeks of the meeting: 28 days after it.",
        ),
        Step(
            "amended_plan",
            "The amended plan",
            meeting + timedelta(days=AMENDED_PLAN_DAYS),
            "Within 12 weeks of the meeting: 84 days after it.",
        ),
    ]


def notice_refusal(meeting: date, *, today: date) -> str | None:
    """Why invitations sent `today` give too little notice of a meeting on `meeting` (None if enough).

    >>> notice_refusal(date(2027, 1, 15), today=date(2027, 1, 1)) is None
    True
    >>> print(notice_refusal(date(2027, 1, 15), today=date(2027, 1, 2)))
    The meeting is on 15 January 2027, 13 days away: invitations need at least 2 weeks' notice (by 1 January 2027). Give a reason to send them anyway.
    """
    latest = meeting - timedelta(days=NOTICE_DAYS)
    if today <= latest:
        return None
    days = (meeting - today).days
    return (
        f"The meeting is on {_d(meeting)}, {days} day{'s' if days != 1 else ''} away: invitations need at "
        f"least 2 weeks' notice (by {_d(latest)}). Give a reason to send them anyway."
    )
