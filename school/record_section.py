"""The school app's part of a records export: pupil details, contacts, other pupils sharing a contact,
and the audit trail about the pupil."""

from __future__ import annotations

from datetime import date, datetime

from django.apps import apps
from django.db import models
from django.utils.text import capfirst

from .models import AuditEntry, Pupil
from .record_sections import SAFEGUARDING, THIRD_PARTY, Item, describe, key_of, section, text

PUPIL_FIELDS = [*Pupil.DETAIL_FIELDS, "sen_provision"]


@section("pupil", "Pupil details", order=10)
def pupil_details(pupil) -> list[Item]:
    items = [Item(key=key_of(pupil), title="Pupil details", data=describe(pupil, PUPIL_FIELDS))]
    if pupil.safeguarding_status:
        items.append(
            Item(
                key=f"{key_of(pupil)}:safeguarding",
                title="Child in need / child protection status",
                data=describe(pupil, ["safeguarding_status"]),
                flag=SAFEGUARDING,
            )
        )
    return items


@section("contacts", "Contacts", order=11)
def contacts(pupil) -> list[Item]:
    links = list(pupil.contact_links.select_related("contact").order_by("priority", "id"))
    items = []
    for link in links:
        data = {
            "Relationship": link.relationship,
            "Parental responsibility": text(link.parental_responsibility),
        }
        data |= describe(
            link.contact, ["title", "first_name", "last_name", "address", "postcode", "phone", "email"]
        )
        items.append(Item(key=key_of(link), title=str(link.contact), data=data))
    others = (
        Pupil.objects.filter(contact_links__contact_id__in=[link.contact_id for link in links])
        .exclude(pk=pupil.pk)
        .distinct()
        .order_by("legal_last_name", "legal_first_name")
    )
    rows = [{"Name": other.legal_name, "Year": other.get_year_group_display()} for other in others]
    if rows:
        # Another child's name is that child's personal data, not the requester's.
        items.append(
            Item(
                key=f"{key_of(pupil)}:siblings",
                title="Other pupils sharing a contact",
                rows=rows,
                flag=THIRD_PARTY,
            )
        )
    return items


def _touches_safeguarding(entry: AuditEntry) -> bool:
    """True when the row records a child in need / child protection status (not merely a blank one,
    which every snapshot of a pupil carries)."""
    values = {**(entry.before or {}), **(entry.after or {})}
    before = entry.before or {}
    return any("safeguarding" in key and (value or before.get(key)) for key, value in values.items())


# The audit trail is read by the requester: plain words for what was done, not action codes.
ACTION_LABELS = {
    "created": "Created",
    "changed": "Changed",
    "updated": "Changed",
    "amended": "Changed",
    "viewed": "Viewed",
    "downloaded": "Downloaded",
    "uploaded": "Uploaded",
    "rendered": "Letter produced",
    "status_changed": "Status changed",
    "deactivated": "Deactivated",
    "reactivated": "Reactivated",
    "recorded": "Recorded",
    "added": "Added",
    "linked": "Linked",
    "unlinked": "Unlinked",
    "closed": "Closed",
}
# Requests for records are not part of the pupil's records: rows about them (including other people's
# requests and the reviewer's decisions on what to withhold) are never exported.
REQUEST_ACTIONS = "accounts.record_request."
REQUEST_OBJECT_TYPES = ("accounts.recordrequest", "accounts.recorditemdecision")
# Bookkeeping fields that mean nothing to a requester.
HIDDEN_FIELDS = {"id", "created_at", "updated_at", "school_id", "pupil_id"}


def action_label(action: str) -> str:
    """'school.pupil.changed' -> 'Changed'; an unlisted verb is spelt out ('marks_recoded' -> 'Marks recoded')."""
    verb = action.rsplit(".", 1)[-1]
    return ACTION_LABELS.get(verb) or capfirst(verb.replace("_", " "))


def _model_for(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _model_field(model, name: str):
    if model is None:
        return None
    return next((each for each in model._meta.concrete_fields if each.attname == name), None)


def _field_label(model_field, name: str) -> str | None:
    """The human label of a snapshot key, or None for an internal id (a relation's `*_id`)."""
    if name in HIDDEN_FIELDS:
        return None
    if model_field is not None:
        return None if model_field.is_relation else capfirst(str(model_field.verbose_name))
    return None if name.endswith("_id") else capfirst(name.replace("_", " "))


def _shown_value(model_field, value) -> str:
    """A snapshot value (JSON: dates as ISO text, choices as codes) as the requester reads it."""
    if model_field is not None and value not in (None, ""):
        try:
            if model_field.choices:
                value = dict(model_field.flatchoices).get(value, value)
            elif isinstance(model_field, models.DateTimeField):
                value = datetime.fromisoformat(value)
            elif isinstance(model_field, models.DateField):
                value = date.fromisoformat(value)
        except (TypeError, ValueError):  # an old row in another shape: show it as stored
            pass
    return text(value) or "(blank)"


def _changes(entry: AuditEntry) -> str:
    model = _model_for(entry.object_type)
    parts = []
    for name, old, new in entry.changed_fields():
        model_field = _model_field(model, name)
        label = _field_label(model_field, name)
        if label is not None:
            parts.append(f"{label}: {_shown_value(model_field, old)} → {_shown_value(model_field, new)}")
    return "; ".join(parts)


def _audit_row(entry: AuditEntry) -> dict[str, str]:
    return {
        "When": text(entry.at),
        "Who": f"{entry.actor_name} ({entry.actor_role})" if entry.actor_role else entry.actor_name,
        "What": action_label(entry.action),
        "Record": entry.object_repr,
        "Changes": _changes(entry),
        "Reason": entry.reason,
    }


def _about_a_request(entry: AuditEntry) -> bool:
    return entry.action.startswith(REQUEST_ACTIONS) or entry.object_type in REQUEST_OBJECT_TYPES


def _audit_item(key: str, title: str, entries: list[AuditEntry], **extra) -> Item:
    return Item(
        key=key,
        title=title,
        rows=[_audit_row(entry) for entry in entries],
        row_keys=tuple(f"{entry.object_type}:{entry.object_id}" for entry in entries),
        **extra,
    )


@section("audit", "Audit trail about the pupil", order=90)
def audit_trail(pupil) -> list[Item]:
    entries = [
        entry
        for entry in AuditEntry.objects.filter(pupil_id=pupil.pk).order_by("at", "id")
        if not _about_a_request(entry)
    ]
    plain = [entry for entry in entries if not _touches_safeguarding(entry)]
    sensitive = [entry for entry in entries if _touches_safeguarding(entry)]
    items = [_audit_item(f"{key_of(pupil)}:audit", "Who changed or viewed the pupil's records", plain)]
    if sensitive:
        items.append(
            _audit_item(
                f"{key_of(pupil)}:audit-safeguarding",
                "Changes to child in need / child protection status",
                sensitive,
                flag=SAFEGUARDING,
            )
        )
    return items
