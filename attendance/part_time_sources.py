"""Who may say that a session is one a pupil on a part-time timetable is not expected in (code ``C2``).

The agreed part-time timetables are kept by the SEND pages (send/models_timetables.py), and the
attendance app cannot import send (imports flow school <- attendance <- letters <- send). So the
attendance app keeps this registry instead: an app that keeps timetables registers, in its
``AppConfig.ready()``, a function ``(pupil_ids, day, session) -> set of pupil ids`` naming the pupils
whose agreed timetable covers that session as one they are not expected in. The register and the
amendment form ask :func:`timetabled_out` before accepting a typed ``C2`` (attendance.code_origins);
with no source registered, nothing covers any session and ``C2`` is refused.

Worked example: Ben's timetable, agreed from 2 November to 11 December, has him in school on Monday
mornings only. A teacher types C2 for him on Tuesday 3 November in the morning: the SEND source names
Ben, so it is accepted. Typed for a pupil with no timetable, it is refused beside the mark.

    >>> sources = []
    >>> register(lambda pupil_ids, day, session: {7} & set(pupil_ids), into=sources)
    >>> timetabled_out(pupil_ids=[7, 8], day=None, session="AM", sources=sources)
    {7}
    >>> timetabled_out(pupil_ids=[8], day=None, session="AM", sources=sources)
    set()
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

Source = Callable[[list[int], date, str], set[int]]

_SOURCES: list[Source] = []


def register(source: Source, *, into: list[Source] | None = None) -> None:
    """Add a source of part-time timetables (once: registering the same function again is ignored)."""
    target = _SOURCES if into is None else into
    if source not in target:
        target.append(source)


def timetabled_out(
    *, pupil_ids: Iterable[int], day: date, session: str, sources: list[Source] | None = None
) -> set[int]:
    """The pupils among ``pupil_ids`` whose agreed part-time timetable covers (day, session) as a session
    they are not expected in; an empty set (no query) when ``pupil_ids`` is empty."""
    ids = list(pupil_ids)
    if not ids:
        return set()
    found: set[int] = set()
    for source in _SOURCES if sources is None else sources:
        found |= set(source(ids, day, session))
    return found
