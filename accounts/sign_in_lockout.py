"""When a sign-in is refused for too many failures: a cool-off that grows, per username *and* address,
and a higher per-address throttle against password spraying.

- Username and address together: after `FAILURE_LIMIT` (10) failures for one username from one
  address, that pair waits 1 minute; each further failure after the wait doubles it (2, 4, 8 ... minutes),
  up to 24 hours. Someone guessing from elsewhere cannot lock the attendance officer out of school.
  Failures are forgotten a week after the last one, or at once on a correct sign-in.
- One address across usernames (spraying): `ADDRESS_LIMIT` (30) failures from one address within an
  hour and that address waits until fewer than 30 of its failures are in the last hour. A school's
  staff share one public address, so this limit is three times the per-person one, and a failure is
  forgotten as soon as that person signs in correctly.

    >>> cool_off(9), cool_off(10), cool_off(11), cool_off(13)
    (datetime.timedelta(0), datetime.timedelta(seconds=60), datetime.timedelta(seconds=120), datetime.timedelta(seconds=480))
    >>> cool_off(40)
    datetime.timedelta(days=1)
    >>> from datetime import datetime
    >>> at = datetime(2026, 12, 1, 8, 30)
    >>> wait(failures=10, last_failure=at, address_failures=10, now=at.replace(second=30))
    datetime.timedelta(seconds=30)
    >>> wait(failures=10, last_failure=at, address_failures=10, now=at.replace(minute=31)) is None
    True
    >>> wait(failures=1, last_failure=at, address_failures=30, now=at)
    datetime.timedelta(seconds=3600)
"""

from __future__ import annotations

from datetime import datetime, timedelta

FAILURE_LIMIT = 10
FIRST_COOL_OFF = timedelta(minutes=1)
MAX_COOL_OFF = timedelta(hours=24)
FORGET_AFTER = timedelta(days=7)  # longer than MAX_COOL_OFF, so the wait keeps growing for a patient guesser
ADDRESS_LIMIT = 30
ADDRESS_WINDOW = timedelta(hours=1)


def cool_off(failures: int, *, limit: int = FAILURE_LIMIT) -> timedelta:
    """How long a username and address wait after `failures` failures: nothing below the limit,
    1 minute at it, doubling for each failure after that, at most 24 hours."""
    if failures < limit:
        return timedelta(0)
    doublings = failures - limit
    if doublings >= 20:  # 2**20 minutes is far beyond the cap; avoid huge numbers
        return MAX_COOL_OFF
    return min(FIRST_COOL_OFF * 2**doublings, MAX_COOL_OFF)


def wait(
    *,
    failures: int,
    last_failure: datetime | None,
    address_failures: int,
    now: datetime,
    limit: int = FAILURE_LIMIT,
    address_limit: int = ADDRESS_LIMIT,
) -> timedelta | None:
    """How much longer this sign-in must wait, or None when it may go ahead.

    `failures` and `last_failure` are for this username from this address; `address_failures` are
    the failures from this address, for any username, within the last `ADDRESS_WINDOW`."""
    remaining = []
    if last_failure is not None and failures >= limit:
        left = last_failure + cool_off(failures, limit=limit) - now
        if left > timedelta(0):
            remaining.append(left)
    if address_failures >= address_limit:
        # Rolling window: at most an hour until the oldest of these failures falls out of it.
        remaining.append(ADDRESS_WINDOW)
    return max(remaining) if remaining else None
