"""The SENDCo's deadlines as an iCalendar file (RFC 5545, written by the icalendar library).

A calendar app keeps what it fetches on the phone or in a cloud account that is not ours, so an
event says as little as it can: the pupil's initials and year group, the step's title, how the date
is counted, and a link to the step's page (which needs signing in). Never the pupil's name or the
plan's content. Each deadline is one all-day event whose UID is its kind and key, so a date worked
out again moves the same event instead of adding another.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar, Event

from .deadline_calendar import Visible
from .deadlines import Deadline

FEED_WEEKS = 26  # a calendar is for planning: half a year ahead (the page shows 8 weeks)
PRODID = "-//School support//SEND deadlines//EN"


def event_summary(d: Deadline, *, who: str, overdue: bool) -> str:
    title = d.title.replace(d.pupil_name, who) if d.pupil_name else d.title  # a title naming the pupil
    summary = f"{who}: {title}" if who else title
    return f"Overdue: {summary}" if overdue else summary


def feed_ics(*, visible: Visible, calendar_name: str, absolute, now: datetime) -> bytes:
    """`absolute(path)` makes a page's full address (request.build_absolute_uri)."""
    today = now.date()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", calendar_name)
    for d in visible.items:
        label = visible.pupils.get(d.pupil_id) if d.pupil_id is not None else None
        url = absolute(d.url)
        event = Event()
        event.add("uid", f"{d.kind}:{d.key}@sendcase")
        event.add("dtstamp", now)
        event.add("dtstart", d.due)  # a date: an all-day event (VALUE=DATE)
        event.add("dtend", d.due + timedelta(days=1))
        event.add("summary", event_summary(d, who=str(label) if label else "", overdue=d.is_overdue(today)))
        event.add("url", url)
        rule = f"How the date is counted: {d.rule}\n\n" if d.rule else ""
        event.add("description", f"{rule}Open the step (you will be asked to sign in): {url}")
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()
