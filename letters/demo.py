"""The letters app's demo data (school/management/commands/seed_demo.py calls build). Each part of the
app adds one line here with its own module."""

from __future__ import annotations

from datetime import date


def build(*, school, rng, today: date) -> None:
    from . import demo_templates

    demo_templates.build(school=school, rng=rng, today=today)
