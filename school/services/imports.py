"""Import pupils and contacts from a MIS CSV (read by school.pupil_import and school.csv_input)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from .. import selectors
from ..audit import record_bulk, snapshot
from ..class_membership import sync_memberships
from ..csv_input import FileRefused, decode
from ..models import (
    Contact,
    Pupil,
    PupilContact,
    RegistrationClass,
    School,
)
from ..pupil_import import COLUMN_FOR_FIELD, RowError, parse_pupil_csv
from .changes import (
    CONTACT_FIELDS,
    LINK_FIELDS,
    diff_of,
)
from .classes import class_create


@dataclass
class ImportResult:
    errors: list = field(default_factory=list)
    ignored_columns: list = field(default_factory=list)
    applied: bool = False
    pupils_created: int = 0
    pupils_changed: int = 0
    pupils_unchanged: int = 0
    contacts_created: int = 0
    contacts_changed: int = 0
    links_created: int = 0
    links_changed: int = 0
    classes_created: list = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors


def pupil_import(
    *, actor, school: School, data: bytes | str, create_classes: bool = False, dry_run: bool = False
) -> ImportResult:
    """Import pupils and contacts from a MIS CSV in one transaction: all rows or none.

    Re-importing the same file changes nothing and writes no audit rows. With `dry_run` the whole import
    runs and is rolled back, so the counts are exactly what a real import would do.
    """
    try:
        text = decode(data) if isinstance(data, bytes) else data
    except FileRefused as refused:
        return ImportResult(errors=refused.errors)
    class_names = selectors.class_names(school=school)
    parsed = parse_pupil_csv(text, class_names=class_names, create_classes=create_classes)
    result = ImportResult(errors=list(parsed.errors), ignored_columns=parsed.ignored_columns)
    if parsed.errors:
        return result
    with transaction.atomic():
        _ImportWriter(actor=actor, school=school, parsed=parsed, result=result).run()
        if result.errors or dry_run:
            transaction.set_rollback(True)
        else:
            result.applied = True
    return result


IMPORT_REASON = "import"


class _ImportWriter:
    """Applies a valid ParsedFile: a handful of queries for the whole file, never one per pupil to read."""

    def __init__(self, *, actor, school, parsed, result):
        self.actor, self.school, self.parsed, self.result = actor, school, parsed, result
        self.audit: dict[str, list[dict]] = {}

    def run(self) -> None:
        classes = self._classes()
        pupils = self._pupils(classes)
        if self.result.errors:
            return
        self._contacts(pupils)
        for action, entries in self.audit.items():
            record_bulk(
                actor=self.actor, action=action, entries=entries, school=self.school, reason=IMPORT_REASON
            )

    def _audit(self, action: str, obj, *, before=None, after=None, pupil_id=None) -> None:
        self.audit.setdefault(action, []).append(
            {
                "object_type": obj._meta.label_lower,
                "object_id": obj.pk,
                "object_repr": str(obj),
                "before": before,
                "after": after,
                "pupil_id": pupil_id,
            }
        )

    def _classes(self) -> dict[str, RegistrationClass]:
        classes = {c.name: c for c in RegistrationClass.objects.filter(school=self.school)}
        for name, year in sorted(self.parsed.new_classes.items()):
            classes[name] = class_create(actor=self.actor, school=self.school, name=name, year_group=year)
            self.result.classes_created.append(name)
        return classes

    def _pupils(self, classes) -> dict[int, Pupil]:
        """Create and update pupils; returns row number -> saved pupil."""
        existing = {
            p.upn: p for p in Pupil.objects.filter(school=self.school).select_related("registration_class")
        }
        to_create, to_update, changed_fields = [], [], set()
        by_row = {}
        for row in self.parsed.rows:
            values = dict(row.fields)
            if row.class_name is not None:
                values["registration_class"] = classes.get(row.class_name) if row.class_name else None
            pupil = existing.get(row.upn)
            before = snapshot(pupil) if pupil is not None else None
            if pupil is None:
                pupil = Pupil(school=self.school)
            for name, value in values.items():
                setattr(pupil, name, value)
            try:
                pupil.full_clean(
                    exclude=["school", "registration_class"],
                    validate_unique=False,
                    validate_constraints=False,
                )
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    column = COLUMN_FOR_FIELD.get(name, name if name != "__all__" else "")
                    self.result.errors.extend(RowError(row.row, column, m) for m in messages)
                continue
            by_row[row.row] = pupil
            if before is None:
                to_create.append(pupil)
                continue
            old, new = diff_of(before, snapshot(pupil))
            if new:
                to_update.append(pupil)
                changed_fields |= set(new)
                self._audit("school.pupil.changed", pupil, before=old, after=new, pupil_id=pupil.pk)
            else:
                self.result.pupils_unchanged += 1
        if self.result.errors:
            return by_row
        Pupil.objects.bulk_create(to_create)
        for pupil in to_create:
            self._audit("school.pupil.created", pupil, after=snapshot(pupil), pupil_id=pupil.pk)
        if to_update:
            # Snapshots use attnames (registration_class_id); get_field accepts those too.
            Pupil.objects.bulk_update(
                to_update, sorted({Pupil._meta.get_field(a).name for a in changed_fields})
            )
        sync_memberships(to_create + to_update)  # a changed class is a move from today
        self.result.pupils_created, self.result.pupils_changed = len(to_create), len(to_update)
        return by_row

    def _contacts(self, pupils: dict[int, Pupil]) -> None:
        rows = [row for row in self.parsed.rows if row.contacts]
        if not rows:
            return
        contacts = list(Contact.objects.filter(school=self.school))
        by_id = {c.pk: c for c in contacts}
        links = {
            (link.pupil_id, link.contact_id): link
            for link in PupilContact.objects.filter(pupil__school=self.school)
        }
        linked_by_pupil: dict[int, list[Contact]] = {}
        for pupil_id, contact_id in links:
            linked_by_pupil.setdefault(pupil_id, []).append(by_id[contact_id])
        index: dict[tuple[str, ...], Contact] = {}
        for contact in contacts:
            names = (contact.first_name.casefold(), contact.last_name.casefold())
            for detail in (contact.phone.replace(" ", ""), contact.email.casefold()):
                if detail:
                    index.setdefault(names + (detail,), contact)
        seen_in_file: dict[tuple, Contact] = {}
        wanted: dict[int, dict] = {}  # id(contact) -> field values; the last row wins
        link_plans = []
        for row in rows:
            pupil = pupils[row.row]
            for item in row.contacts:
                contact = self._match(item, pupil, linked_by_pupil, seen_in_file, index)
                if contact is None:
                    contact = Contact(
                        school=self.school, first_name=item.first_name, last_name=item.last_name
                    )
                    contacts.append(contact)
                seen_in_file[item.key()] = contact
                wanted.setdefault(id(contact), {}).update(
                    {"first_name": item.first_name, "last_name": item.last_name, **item.fields}
                )
                link_plans.append((pupil, contact, item))
        self._save_contacts(contacts, wanted)
        self._save_links(links, link_plans)

    @staticmethod
    def _match(item, pupil, linked_by_pupil, seen_in_file, index):
        names = (item.first_name.casefold(), item.last_name.casefold())
        for contact in linked_by_pupil.get(pupil.pk, []):
            if (contact.first_name.casefold(), contact.last_name.casefold()) == names:
                return contact
        if item.key() in seen_in_file:
            return seen_in_file[item.key()]
        for detail in (
            item.fields.get("phone", "").replace(" ", ""),
            item.fields.get("email", "").casefold(),
        ):
            if detail and names + (detail,) in index:
                return index[names + (detail,)]
        return None

    def _save_contacts(self, contacts, wanted) -> None:
        new, changed = [], []
        for contact in contacts:
            values = wanted.get(id(contact))
            if values is None:
                continue
            before = snapshot(contact) if contact.pk else None
            for name, value in values.items():
                setattr(contact, name, value)
            if before is None:
                new.append(contact)
                continue
            old, after = diff_of(before, snapshot(contact))
            if after:
                changed.append((contact, old, after))
        Contact.objects.bulk_create(new)
        for contact in new:
            self._audit("school.contact.created", contact, after=snapshot(contact))
        if changed:
            Contact.objects.bulk_update([c for c, _, _ in changed], sorted(CONTACT_FIELDS))
        for contact, old, after in changed:
            self._audit("school.contact.changed", contact, before=old, after=after)
        self.result.contacts_created, self.result.contacts_changed = len(new), len(changed)

    def _save_links(self, links, plans) -> None:
        new: dict[tuple[int, int], PupilContact] = {}
        # link id -> (link, its values before this import, its values after)
        changed: dict[int, tuple[PupilContact, dict, dict]] = {}
        for pupil, contact, item in plans:
            values = {"relationship": item.relationship, "priority": item.slot}
            if item.parental_responsibility is not None:
                values["parental_responsibility"] = item.parental_responsibility
            link = links.get((pupil.pk, contact.pk)) or new.get((pupil.pk, contact.pk))
            if link is None:
                new[(pupil.pk, contact.pk)] = PupilContact(pupil=pupil, contact=contact, **values)
                continue
            before = snapshot(link)
            for name, value in values.items():
                setattr(link, name, value)
            if link.pk:
                old, after = diff_of(before, snapshot(link))
                if after:
                    changed[link.pk] = (link, changed.get(link.pk, (None, old))[1], after)
        PupilContact.objects.bulk_create(list(new.values()))
        for link in new.values():
            self._audit("school.contact.linked", link, after=snapshot(link), pupil_id=link.pupil_id)
        if changed:
            PupilContact.objects.bulk_update([c for c, _, _ in changed.values()], sorted(LINK_FIELDS))
        for link, old, after in changed.values():
            self._audit("school.contact.link_changed", link, before=old, after=after, pupil_id=link.pupil_id)
        self.result.links_created, self.result.links_changed = len(new), len(changed)
