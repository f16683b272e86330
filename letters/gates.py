"""Checks a later app makes before a letter is produced, registered in its AppConfig.ready().

Letters sits before send and graduated_response in the import order, yet some letters may be produced
only once a later app agrees: a letter that warns of sanctions waits for the joint SENDCo review
(graduated_response/send_gate.py). That app registers its check here, as apps register menu entries
(school.navigation), and letters asks every registered check before producing a letter itself:

    gates.register(sanction_gate)                    # graduated_response.apps.ready()
    gates.refusal(pupil=pupil, code="letter_3a")     # None, or the first check's reason

A check is ``check(*, pupil, code) -> str | None``.

A later app may also want to know when letters were produced here, to record them where it keeps its
history (the attendance case's communication log, with the trigger):

    gates.register_listener(log_meeting_letters)                      # graduated_response.apps.ready()
    gates.letters_produced(actor=user, pupil=pupil, letters=[...], trigger="SAM not attended")

A listener is ``listener(*, actor, pupil, letters, trigger) -> None``, run in the producing transaction.
Likewise ``register_meeting_listener(fn)`` / ``meeting_held(actor=, meeting=)`` when a meeting is
recorded as held (a joint SENDCo review answers the nightly checks' alert).
"""

from __future__ import annotations

from collections.abc import Callable

Check = Callable[..., "str | None"]

_checks: list[Check] = []
_listeners: list[Callable[..., None]] = []
_meeting_listeners: list[Callable[..., None]] = []


def register(check: Check) -> None:
    if check not in _checks:
        _checks.append(check)


def refusal(*, pupil, code: str) -> str | None:
    """The first registered check's reason not to produce ``code`` for ``pupil``; None if all agree."""
    for check in _checks:
        reason = check(pupil=pupil, code=code)
        if reason:
            return reason
    return None


def register_listener(listener: Callable[..., None]) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def letters_produced(*, actor, pupil, letters: list, trigger: str) -> None:
    """Tell every registered listener about letters just produced (in the caller's transaction)."""
    if not letters:
        return
    for listener in _listeners:
        listener(actor=actor, pupil=pupil, letters=letters, trigger=trigger)


def register_meeting_listener(listener: Callable[..., None]) -> None:
    if listener not in _meeting_listeners:
        _meeting_listeners.append(listener)


def meeting_held(*, actor, meeting) -> None:
    """Tell every registered listener that ``meeting`` was recorded as held (in the caller's transaction)."""
    for listener in _meeting_listeners:
        listener(actor=actor, meeting=meeting)
