"""Writes for the school app: one function per use case, keyword-only, atomic, audited.

This module holds what they share (the fields each may change, one audited save of a change).

Every function validates with `full_clean()` (a `ValidationError` reaches the form beside the field)
and writes its audit row inside the same transaction, so the audit exists exactly when the change does.
Pupils are never deleted here (retention is a separate, audited process); memberships are deactivated.

    pupil = pupil_create(actor=head, school=school, upn="Z801234567890", legal_first_name="Ada", ...)
    pupil_update(actor=head, pupil=pupil, year_group=4, reason="Moved up")  # audits only what changed
"""

from __future__ import annotations

from ..audit import record, snapshot
from ..models import (
    Pupil,
)

PUPIL_FIELDS = frozenset(
    {
        "upn",
        "legal_first_name",
        "legal_last_name",
        "preferred_first_name",
        "preferred_last_name",
        "date_of_birth",
        "sex",
        "year_group",
        "registration_class",
        "admission_date",
        "leaving_date",
        "safeguarding_status",
        *Pupil.FLAG_FIELDS,
    }
)


CONTACT_FIELDS = frozenset(
    {"title", "first_name", "last_name", "address", "postcode", "phone", "email", "preferred_language"}
)


LINK_FIELDS = frozenset({"relationship", "parental_responsibility", "priority"})


CLASS_FIELDS = frozenset({"name", "year_group"})


REGISTER_TIME_FIELDS = frozenset(
    {"am_register_opens", "am_register_closes", "pm_register_opens", "pm_register_closes"}
)


def check_fields(fields: dict, allowed: frozenset[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Unexpected fields: {', '.join(sorted(unknown))}")


def diff_of(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the keys that changed, so an audit row says exactly what moved."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


def apply_changes(instance, changes: dict, *, actor, action: str, reason: str, **audit_kwargs) -> bool:
    """Set `changes`, validate, save and audit. Returns False (and writes nothing) when nothing changed."""
    before = snapshot(instance)
    for name, value in changes.items():
        setattr(instance, name, value)
    instance.full_clean()
    old, new = diff_of(before, snapshot(instance))
    if not new:
        return False
    instance.save()
    record(actor=actor, action=action, obj=instance, before=old, after=new, reason=reason, **audit_kwargs)
    return True
