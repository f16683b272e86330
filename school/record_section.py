"""The school app's part of a records export: pupil details, contacts, other pupils sharing a contact,
and the audit trail about the pupil."""

from __future__ import annotations

from .models import AuditEntry, Pupil
from .record_sections import SAFEGUARDING, THIRD_PARTY, Item, describe, key_of, section, text

PUPIL_FIELDS = [
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
    *Pupil.FLAG_FIELDS,
    "sen_provision",
]


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


def _audit_row(entry: AuditEntry) -> dict[str, str]:
    changes = "; ".join(f"{key}: {text(old)} -> {text(new)}" for key, old, new in entry.changed_fields())
    return {
        "When": text(entry.at),
        "Who": f"{entry.actor_name} ({entry.actor_role})" if entry.actor_role else entry.actor_name,
        "What": entry.action,
        "Record": entry.object_repr,
        "Changes": changes,
        "Reason": entry.reason,
    }


@section("audit", "Audit trail about the pupil", order=90)
def audit_trail(pupil) -> list[Item]:
    entries = list(AuditEntry.objects.filter(pupil_id=pupil.pk).order_by("at", "id"))
    plain = [_audit_row(entry) for entry in entries if not _touches_safeguarding(entry)]
    sensitive = [_audit_row(entry) for entry in entries if _touches_safeguarding(entry)]
    items = [
        Item(key=f"{key_of(pupil)}:audit", title="Who changed or viewed the pupil's records", rows=plain)
    ]
    if sensitive:
        items.append(
            Item(
                key=f"{key_of(pupil)}:audit-safeguarding",
                title="Changes to child in need / child protection status",
                rows=sensitive,
                flag=SAFEGUARDING,
            )
        )
    return items
