"""When a SEN support review meeting can be held, and how its time is printed in a letter (pure).

The invitation to a review (letters/defaults.py ``send_review_invite``) tells parents a date, a time and
a place; a date that cannot be true is refused beside its field before any letter is written
(docs/rules.md section 5): a meeting cannot be in the past, and it is held at school, so on a day the
school is open (a term day that is not a weekend, a bank holiday or a closure such as an INSET day).
A date beyond every term the school has entered is refused too: the calendar cannot say it is a school
day. A meeting today is allowed (a parent may be told in person), but not at a time already gone.

    >>> from datetime import date, time
    >>> from school.calendar import SchoolCalendar
    >>> cal = SchoolCalendar.build([(date(2026, 11, 2), date(2026, 12, 18)), (date(2027, 1, 5), date(2027, 2, 12))])
    >>> now = (date(2026, 12, 2), time(9, 0))
    >>> meeting_date_refusal(cal, date(2026, 12, 8), now=now) is None
    True
    >>> meeting_date_refusal(cal, date(2026, 12, 1), now=now)
    'The meeting cannot be in the past: choose today or a later school day.'
    >>> meeting_date_refusal(cal, date(2026, 12, 5), now=now)
    '5 December 2026 is a Saturday: choose a day the school is open.'
    >>> meeting_date_refusal(cal, date(2026, 12, 22), now=now)
    '22 December 2026 is in the school holidays: choose a day the school is open.'
    >>> meeting_date_refusal(cal, date(2027, 3, 1), now=now)[:50]
    '1 March 2027 is after the last term in the school '
    >>> meeting_time_refusal(date(2026, 12, 2), time(8, 30), now=now)
    'That time today has already passed.'
    >>> meeting_time_text(time(9, 15)), meeting_time_text(time(15, 0)), meeting_time_text(time(12, 0))
    ('9:15am', '3pm', 'midday')
"""

from __future__ import annotations

from datetime import date, time

from school.calendar import SchoolCalendar

__all__ = ["meeting_date_refusal", "meeting_time_refusal", "meeting_time_text"]

_OPEN = "choose a day the school is open."


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def meeting_date_refusal(calendar: SchoolCalendar, day: date, *, now: tuple[date, time]) -> str | None:
    """Why a review meeting cannot be on ``day`` (plain English, for beside the field), or None."""
    today = now[0]
    if day < today:
        return "The meeting cannot be in the past: choose today or a later school day."
    if day.weekday() >= 5:
        return f"{_day(day)} is a {day:%A}: {_OPEN}"
    if day in calendar.bank_holidays:
        return f"{_day(day)} is a bank holiday: {_OPEN}"
    if not calendar.in_term(day):
        if not calendar.periods or day > max(end for _start, end in calendar.periods):
            return (
                f"{_day(day)} is after the last term in the school calendar: add the terms first, "
                "or choose an earlier day."
            )
        return f"{_day(day)} is in the school holidays: {_OPEN}"
    if not calendar.is_school_day(day):
        return f"The school is closed on {_day(day)} (for example an INSET day): {_OPEN}"
    return None


def meeting_time_refusal(day: date, at: time, *, now: tuple[date, time]) -> str | None:
    """A meeting today must be later than now."""
    if day == now[0] and at <= now[1]:
        return "That time today has already passed."
    return None


def meeting_time_text(at: time) -> str:
    """A time as a letter prints it, in the GOV.UK style: 9:15am, 3pm, midday."""
    if at.hour == 12 and at.minute == 0:
        return "midday"
    hour = at.hour % 12 or 12
    suffix = "am" if at.hour < 12 else "pm"
    return f"{hour}{suffix}" if at.minute == 0 else f"{hour}:{at.minute:02d}{suffix}"
