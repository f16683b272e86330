"""Who a letter about a pupil goes to: every contact with parental responsibility, one letter per
postal address (parents who live together get one letter with both names; parents living apart get
one each). Contacts without parental responsibility (a grandparent, a childminder) get none.

``group_addressees`` is the pure rule; ``addressees(pupil)`` reads the pupil's contacts (one query).

    >>> rows = [
    ...     ContactRow(1, "Ms", "Anna", "Brown", "1 Oak Road\\nTown", "AB1 2CD", "English", "a@x.org"),
    ...     ContactRow(2, "Mr", "Colin", "Brown", "1 oak road\\n town ", "ab12cd", "Polish", ""),
    ...     ContactRow(3, "", "Dee", "Smith", "9 Elm Street", "EF3 4GH", "", ""),
    ... ]
    >>> [(a.name, a.contact_ids, a.language) for a in group_addressees(rows)]
    [('Ms A Brown and Mr C Brown', (1, 2), 'English'), ('Dee Smith', (3,), 'English')]
    >>> group_addressees([])
    []
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

__all__ = ["Addressee", "ContactRow", "addressees", "addressees_by_pupil", "group_addressees"]


@dataclass(frozen=True)
class Addressee:
    name: str
    address: str
    contact_ids: tuple[int, ...]
    language: str
    email: str


class ContactRow(NamedTuple):
    pk: int
    title: str
    first_name: str
    last_name: str
    address: str
    postcode: str
    language: str
    email: str


def _salutation_name(row: ContactRow) -> str:
    """ "Ms A Brown" with a title, "Anna Brown" without one (an initial alone reads oddly)."""
    if row.title:
        initial = f"{row.first_name[:1]} " if row.first_name else ""
        return f"{row.title} {initial}{row.last_name}".strip()
    return f"{row.first_name} {row.last_name}".strip()


def _address_key(row: ContactRow) -> str:
    """Two addresses are the same when they match ignoring case, spaces and punctuation."""
    key = re.sub(r"[^a-z0-9]", "", f"{row.address}{row.postcode}".lower())
    return key or f"contact-{row.pk}"  # no address: a letter of their own (handed over, not posted)


def _full_address(row: ContactRow) -> str:
    lines = [line.strip() for line in row.address.splitlines() if line.strip()]
    postcode = row.postcode.strip()
    if postcode and postcode.replace(" ", "").upper() not in "".join(lines).replace(" ", "").upper():
        lines.append(postcode.upper())
    return "\n".join(lines)


def group_addressees(rows: list[ContactRow]) -> list[Addressee]:
    """One Addressee per distinct address, in the order of ``rows`` (contact priority)."""
    groups: dict[str, list[ContactRow]] = {}
    for row in rows:
        groups.setdefault(_address_key(row), []).append(row)
    result = []
    for members in groups.values():
        first = members[0]
        language = next((m.language for m in members if m.language), "") or "English"
        result.append(
            Addressee(
                name=" and ".join(_salutation_name(m) for m in members),
                address=_full_address(first),
                contact_ids=tuple(m.pk for m in members),
                language=language,
                email=next((m.email for m in members if m.email), ""),
            )
        )
    return result


def _row(contact) -> ContactRow:
    return ContactRow(
        contact.pk,
        contact.title,
        contact.first_name,
        contact.last_name,
        contact.address,
        contact.postcode,
        (contact.preferred_language or "").strip(),
        contact.email,
    )


def _parental_links(pupil_ids):
    from school.models import PupilContact

    return (
        PupilContact.objects.filter(pupil_id__in=pupil_ids, parental_responsibility=True)
        .select_related("contact")
        .order_by("priority", "id")
    )


def addressees(pupil) -> list[Addressee]:
    """The pupil's addressees: contacts with parental responsibility, grouped by address (one query)."""
    return group_addressees([_row(link.contact) for link in _parental_links([pupil.pk])])


def addressees_by_pupil(pupil_ids) -> dict[int, list[Addressee]]:
    """Addressees of many pupils in one query (a batch's review and build); a pupil with no contact
    with parental responsibility is missing from the dict."""
    rows: dict[int, list[ContactRow]] = {}
    for link in _parental_links(list(pupil_ids)):
        rows.setdefault(link.pupil_id, []).append(_row(link.contact))
    return {pupil_id: group_addressees(found) for pupil_id, found in rows.items()}
