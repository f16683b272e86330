"""What every SEND write shares."""

from __future__ import annotations

from school import audit


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
