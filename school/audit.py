"""The one audit trail: who, when, before, after, why.

Services call `record(...)` inside their transaction, so an audit row exists exactly when the change
it describes was committed. `snapshot(instance)` gives a JSON-safe dict of a model's concrete fields.

    before = snapshot(pupil)
    pupil.year_group = 4
    pupil.save()
    record(actor=user, action="school.pupil.changed", obj=pupil, before=before, after=snapshot(pupil),
           reason="Moved up a year")
"""

from datetime import date, datetime, time
from decimal import Decimal

from django.db import models

from .models import AuditEntry, Membership


def _json_value(value):
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "name") and hasattr(value, "storage"):  # FieldFile: keep the stored name only
        return value.name or ""
    return value


def snapshot(instance: models.Model, *, exclude: tuple[str, ...] = ()) -> dict:
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude:
            continue
        data[field.attname] = _json_value(getattr(instance, field.attname))
    return data


def describe_actor(actor, school) -> tuple[str, str]:
    if actor is None:
        return "System", "Automatic"
    roles = Membership.objects.filter(user=actor, is_active=True)
    if school:  # may be request.school, a lazy object wrapping None
        roles = roles.filter(school=school)
    labels = sorted({m.get_role_display() for m in roles})
    return str(actor), ", ".join(labels)


def record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id=None,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    school=None,
    pupil=None,
    actor_role: str | None = None,
) -> AuditEntry:
    """`actor_role`: the actor's role as described before the write, when the write may change it
    (a grant); otherwise it is looked up now."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id is None else object_id
        school = school or getattr(obj, "school", None)
        if pupil is None and obj._meta.label_lower == "school.pupil":
            pupil = obj
        if pupil is None and hasattr(obj, "pupil_id"):
            pupil = obj.pupil
    actor_name, current_role = describe_actor(actor, school)
    actor_role = current_role if actor_role is None else actor_role
    return AuditEntry.objects.create(
        actor=actor,
        actor_name=actor_name[:200],
        actor_role=actor_role[:200],
        school=school,
        pupil=pupil,
        action=action,
        object_type=object_type or "",
        object_id="" if object_id is None else str(object_id),
        object_repr=(str(obj) if obj is not None else "")[:300],
        before=before,
        after=after,
        reason=reason or "",
    )


def record_bulk(*, actor, action: str, entries: list[dict], school=None, reason: str = "") -> None:
    """One audit row per changed object, written in one INSERT (bulk register saves, imports)."""
    actor_name, actor_role = describe_actor(actor, school)
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor=actor,
                actor_name=actor_name[:200],
                actor_role=actor_role[:200],
                school=school,
                pupil_id=entry.get("pupil_id"),
                action=action,
                object_type=entry["object_type"],
                object_id=str(entry.get("object_id") or ""),
                object_repr=str(entry.get("object_repr", ""))[:300],
                before=entry.get("before"),
                after=entry.get("after"),
                reason=entry.get("reason", reason) or "",
            )
            for entry in entries
        ]
    )


def record_view(*, actor, obj: models.Model, action: str, school=None, pupil=None) -> AuditEntry:
    """Record that someone viewed or downloaded a sensitive record (an EHC plan, a medical note,
    a confidential document): who and when, never the content."""
    return record(actor=actor, action=action, obj=obj, school=school, pupil=pupil)
