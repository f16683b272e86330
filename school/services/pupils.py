"""Pupils: created and changed one at a time (the MIS import is imports.py)."""

from __future__ import annotations

from django.db import transaction

from ..audit import record, snapshot
from ..class_membership import sync_memberships
from ..editing import ensure_unchanged
from ..models import (
    Pupil,
    School,
)
from .changes import (
    PUPIL_FIELDS,
    apply_changes,
    check_fields,
)


@transaction.atomic
def pupil_create(*, actor, school: School, reason: str = "", **fields) -> Pupil:
    check_fields(fields, PUPIL_FIELDS)
    pupil = Pupil(school=school, **fields)
    pupil.full_clean()
    pupil.save()
    sync_memberships([pupil])
    record(actor=actor, action="school.pupil.created", obj=pupil, after=snapshot(pupil), reason=reason)
    return pupil


@transaction.atomic
def pupil_update(
    *, actor, pupil: Pupil, reason: str = "", expected_version: int | None = None, **changes
) -> bool:
    """Change a pupil's details. Returns whether anything changed; an unchanged save writes no audit row."""
    ensure_unchanged(pupil, expected_version=expected_version)
    check_fields(changes, PUPIL_FIELDS)
    changed = apply_changes(pupil, changes, actor=actor, action="school.pupil.changed", reason=reason)
    if changed:  # a class changed on the form is a move from today (pupil_class_move for another day)
        sync_memberships([pupil])
    return changed
