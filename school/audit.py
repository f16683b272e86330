"""The one audit trail: who, when, before, after, why.

Services call `record(...)` inside their transaction, so an audit row exists exactly when the change
it describes was committed. Each row is hash-chained to the one before (school.audit_chain; check with
`manage.py audit_verify`), and the pupil's and contacts' personal values in it are kept in the pupil's
AuditSubject, not in the row (school.audit_seal), so erasure at the end of retention leaves the chain
whole. Rows are read back with `entry.object_repr`, `.before`, `.after` and `.reason` as always; filter
on the stored `sealed_*` fields. `snapshot(instance)` gives a JSON-safe dict of a model's concrete fields.

    before = snapshot(pupil)
    pupil.year_group = 4
    pupil.save()
    record(actor=user, action="school.pupil.changed", obj=pupil, before=before, after=snapshot(pupil),
           reason="Moved up a year")
"""

import secrets
from datetime import date, datetime, time
from decimal import Decimal

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from . import audit_chain, audit_seal
from .models import AuditEntry, AuditSubject, Membership, Pupil, PupilContact, Role


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
        # A trust lead's membership at one school reaches every school of the trust (policy.roles_at):
        # their rows elsewhere in the trust say "Trust lead", not nothing.
        roles = roles.filter(Q(school=school) | Q(role=Role.TRUST_LEAD, school__trust_id=school.trust_id))
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
    entry = AuditEntry(
        actor=actor,
        actor_name=actor_name[:200],
        actor_role=actor_role[:200],
        school=school,
        pupil_id=getattr(pupil, "pk", pupil),
        action=action,
        object_type=object_type or "",
        object_id="" if object_id is None else str(object_id),
    )
    _write([entry], [((str(obj) if obj is not None else "")[:300], before, after, reason or "")])
    return entry


def record_bulk(*, actor, action: str, entries: list[dict], school=None, reason: str = "") -> None:
    """One audit row per changed object, written in one INSERT (bulk register saves, imports)."""
    actor_name, actor_role = describe_actor(actor, school)
    rows = [
        AuditEntry(
            actor=actor,
            actor_name=actor_name[:200],
            actor_role=actor_role[:200],
            school=school,
            pupil_id=entry.get("pupil_id"),
            action=action,
            object_type=entry["object_type"],
            object_id=str(entry.get("object_id") or ""),
        )
        for entry in entries
    ]
    contents = [
        (
            str(entry.get("object_repr", ""))[:300],
            entry.get("before"),
            entry.get("after"),
            entry.get("reason", reason) or "",
        )
        for entry in entries
    ]
    _write(rows, contents)


@transaction.atomic
def _write(rows: list[AuditEntry], contents: list[tuple]) -> None:
    """Seal each row's personal values into its pupil's subject record, chain the rows and insert
    them, all under the chain lock (so subjects and chain links are never raced)."""
    if not rows:
        return
    audit_chain.lock_chain()
    subjects = subjects_for({row.pupil_id for row in rows if row.pupil_id})
    now = timezone.now()
    for row, (text, before, after, reason) in zip(rows, contents, strict=True):
        row.at = now
        subject, sealer = subjects.get(row.pupil_id, (None, None))
        audit_seal.seal_row(
            row, subject, sealer, text, audit_chain.normalise(before), audit_chain.normalise(after), reason
        )
    audit_chain.link(rows)
    if len(rows) == 1:
        rows[0].save(force_insert=True)
    else:
        AuditEntry.objects.bulk_create(rows)
    for subject, sealer in subjects.values():
        if sealer.changed:
            subject.values = sealer.values
            AuditSubject.objects.filter(pk=subject.pk).update(values=sealer.values)


def subjects_for(pupil_ids: set[int]) -> dict[int, tuple[AuditSubject, audit_seal.Sealer]]:
    """Each pupil's audit subject (created on first mention, seeded with the pupil's and their
    contacts' details) and a sealer for it. An erased subject gets no sealer: nothing new is ever
    written about a pupil whose records were deleted."""
    subjects = {s.pupil_id: s for s in AuditSubject.objects.filter(pupil_id__in=pupil_ids)}
    missing = sorted(set(pupil_ids) - set(subjects))
    if missing:
        subjects.update({s.pupil_id: s for s in _create_subjects(missing)})
    return {
        pid: (subject, audit_seal.Sealer(subject.code, subject.values))
        for pid, subject in subjects.items()
        if subject.erased_at is None
    }


def _create_subjects(pupil_ids: list[int]) -> list[AuditSubject]:
    seeds: dict[int, list[str]] = {pid: [] for pid in pupil_ids}
    for pupil in Pupil.objects.filter(pk__in=pupil_ids):
        seeds[pupil.pk] += audit_seal.pupil_values(pupil)
    fields = ("first_name", "last_name", "address", "postcode", "phone", "email")
    for link in PupilContact.objects.filter(pupil_id__in=pupil_ids).values(
        "pupil_id", *(f"contact__{f}" for f in fields)
    ):
        seeds[link["pupil_id"]] += audit_seal.contact_values({f: link[f"contact__{f}"] for f in fields})
    codes = _new_codes(len(pupil_ids))
    subjects = [
        AuditSubject(
            pupil_id=pid, code=code, values=list(dict.fromkeys(seeds[pid])), salt=secrets.token_hex(16)
        )
        for pid, code in zip(pupil_ids, codes, strict=True)
    ]
    return AuditSubject.objects.bulk_create(subjects)


def _new_codes(count: int) -> list[str]:
    """Random pseudonyms ("P-7F3A9C"), unique: never derived from the pupil, so they reveal nothing."""
    codes: set[str] = set()
    while len(codes) < count:
        fresh = {f"P-{secrets.token_hex(3).upper()}" for _ in range(count - len(codes))}
        codes |= fresh - set(AuditSubject.objects.filter(code__in=fresh).values_list("code", flat=True))
    return sorted(codes)


def erase_subject(pupil_id: int) -> None:
    """End of retention: forget the pupil's personal values; rows keep the pseudonym."""
    AuditSubject.objects.filter(pupil_id=pupil_id).update(values=[], salt="", erased_at=timezone.now())


def record_view(*, actor, obj: models.Model, action: str, school=None, pupil=None) -> AuditEntry:
    """Record that someone viewed or downloaded a sensitive record (an EHC plan, a medical note,
    a confidential document): who and when, never the content."""
    return record(actor=actor, action=action, obj=obj, school=school, pupil=pupil)
