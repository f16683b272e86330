"""The navigation bar and the htmx panels: each app registers its own, in its AppConfig.ready().

School imports no later app, so a page here cannot link to a later app's views by import. Instead each
app publishes its menu entries and panels by URL name:

    from school.navigation import NavEntry, register
    register(nav=[NavEntry("SEND", "send:dashboard", policy.MANAGE_SEND, order=60)],
             pupil_panels=[NavEntry("SEND", "send:panel_pupil", policy.VIEW_SEND, order=20)])

Every registered name must reverse: a typo or a missing view fails at the first page, and the
navigation test reverses and renders every registered entry for every role. Each entry shows only to
roles holding its capability (and, with `only_if`, passing that test, e.g.
`only_if=policy.has_own_class`); two entries with one URL name (one per capability) show once.
Home panels take no argument; pupil panels take the pupil's pk and must check access themselves
(policy.access_pupil).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from . import policy


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    capability: str
    order: int = 100
    # A further condition on the user at the school (e.g. policy.has_own_class): the entry shows only
    # when it is true as well as the capability held.
    only_if: Callable[..., bool] | None = None


NAV_ENTRIES: list[NavEntry] = []
HOME_PANELS: list[NavEntry] = []
PUPIL_PANELS: list[NavEntry] = []


def register(*, nav=(), home_panels=(), pupil_panels=()) -> None:
    """Add an app's entries (idempotent, so a second ready() in tests adds nothing twice)."""
    for registry, entries in ((NAV_ENTRIES, nav), (HOME_PANELS, home_panels), (PUPIL_PANELS, pupil_panels)):
        for entry in entries:
            if entry not in registry:
                registry.append(entry)
        registry.sort(key=lambda e: e.order)


def _visible(entries: list[NavEntry], user, school) -> list[NavEntry]:
    caps = policy.capabilities(user, school)
    seen, result = set(), []
    for entry in entries:
        if entry.capability in caps and entry.url_name not in seen:
            if entry.only_if is not None and not entry.only_if(user, school):
                continue
            seen.add(entry.url_name)
            result.append(entry)
    return result


def entries_for(user, school) -> list[dict]:
    return [
        {"label": e.label, "url": reverse(e.url_name), "url_name": e.url_name}
        for e in _visible(NAV_ENTRIES, user, school)
    ]


def panels_for(user, school) -> list[dict]:
    return [{"label": e.label, "url": reverse(e.url_name)} for e in _visible(HOME_PANELS, user, school)]


def pupil_panels_for(user, school, pupil) -> list[dict]:
    """The pupil page's panels for this user: those their roles give, and those a case's key adult
    holds for this pupil only (policy.KEY_ADULT_CAPABILITIES through policy.pupils_with)."""
    shown = _visible(PUPIL_PANELS, user, school)
    caps = policy.capabilities(user, school)
    extra = [
        e for e in PUPIL_PANELS if e.capability in policy.KEY_ADULT_CAPABILITIES and e.capability not in caps
    ]
    if extra and policy.key_adult_pupils(user, school).filter(pk=pupil.pk).exists():
        shown = sorted([*shown, *extra], key=lambda e: e.order)
    seen, result = set(), []
    for entry in shown:
        if entry.url_name not in seen:
            seen.add(entry.url_name)
            result.append({"label": entry.label, "url": reverse(entry.url_name, args=[pupil.pk])})
    return result
