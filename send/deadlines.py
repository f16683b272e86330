"""Every SEND deadline of a school, from every source, in one list (the SENDCo's calendar, the iCalendar
feed and the nightly alerts all read this).

A source is a function ``(school, *, today, until) -> Iterable[Deadline]`` registered with
``@deadline_source``. It returns its open items due on or before ``until`` (overdue ones included:
they have no lower bound) in a fixed number of queries, never one per pupil. Sources live beside
their records (needs assessments, annual reviews, part-time timetables) and are imported by
``send.apps.SendConfig.ready`` so that the registry is complete before any request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date as Date

Source = Callable[..., Iterable["Deadline"]]
_SOURCES: list[Source] = []


@dataclass(frozen=True)
class Deadline:
    #: Namespaced and stable, e.g. "ehcp.review.invitations"; the nightly alert's kind is built from it.
    kind: str
    #: Plain English: "Send the annual review invitations".
    title: str
    due: Date
    pupil_id: int | None
    pupil_name: str
    #: The page where the step is done.
    url: str
    #: The record the deadline belongs to, e.g. "review:12": with `kind`, the alert's period key.
    key: str
    local_authority: str = ""
    #: How the date is counted, shown beside it ("6 weeks from the day the LA received the request").
    rule: str = ""
    #: Who is alerted: role values (school.models.Role), the SENDCo unless the source says more.
    for_roles: tuple[str, ...] = ("sendco",)

    def is_overdue(self, today: Date) -> bool:
        return self.due < today


def deadline_source(fn: Source) -> Source:
    if fn not in _SOURCES:
        _SOURCES.append(fn)
    return fn


def school_deadlines(school, *, today: Date, until: Date) -> list[Deadline]:
    """Open deadlines due by `until` (overdue first), earliest first."""
    items = [item for source in _SOURCES for item in source(school, today=today, until=until)]
    return sorted(items, key=lambda d: (d.due, d.pupil_name, d.kind))
