"""Contacts (parents and carers) and their links to pupils. A contact may be shared by siblings."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from ..audit import record, snapshot
from ..editing import ensure_unchanged
from ..models import (
    Contact,
    Pupil,
    PupilContact,
    School,
)
from .changes import (
    CONTACT_FIELDS,
    LINK_FIELDS,
    apply_changes,
    check_fields,
)


@transaction.atomic
def contact_create(
    *, actor, school: School, reason: str = "", pupil: Pupil | None = None, **fields
) -> Contact:
    """Create a contact. `pupil` only tags the audit row (the link is made by pupil_contact_link)."""
    check_fields(fields, CONTACT_FIELDS)
    contact = Contact(school=school, **fields)
    contact.full_clean()
    contact.save()
    record(
        actor=actor,
        action="school.contact.created",
        obj=contact,
        after=snapshot(contact),
        reason=reason,
        pupil=pupil,
    )
    return contact


@transaction.atomic
def contact_update(
    *, actor, contact: Contact, reason: str = "", pupil: Pupil | None = None, **changes
) -> bool:
    check_fields(changes, CONTACT_FIELDS)
    return apply_changes(
        contact, changes, actor=actor, action="school.contact.changed", reason=reason, pupil=pupil
    )


@transaction.atomic
def pupil_contact_link(
    *,
    actor,
    pupil: Pupil,
    contact: Contact,
    relationship: str,
    parental_responsibility: bool = False,
    priority: int = 1,
    reason: str = "",
) -> PupilContact:
    if contact.school_id != pupil.school_id:
        raise ValidationError("A pupil can only be linked to a contact of the same school.")
    if PupilContact.objects.filter(pupil=pupil, contact=contact).exists():
        raise ValidationError("That contact is already linked to this pupil.")
    link = PupilContact(
        pupil=pupil,
        contact=contact,
        relationship=relationship,
        parental_responsibility=parental_responsibility,
        priority=priority,
    )
    link.full_clean()
    link.save()
    record(
        actor=actor,
        action="school.contact.linked",
        obj=link,
        after=snapshot(link),
        reason=reason,
        school=pupil.school,
    )
    return link


@transaction.atomic
def pupil_contact_update(*, actor, link: PupilContact, reason: str = "", **changes) -> bool:
    check_fields(changes, LINK_FIELDS)
    return apply_changes(
        link,
        changes,
        actor=actor,
        action="school.contact.link_changed",
        reason=reason,
        school=link.pupil.school,
    )


@transaction.atomic
def pupil_contact_unlink(*, actor, link: PupilContact, reason: str = "") -> None:
    """Remove a contact from a pupil. The contact itself stays (siblings may share it)."""
    before = snapshot(link)
    record(
        actor=actor,
        action="school.contact.unlinked",
        obj=link,
        before=before,
        reason=reason,
        school=link.pupil.school,
    )
    link.delete()


@transaction.atomic
def pupil_contact_add(*, actor, pupil: Pupil, contact_fields: dict, link_fields: dict) -> PupilContact:
    """A new contact for `pupil`, created and linked together (or neither)."""
    contact = contact_create(actor=actor, school=pupil.school, pupil=pupil, **contact_fields)
    return pupil_contact_link(actor=actor, pupil=pupil, contact=contact, **link_fields)


@transaction.atomic
def pupil_contact_edit(
    *, actor, link: PupilContact, contact_fields: dict, link_fields: dict, expected_version: int | None = None
) -> bool:
    """Change a contact's details and how they relate to one pupil, together."""
    ensure_unchanged(link.contact, link, expected_version=expected_version)
    changed = contact_update(actor=actor, contact=link.contact, pupil=link.pupil, **contact_fields)
    return pupil_contact_update(actor=actor, link=link, **link_fields) or changed
