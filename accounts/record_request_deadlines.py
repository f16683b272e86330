"""When a request for a pupil's records must be answered (STATUTORY_RULES.md section 7).

Two laws, and which one applies depends on the request and on the type of school:

- A parent's written request for the pupil's *educational record* at a **maintained** school: the
  governing body makes it available within 15 school days of receiving the request (Education (Pupil
  Information) (England) Regulations 2005). School days come from the school calendar (half-terms,
  bank holidays and closures are not school days). The regulations allow no extension.
- A *subject access request* under UK GDPR, at any school, and a request for the educational record
  at an **academy** (which has no duty under the 2005 Regulations, so the request is handled as a
  subject access request): one calendar month from the day of receipt, extendable by two further
  months when the request is complex.

Reading used for "one month" (UK GDPR Art. 12(3), as the ICO explains it): the corresponding date in
the following month; when that month has no such date, its last day (31 January -> 28 or 29
February). An extension counts three months from the day of receipt, not two months from the first
deadline, so 31 January extends to 30 April, not 28 May. The ICO also lets a deadline falling on a
weekend or bank holiday run to the next working day; the product does not use that allowance, so the
date shown is never later than the law allows.

Worked example: a maintained school receives a request for the educational record on Thursday
22 October 2026; half-term is 26-30 October. Its 15th school day afterwards is Thursday 19 November
2026 (Friday 23 October is the first; the half-term week is not counted). An academy receiving the
same request on the same day must answer by 22 November 2026, or by 22 January 2027 if it extends
the deadline for a complex request.

    >>> from datetime import date
    >>> due_on(kind=SUBJECT_ACCESS, school_kind=MAINTAINED, received_on=date(2027, 1, 31))
    datetime.date(2027, 2, 28)
    >>> due_on(kind=SUBJECT_ACCESS, school_kind=ACADEMY, received_on=date(2027, 1, 31), extended=True)
    datetime.date(2027, 4, 30)
    >>> rule_for(kind=EDUCATIONAL_RECORD, school_kind=MAINTAINED).school_days
    15
"""

from __future__ import annotations

import calendar as month_calendar
from dataclasses import dataclass
from datetime import date

EDUCATIONAL_RECORD = "educational_record"
SUBJECT_ACCESS = "subject_access"
MAINTAINED = "maintained"
ACADEMY = "academy"

EDUCATIONAL_RECORD_SCHOOL_DAYS = 15
SUBJECT_ACCESS_MONTHS = 1
SUBJECT_ACCESS_EXTENSION_MONTHS = 2


@dataclass(frozen=True)
class Rule:
    """One way of counting: `school_days` or `months` (never both), and whether it may be extended."""

    label: str
    school_days: int = 0
    months: int = 0
    extension_months: int = 0

    @property
    def may_extend(self) -> bool:
        return self.extension_months > 0


EDUCATIONAL_RECORD_RULE = Rule(
    label="15 school days (Education (Pupil Information) (England) Regulations 2005)",
    school_days=EDUCATIONAL_RECORD_SCHOOL_DAYS,
)
SUBJECT_ACCESS_RULE = Rule(
    label="one month (UK GDPR), extendable by two further months for a complex request",
    months=SUBJECT_ACCESS_MONTHS,
    extension_months=SUBJECT_ACCESS_EXTENSION_MONTHS,
)


class CalendarTooShort(ValueError):
    """The school calendar does not reach the deadline: add the next half-terms first."""


def rule_for(*, kind: str, school_kind: str) -> Rule:
    if kind == EDUCATIONAL_RECORD and school_kind == MAINTAINED:
        return EDUCATIONAL_RECORD_RULE
    if kind in (EDUCATIONAL_RECORD, SUBJECT_ACCESS):
        return SUBJECT_ACCESS_RULE
    raise ValueError(f"Unknown kind of request: {kind!r}")


def add_months(day: date, months: int) -> date:
    """The corresponding date `months` later, or the last day of that month when it has none.

    >>> add_months(date(2028, 1, 31), 1), add_months(date(2026, 12, 15), 1)
    (datetime.date(2028, 2, 29), datetime.date(2027, 1, 15))
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))


def due_on(
    *, kind: str, school_kind: str, received_on: date, extended: bool = False, school_calendar=None
) -> date:
    """The last day to answer. `school_calendar` (a school.calendar.SchoolCalendar) is needed only
    when the deadline counts school days. An extension is ignored where the law allows none."""
    rule = rule_for(kind=kind, school_kind=school_kind)
    if rule.school_days:
        if school_calendar is None:
            raise ValueError("Counting school days needs the school calendar.")
        try:
            return school_calendar.add_school_days(received_on, rule.school_days)
        except ValueError as error:
            raise CalendarTooShort(
                "The school calendar does not reach the deadline. Add the next half-terms first."
            ) from error
    months = rule.months + (rule.extension_months if extended else 0)
    return add_months(received_on, months)


def extension_refusal(*, rule: Rule, extended: bool, due_on: date, today: date) -> str:
    """Why an open request's deadline cannot be extended today, or "" when it can.

    UK GDPR Art. 12(3): the requester must be told of an extension within the first month, so once
    the original due date has passed the request is overdue and can no longer be extended (extending
    it then would hide that it was missed).

    >>> sar = rule_for(kind=SUBJECT_ACCESS, school_kind=ACADEMY)
    >>> extension_refusal(rule=sar, extended=False, due_on=date(2026, 10, 15), today=date(2026, 10, 15))
    ''
    >>> extension_refusal(rule=sar, extended=False, due_on=date(2026, 10, 15), today=date(2026, 10, 16))
    'It was due by 15 October 2026: it is overdue. An extension must be made within the first month.'
    """
    if not rule.may_extend:
        return (
            "The law allows no extension for this request: a maintained school must show the "
            "educational record within 15 school days."
        )
    if extended:
        return "This request has already been extended; the law allows one extension."
    if today > due_on:
        return (
            f"It was due by {due_on.day} {due_on:%B %Y}: it is overdue. "
            "An extension must be made within the first month."
        )
    return ""
