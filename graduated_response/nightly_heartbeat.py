"""A nightly run shows it is alive: ``Heartbeat.beat()`` after each step of its work.

A run whose heartbeat is older than ``nightly.ABANDON_AFTER`` is taken for dead and marked Abandoned
(its worker was killed; its work rolled back with its transaction). So a long run must keep beating,
and others must see the beats while it runs. But the run's work is one transaction (nightly.py), and
what a transaction writes is seen by others only once it commits: a beat written there would show
nothing until the run had finished. On PostgreSQL the beat therefore goes through a connection of its
own, committed at once; it touches only the run's own row, which the run's transaction never locks
before its final update (after the last beat), so it cannot wait on the run.

Where that is not possible the beat is written on the run's own connection, and shows when the run
commits: on SQLite (``make run`` and the tests; a second connection would wait for the run's write
lock), and when the run record itself is not committed yet, as inside a test's transaction (no other
connection can see that row anyway).

Beats are at most one a minute (``BEAT_EVERY``): a quick night costs no extra query.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone

from .models import NightlyRun

BEAT_EVERY = timedelta(minutes=1)


class Heartbeat:
    """The heartbeat of the run ``run_pk``, last written at ``last``. Close it when the run ends."""

    def __init__(self, run_pk: int, *, last: datetime, every: timedelta = BEAT_EVERY) -> None:
        self.run_pk = run_pk
        self.last = last
        self.every = every
        self._aside: Any = None  # the connection of its own, opened at the first beat that needs it

    def beat(self) -> None:
        now = timezone.now()
        if now - self.last < self.every:
            return
        self.last = now
        if not self._beat_aside(now):
            NightlyRun.objects.filter(pk=self.run_pk, status=NightlyRun.Status.RUNNING).update(
                heartbeat_at=now
            )

    def _beat_aside(self, now: datetime) -> bool:
        """Write the beat through the connection of its own; False when it was not written there."""
        if connection.vendor != "postgresql" or not connection.in_atomic_block:
            return False  # SQLite; or no transaction open, so the run's own connection commits at once
        if self._aside is None:
            self._aside = connections.create_connection(DEFAULT_DB_ALIAS)
        qn = self._aside.ops.quote_name
        with self._aside.cursor() as cursor:  # autocommit: committed as soon as it is executed
            cursor.execute(
                f"UPDATE {qn(NightlyRun._meta.db_table)} SET {qn('heartbeat_at')} = %s "
                f"WHERE {qn('id')} = %s AND {qn('status')} = %s",
                [now, self.run_pk, NightlyRun.Status.RUNNING.value],
            )
            return cursor.rowcount > 0  # 0: the run's row is not committed yet (see the module notes)

    def close(self) -> None:
        if self._aside is not None:
            self._aside.close()
            self._aside = None
