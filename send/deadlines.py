"""Every SEND deadline of a school, from every source, in one list (the SENDCo's calendar, the iCalendar
feed and the nightly alerts all read this).

A source is a function ``(school, *, today, until) -> Iterable[Deadline]`` registered with
``@deadline_source``. It returns its open items due on or before ``until`` (overdue ones included:
they have no lower bound) in a fixed number of queries, never one per pupil. Sources live beside
their records (needs assessments, annual reviews, part-time timetables) and are imported by
``send.apps.SendConfig.ready`` so that the registry is complete before any request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date as Date

from django.db import transaction

logger = logging.getLogger(__name__)

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


@contextmanager
def registered(*sources: Source) -> Iterator[None]:
    """Register `sources` for the duration of a block (tests), then take them out again.

    Inside the block only these sources are asked, so a test sees its own deadlines and not the
    ones the real sources find in its database; the real registry is put back afterwards."""
    saved = list(_SOURCES)
    _SOURCES[:] = list(sources)
    try:
        yield
    finally:
        _SOURCES[:] = saved


def source_name(source: Source) -> str:
    return f"{getattr(source, '__module__', '?')}.{getattr(source, '__qualname__', repr(source))}"


@dataclass(frozen=True)
class Gathered:
    """Every source's deadlines, and the names of the sources that failed (their items are missing)."""

    items: list[Deadline]
    failed: list[str] = field(default_factory=list)


def gather_deadlines(school, *, today: Date, until: Date) -> Gathered:
    """Ask every source; a source that raises is logged and left out, and the others are kept.

    Each source runs in a savepoint, so a database error in one (inside the nightly run's
    transaction, say) does not abort the queries of the sources after it."""
    items: list[Deadline] = []
    failed: list[str] = []
    for source in list(_SOURCES):
        try:
            with transaction.atomic():
                items.extend(source(school, today=today, until=until))
        except Exception:  # one broken source must not hide every other deadline
            logger.exception("SEND deadline source %s failed for school %s", source_name(source), school.pk)
            failed.append(source_name(source))
    return Gathered(items=sorted(items, key=lambda d: (d.due, d.pupil_name, d.kind)), failed=failed)


def school_deadlines(school, *, today: Date, until: Date) -> list[Deadline]:
    """Open deadlines due by `until` (overdue first), earliest first. A failing source is logged and
    skipped (``gather_deadlines``; use that where the failure must be shown)."""
    return gather_deadlines(school, today=today, until=until).items
