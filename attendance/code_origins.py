"""Where a code may come from: three codes record a fact that one person's register entry cannot make true.

- ``#`` (planned whole-school closure) is the school calendar's: it is written when a closure day is
  added (``attendance.closures``), never typed for one pupil on a day the school is open.
- ``Z`` (prospective pupil not yet on roll) is only for sessions outside the pupil's dates on roll.
- ``C`` (leave of absence, exceptional circumstances) is only the headteacher's to give, through a
  granted leave request covering the session (``attendance.services.leave_request_decide``).
- ``C2`` (temporary part-time timetable) is only for a session an agreed part-time timetable covers as
  one the pupil is not expected in (``attendance.part_time_sources``: the SEND pages keep the timetables
  and pre-code these sessions themselves).

The register screen and the amendment form both ask :func:`origin_problem` before saving a new code;
the CSV import of history does not (an MIS export carries these codes legitimately).

Worked example: office staff type ``#`` for one pupil on an open Monday, ``Z`` for a pupil on roll,
and ``C`` with no leave decision, and a teacher types ``C2`` for a pupil no timetable covers; each is
refused with the reason. ``I`` is never restricted.

    >>> origin_problem("#", closed=False, on_roll=True, leave_granted=False)
    '# (planned whole-school closure) comes only from the school calendar: add a closure day instead.'
    >>> origin_problem("#", closed=True, on_roll=True, leave_granted=False) is None
    True
    >>> origin_problem("Z", closed=False, on_roll=False, leave_granted=False) is None
    True
    >>> origin_problem("I", closed=False, on_roll=True, leave_granted=False) is None
    True
    >>> origin_problem("C2", closed=False, on_roll=True, leave_granted=False, timetabled=True) is None
    True
    >>> origin_problem("C2", closed=False, on_roll=True, leave_granted=False)[:40]
    'C2 (temporary part-time timetable) is on'
"""

from __future__ import annotations

#: The code a closure gives the marks already on its sessions (STATUTORY_RULES.md section 1): a planned
#: closure (INSET, a planned or other closure, a bank holiday) is ``#``; a whole school site closed
#: unexpectedly is ``Y4`` (the 2024 replacement for the withdrawn ``Y``). Both are not possible sessions.
CLOSURE_CODES = {"inset": "#", "planned": "#", "bank_holiday": "#", "other": "#", "unexpected": "Y4"}

#: The codes whose origin is checked.
RESTRICTED_CODES = frozenset({"#", "Z", "C", "C2"})

C2_REFUSAL = (
    "C2 (temporary part-time timetable) is only for a session the pupil's agreed part-time timetable "
    "says they are not in school, and no timetable covers this session. The SENDCo or the headteacher "
    "records the timetable in the SEND pages, which code its sessions C2."
)


def origin_problem(
    code: str, *, closed: bool, on_roll: bool, leave_granted: bool, timetabled: bool = False
) -> str | None:
    """Why ``code`` cannot be entered for this session, or None when it can.

    ``closed``: the school calendar has the session closed. ``on_roll``: the pupil is on roll that day.
    ``leave_granted``: a headteacher's granted leave request with code C covers the session.
    ``timetabled``: an agreed part-time timetable covers the session as one the pupil is not expected
    in (attendance.part_time_sources).
    """
    if code == "#" and not closed:
        return (
            "# (planned whole-school closure) comes only from the school calendar: add a closure day instead."
        )
    if code == "Z" and on_roll:
        return "Z (not yet on roll) is only for days before the pupil joined; this pupil is on roll that day."
    if code == "C2" and not timetabled:
        return C2_REFUSAL
    if code == "C" and not leave_granted:
        return (
            "C (leave of absence) is recorded only when the headteacher grants a leave request "
            "covering this session: record a leave request instead."
        )
    return None


def closure_code(kind: str) -> str:
    """The code for marks on a session the school closes, by the closure's kind.

    >>> closure_code("inset"), closure_code("unexpected")
    ('#', 'Y4')
    """
    return CLOSURE_CODES[kind]
