"""The statutory time limits of an EHC needs assessment (SEND code of practice 0-25, chapter 9;
the SEND Regulations 2014), as pure functions of dates.

How each period is counted:

- "N weeks from receipt" is the date the local authority received the request plus N x 7 days: the
  same weekday N weeks later. Weekends and holidays count; a limit falling on a Saturday stays there.
  Decision whether to assess: 6 weeks (42 days); decision not to issue a plan: 16 weeks (112 days);
  final plan: 20 weeks (140 days).
- The school's advice: 6 weeks from the day the local authority asked the school for it (not from
  the receipt of the request).
- Comments on a draft plan: "at least 15 days beginning with the day it is served", so the day served
  is day 1 and the last day for comments is the day served + 14 days.
- Re-assessment: a request made within 6 calendar months of the completion of the last assessment
  may be refused (the months are calendar months; 31 August + 6 months is the last day of February).
- The summer-closure exception (regulation 8(2)(a) reading): the school need not answer within 6
  weeks when the local authority asks during the period that starts 1 week before a closure of at
  least 4 weeks and ends 1 week before the school re-opens. The exception is recorded by the SENDCo
  (a StatutoryException row); `advice_request_in_closure` only suggests it.

Worked example: a request received on Tuesday 18 January 2028 (a leap year):

    >>> from datetime import date
    >>> received = date(2028, 1, 18)
    >>> decision_to_assess_due(received), decision_not_to_issue_due(received)
    (datetime.date(2028, 2, 29), datetime.date(2028, 5, 9))
    >>> final_plan_due(received)
    datetime.date(2028, 6, 6)
    >>> advice_due(date(2028, 3, 1)), draft_comments_last_day(date(2028, 4, 20))
    (datetime.date(2028, 4, 12), datetime.date(2028, 5, 4))
    >>> reassessment_too_soon(last_completed=date(2027, 8, 31), requested=date(2028, 2, 28))
    True
    >>> reassessment_too_soon(last_completed=date(2027, 8, 31), requested=date(2028, 3, 1))
    False
"""

from __future__ import annotations

import calendar
from datetime import date as Date
from datetime import timedelta

DECISION_TO_ASSESS_WEEKS = 6
ADVICE_WEEKS = 6
DECISION_NOT_TO_ISSUE_WEEKS = 16
FINAL_PLAN_WEEKS = 20
DRAFT_COMMENT_DAYS = 15
REASSESSMENT_MONTHS = 6
CLOSURE_MIN_WEEKS = 4

#: Shown beside each due date on the pages.
HOW_COUNTED = {
    "decision": "6 weeks from the day the local authority received the request (same weekday, 6 weeks later)",
    "advice": "6 weeks from the day the local authority asked the school for advice",
    "not_to_issue": "16 weeks from the day the local authority received the request",
    "draft_comments": "at least 15 days beginning with the day the draft was served (that day is day 1)",
    "final": "20 weeks from the day the local authority received the request",
}


def weeks_from(start: Date, weeks: int) -> Date:
    """The same weekday `weeks` weeks after `start`."""
    return start + timedelta(weeks=weeks)


def decision_to_assess_due(la_received_on: Date) -> Date:
    return weeks_from(la_received_on, DECISION_TO_ASSESS_WEEKS)


def advice_due(advice_requested_on: Date) -> Date:
    return weeks_from(advice_requested_on, ADVICE_WEEKS)


def decision_not_to_issue_due(la_received_on: Date) -> Date:
    return weeks_from(la_received_on, DECISION_NOT_TO_ISSUE_WEEKS)


def final_plan_due(la_received_on: Date) -> Date:
    return weeks_from(la_received_on, FINAL_PLAN_WEEKS)


def draft_comments_last_day(draft_served_on: Date) -> Date:
    """15 days beginning with the day served: day served is day 1, so the last day is day 15."""
    return draft_served_on + timedelta(days=DRAFT_COMMENT_DAYS - 1)


def add_months(day: Date, months: int) -> Date:
    """Calendar months; a day past the end of the target month becomes its last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return Date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reassessment_too_soon(*, last_completed: Date | None, requested: Date) -> bool:
    """A request on or before the last completion + 6 calendar months is flagged (may be refused)."""
    if last_completed is None:
        return False
    return requested <= add_months(last_completed, REASSESSMENT_MONTHS)


def advice_request_in_closure(asked_on: Date, *, closes_on: Date, reopens_on: Date) -> bool:
    """Whether advice asked for on `asked_on` falls in the closure exception: the closure (first day
    closed to the day of re-opening) lasts at least 4 weeks, and the request came from 1 week before
    it closed up to 1 week before it re-opens."""
    if reopens_on - closes_on < timedelta(weeks=CLOSURE_MIN_WEEKS):
        return False
    return closes_on - timedelta(weeks=1) <= asked_on < reopens_on - timedelta(weeks=1)


def step_state(*, due: Date | None, done_on: Date | None, today: Date, excepted: bool = False) -> str:
    """on_time / late (done), due / overdue (not done), late_excepted when an exception covers a late step.

    >>> d = Date(2028, 2, 29)
    >>> step_state(due=d, done_on=d, today=d), step_state(due=d, done_on=None, today=Date(2028, 3, 1))
    ('on_time', 'overdue')
    >>> step_state(due=d, done_on=Date(2028, 3, 1), today=d, excepted=True)
    'late_excepted'
    """
    if due is None:
        return "not_started" if done_on is None else "on_time"
    if done_on is not None:
        if done_on <= due:
            return "on_time"
        return "late_excepted" if excepted else "late"
    if today > due:
        return "late_excepted" if excepted else "overdue"
    return "due"
