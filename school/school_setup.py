"""What a new school needs before anyone uses it, from every app: run once, when the school is created.

School imports no later app, so each app that keeps per-school defaults (the graduated response's tier
bands and checklists, for example) registers a set-up step in its AppConfig.ready():

    from school.school_setup import register_setup_step
    register_setup_step(tier_bands_create_defaults)

`school_create` (school.services) runs every step in the school's creating transaction, so a school
never exists without its defaults, and pages and nightly runs only read them. Steps must be
idempotent: the migration that set up schools created before this existed runs them too.
"""

from __future__ import annotations

from collections.abc import Callable

SETUP_STEPS: list[Callable] = []


def register_setup_step(step: Callable) -> None:
    if step not in SETUP_STEPS:
        SETUP_STEPS.append(step)


def school_set_up(school) -> None:
    for step in SETUP_STEPS:
        step(school)
