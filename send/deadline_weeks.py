"""Which part of the SENDCo's deadline calendar a due date falls in: ``week_group(due, today)``.

Weeks run Monday to Sunday, as a school week is planned. The calendar looks ``CALENDAR_WEEKS`` weeks
ahead of today (``calendar_until``); everything before today is overdue, however old.

* ``overdue``: due before today;
* ``this_week``: today to this Sunday (on a Sunday, that is today only);
* ``next_week``: next Monday to next Sunday;
* ``later``: after next Sunday, up to ``calendar_until(today)``.

Worked example: on Wednesday 2 December 2026, a step due on Tuesday 1 December is overdue, one due
on Sunday 6 December is due this week, Monday 7 December starts next week, and the calendar runs to
Wednesday 27 January 2027:

    >>> from datetime import date
    >>> today = date(2026, 12, 2)
    >>> [week_group(date(2026, 12, d), today) for d in (1, 2, 6, 7, 13, 14)]
    ['overdue', 'this_week', 'this_week', 'next_week', 'next_week', 'later']
    >>> calendar_until(today)
    datetime.date(2027, 1, 27)
"""

from __future__ import annotations

from datetime import date, timedelta

CALENDAR_WEEKS = 8

OVERDUE = "overdue"
THIS_WEEK = "this_week"
NEXT_WEEK = "next_week"
LATER = "later"

#: The calendar's headings, in page order.
GROUPS = (
    (OVERDUE, "Overdue"),
    (THIS_WEEK, "Due this week"),
    (NEXT_WEEK, "Due next week"),
    (LATER, f"Later (the next {CALENDAR_WEEKS} weeks)"),
)


def week_end(day: date) -> date:
    """The Sunday ending the Monday-to-Sunday week of `day`."""
    return day + timedelta(days=6 - day.weekday())


def calendar_until(today: date) -> date:
    """The last day the calendar shows: ``CALENDAR_WEEKS`` weeks from today."""
    return today + timedelta(weeks=CALENDAR_WEEKS)


def week_group(due: date, today: date) -> str:
    if due < today:
        return OVERDUE
    this_sunday = week_end(today)
    if due <= this_sunday:
        return THIS_WEEK
    if due <= this_sunday + timedelta(days=7):
        return NEXT_WEEK
    return LATER
