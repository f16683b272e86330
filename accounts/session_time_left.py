"""How long a signed-in session has left (docs: SECURITY.md, "Sessions").

A session ends SESSION_IDLE_SECONDS after the last recorded activity, or SESSION_ABSOLUTE_SECONDS after
sign-in, whichever comes first (accounts.middleware.SessionLimitsMiddleware). The page is told the
seconds left (the X-Session-Seconds-Left header and the body's data-session-seconds-left), and
static/js/session.js warns SESSION_WARNING_SECONDS before the end.

Worked example: signed in at 09:00:00 (t=0), last seen at 09:10:00 (t=600), now 09:15:00 (t=900), with
30 minutes idle and 12 hours in all: the idle limit ends the session at 09:40:00, 25 minutes from now.

>>> seconds_left(started=0, last_seen=600, now=900, idle=1800, absolute=43200)
1500

Near the absolute limit, that one comes first, and a keepalive cannot push it back:

>>> seconds_left(started=0, last_seen=43000, now=43100, idle=1800, absolute=43200)
100
"""

from __future__ import annotations


def seconds_left(*, started: float, last_seen: float, now: float, idle: int, absolute: int) -> int:
    """Whole seconds until the session ends (0 once it has ended; never negative)."""
    ends_at = min(last_seen + idle, started + absolute)
    return max(0, int(ends_at - now))


def has_ended(*, started: float, last_seen: float, now: float, idle: int, absolute: int) -> bool:
    """True when the session must end now: strictly more than `idle` seconds since the last activity, or
    more than `absolute` since sign-in (exactly at the limit it still holds).

    >>> has_ended(started=0, last_seen=0, now=1800, idle=1800, absolute=43200)
    False
    >>> has_ended(started=0, last_seen=0, now=1800.5, idle=1800, absolute=43200)
    True
    """
    return now - started > absolute or now - last_seen > idle
