"""A school: created with every app's defaults, its register times and its kind."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from ..audit import record, snapshot
from ..editing import ensure_unchanged
from ..models import (
    School,
)
from ..school_setup import school_set_up
from .changes import (
    REGISTER_TIME_FIELDS,
    apply_changes,
    check_fields,
)


@transaction.atomic
def school_create(*, actor, trust, name: str, **fields) -> School:
    """A new school of a trust, with every app's defaults set up in the same transaction
    (school.school_setup), so pages and nightly runs never have to create them on the fly."""
    school = School(trust=trust, name=name, **fields)
    school.full_clean()
    school.save()
    school_set_up(school)
    record(actor=actor, action="school.school.created", obj=school, school=school, after=snapshot(school))
    return school


def _minutes(value) -> int:
    return value.hour * 60 + value.minute


@transaction.atomic
def school_update_register_times(
    *, actor, school: School, expected_version: int | None = None, **changes
) -> bool:
    ensure_unchanged(school, expected_version=expected_version)
    check_fields(changes, REGISTER_TIME_FIELDS)
    errors = {}
    am_open = changes.get("am_register_opens", school.am_register_opens)
    am_close = changes.get("am_register_closes", school.am_register_closes)
    pm_open = changes.get("pm_register_opens", school.pm_register_opens)
    pm_close = changes.get("pm_register_closes", school.pm_register_closes)
    if am_close <= am_open:
        errors["am_register_closes"] = "The morning register must close after it opens."
    if pm_close <= pm_open:
        errors["pm_register_closes"] = "The afternoon register must close after it opens."
    for label, opens, closes, key in (
        ("morning", am_open, am_close, "am_register_closes"),
        ("afternoon", pm_open, pm_close, "pm_register_closes"),
    ):
        # Attendance guidance: a register stays open for at most 30 minutes (docs/rules.md section 3).
        if key not in errors and _minutes(closes) - _minutes(opens) > 30:
            errors[key] = f"The {label} register may stay open for at most 30 minutes."
    if pm_open <= am_close:
        errors["pm_register_opens"] = "The afternoon register must open after the morning register closes."
    if errors:
        raise ValidationError(errors)
    return apply_changes(
        school, changes, actor=actor, action="school.school.register_times_changed", reason="", school=school
    )


@transaction.atomic
def school_update_kind(*, actor, school: School, kind: str, expected_version: int | None = None) -> bool:
    """Maintained school or academy: it decides which law sets the deadline for a record request."""
    ensure_unchanged(school, expected_version=expected_version)
    return apply_changes(
        school, {"kind": kind}, actor=actor, action="school.school.kind_changed", reason="", school=school
    )
