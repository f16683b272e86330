"""The late-arrival rule: L before the register closes, U after it.

docs/rules.md section 3 (School Attendance Regulations 2024): a pupil who arrives after the
register opens but before it closes is late and present (``L``, with the minutes late recorded); a
pupil who arrives after it closes is absent for the session (``U``, unauthorised).

Minutes late are counted from the moment the register opens, which is also the time pupils must be
in school (the seed school: register open 8.30 to 9.00, pupils in by 8.30). Arriving exactly when the
register closes still counts as before it closed, reading the seed policy's "between 8.35 and 9.00"
as inclusive.

Worked example, register open 8.30 to 9.00 (a 30-minute window):

    >>> from datetime import time
    >>> late_code(minutes_late=12, opens=time(8, 30), closes=time(9, 0))
    'L'
    >>> late_code(minutes_late=30, opens=time(8, 30), closes=time(9, 0))   # arrived 9.00
    'L'
    >>> late_code(minutes_late=31, opens=time(8, 30), closes=time(9, 0))   # arrived 9.01
    'U'
    >>> arrival_time(minutes_late=12, opens=time(8, 30))
    datetime.time(8, 42)
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

__all__ = ["arrival_time", "late_code", "register_window_minutes"]


def register_window_minutes(opens: time, closes: time) -> int:
    """How many minutes the register is open for."""
    start = datetime.combine(datetime.min, opens)
    end = datetime.combine(datetime.min, closes)
    return max(0, int((end - start).total_seconds() // 60))


def arrival_time(*, minutes_late: int, opens: time) -> time:
    return (datetime.combine(datetime.min, opens) + timedelta(minutes=minutes_late)).time()


def late_code(*, minutes_late: int, opens: time, closes: time) -> str:
    """``"L"`` if a pupil this many minutes late arrived by the time the register closed, else ``"U"``."""
    if minutes_late < 0:
        raise ValueError("minutes late cannot be negative")
    return "L" if minutes_late <= register_window_minutes(opens, closes) else "U"
