"""What every SEND write shares."""

from __future__ import annotations

from school import audit, editing


def save_audited(*, actor, instance, action: str, reason: str = "", before=None, school=None, pupil=None):
    """full_clean, save and audit one instance (the caller holds the transaction)."""
    instance.full_clean()
    instance.save()
    audit.record(
        actor=actor,
        action=action,
        obj=instance,
        before=before,
        after=audit.snapshot(instance),
        reason=reason,
        school=school or getattr(instance, "school", None),
        pupil=pupil,
    )
    return instance


def with_changes(instance, *, expected_version: int | None, new, fields: dict):
    """The record a save-or-create write works on, and its stored state for the audit's `before`.

    Refuses a stale edit (school.editing), then sets `fields` on the stored record, or on `new()` when
    there is none yet (`before` is then None, so the caller audits a creation)."""
    editing.ensure_unchanged(instance, expected_version=expected_version)
    before = audit.snapshot(instance) if instance and instance.pk else None
    instance = instance or new()
    for name, value in fields.items():
        setattr(instance, name, value)
    return instance, before
