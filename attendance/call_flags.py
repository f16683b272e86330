"""What the first-day calls list flags about a pupil that the attendance app cannot know itself.

Imports flow one way (school <- attendance <- ... <- graduated_response), so a later app that holds
something the office must see before ringing (an open attendance case) registers a provider in its
``AppConfig.ready()``:

    from attendance import call_flags
    call_flags.register("Open case", open_case_pupil_ids)

A provider takes the school and a list of pupil ids and returns the ids it flags, in one query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

Provider = Callable[..., Iterable[int]]

PROVIDERS: dict[str, Provider] = {}


def register(label: str, provider: Provider) -> None:
    """Add a flag (idempotent: a second ready() in tests replaces the same label)."""
    PROVIDERS[label] = provider


def flags_for(*, school, pupil_ids: list[int]) -> dict[int, list[str]]:
    """Each pupil's flags from the registered providers (one query per provider, none per pupil)."""
    result: dict[int, list[str]] = {pk: [] for pk in pupil_ids}
    if not pupil_ids:
        return result
    for label, provider in PROVIDERS.items():
        for pk in provider(school=school, pupil_ids=pupil_ids):
            if pk in result:
                result[pk].append(label)
    return result
