"""Nightly alerts for SEND deadlines: a step due in the next 14 days, and a step overdue.

Every SEND deadline of the school comes from ``send.deadlines.school_deadlines`` (needs assessments,
annual reviews, part-time timetables: each source in a fixed number of queries, none per pupil; a
source that fails is logged and skipped, so the other deadlines are still alerted). Each becomes at
most two alerts over its life, because the alert's period key is the deadline's kind, key and due
date and the alerts' unique constraints make a repeated night a no-op:

* ``send_deadline_due`` once it is due within ``HORIZON_DAYS`` (today included);
* ``send_deadline_overdue`` once its due date has passed (one more alert, for the same step).

A due date worked out again (a meeting moved) is a new period, so the new date is alerted too.

Worked example: on 2 December 2026, invitations due on 10 December are "due", the report due on
1 December is "overdue", and a step due on 17 December is not alerted yet:

    >>> from datetime import date
    >>> from send.deadlines import Deadline
    >>> def step(day): return Deadline(kind="ehcp.review.invitations", title="Send the invitations",
    ...     due=date(2026, 12, day), pupil_id=1, pupil_name="A B", url="/send/x/", key="review:7")
    >>> today = date(2026, 12, 2)
    >>> [alert_kind(step(d), today) for d in (10, 1, 16, 17)]
    ['send_deadline_due', 'send_deadline_overdue', 'send_deadline_due', None]
    >>> period_key(step(10))
    'ehcp.review.invitations|review:7|2026-12-10'
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from school.models import Pupil
from send.deadlines import Deadline, school_deadlines

from .triggers import AlertDraft, Kind

HORIZON_DAYS = 14
PERIOD_KEY_MAX = 60  # Alert.period_key's length


def alert_kind(deadline: Deadline, today: date) -> str | None:
    if deadline.due < today:
        return Kind.SEND_DEADLINE_OVERDUE
    if deadline.due <= today + timedelta(days=HORIZON_DAYS):
        return Kind.SEND_DEADLINE_DUE
    return None


def period_key(deadline: Deadline) -> str:
    """The deadline's kind, key and due date; hashed (keeping the date) if too long for the column."""
    key = f"{deadline.kind}|{deadline.key}|{deadline.due.isoformat()}"
    if len(key) <= PERIOD_KEY_MAX:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[: PERIOD_KEY_MAX - 11]
    return f"{digest}|{deadline.due.isoformat()}"


def _message(deadline: Deadline, kind: str) -> str:
    # The pupil first, then the step as its own sentence: a title such as "Annual review due" or "The
    # part-time timetable ends: end it, or extend it" cannot be followed by "for <pupil> is due on".
    who = deadline.pupil_name or ""
    la = f" ({deadline.local_authority})" if deadline.local_authority else ""
    lead = f"{who}{la}: " if who or la else ""
    when = (
        f"It was due on {deadline.due:%-d %B %Y} and is overdue."
        if kind == Kind.SEND_DEADLINE_OVERDUE
        else f"It is due on {deadline.due:%-d %B %Y}."
    )
    # Rules are written as sentences ending in a full stop: don't add a second one.
    rule = f" How the date is counted: {deadline.rule.rstrip('.')}." if deadline.rule else ""
    return f"{lead}{deadline.title.rstrip('.')}. {when}{rule}"


def deadline_draft(deadline: Deadline, today: date) -> AlertDraft | None:
    kind = alert_kind(deadline, today)
    if kind is None:
        return None
    return AlertDraft(
        kind=kind,
        period_key=period_key(deadline),
        message=_message(deadline, kind),
        figures={
            "url": deadline.url,
            "due": deadline.due.isoformat(),
            "deadline_kind": deadline.kind,
            "key": deadline.key,
            "local_authority": deadline.local_authority,
        },
        for_roles=tuple(deadline.for_roles),
    )


def send_deadline_drafts(*, school, on: date) -> list[tuple[int | None, AlertDraft]]:
    """(pupil id, draft) for the night of `on`: what is overdue and what is due within 14 days."""
    drafts = []
    for deadline in school_deadlines(school, today=on, until=on + timedelta(days=HORIZON_DAYS)):
        draft = deadline_draft(deadline, on)
        if draft is not None:
            drafts.append((deadline.pupil_id, draft))
    # One query: an item naming a pupil who is not this school's (a source's mistake) is not alerted
    # here, where it would show one school another's pupil (or fail the night's insert).
    ids = {pupil_id for pupil_id, _ in drafts if pupil_id is not None}
    ours = set(Pupil.objects.filter(school=school, pk__in=ids).values_list("pk", flat=True)) if ids else set()
    return [(pupil_id, d) for pupil_id, d in drafts if pupil_id is None or pupil_id in ours]
