"""Writes for the school app: one function per use case, keyword-only, atomic, audited.

Every function validates with `full_clean()` (a `ValidationError` reaches the form beside the field)
and writes its audit row inside the same transaction, so the audit exists exactly when the change does.
Pupils are never deleted here (retention is a separate, audited process); memberships are deactivated.

    pupil = pupil_create(actor=head, school=school, upn="Z801234567890", legal_first_name="Ada", ...)
    pupil_update(actor=head, pupil=pupil, year_group=4, reason="Moved up")  # audits only what changed
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from . import policy, role_grants
from .audit import describe_actor, record, record_bulk, snapshot
from .calendar import SchoolCalendar, closure_date_refusal
from .class_membership import sync_memberships
from .editing import ensure_unchanged
from .models import (
    AcademicYear,
    ClosureDay,
    Contact,
    Membership,
    Pupil,
    PupilContact,
    RegistrationClass,
    Role,
    School,
    TermPeriod,
)
from .pupil_import import COLUMN_FOR_FIELD, RowError, decode, parse_pupil_csv
from .school_setup import school_set_up

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


def _check_fields(fields: dict, allowed: frozenset[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Unexpected fields: {', '.join(sorted(unknown))}")


def _diff(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the keys that changed, so an audit row says exactly what moved."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


def _apply_changes(instance, changes: dict, *, actor, action: str, reason: str, **audit_kwargs) -> bool:
    """Set `changes`, validate, save and audit. Returns False (and writes nothing) when nothing changed."""
    before = snapshot(instance)
    for name, value in changes.items():
        setattr(instance, name, value)
    instance.full_clean()
    old, new = _diff(before, snapshot(instance))
    if not new:
        return False
    instance.save()
    record(actor=actor, action=action, obj=instance, before=old, after=new, reason=reason, **audit_kwargs)
    return True


# --- pupils ---------------------------------------------------------------------------------------
@transaction.atomic
def school_create(*, actor, trust, name: str, **fields) -> School:
    """A new school of a trust, with every app's defaults set up in the same transaction
    (school.school_setup), so pages and nightly runs never have to create them on the fly."""
    school = School(trust=trust, name=name, **fields)
    school.full_clean()
    school.save()
    school_set_up(school)
    record(actor=actor, action="school.school.created", obj=school, school=school, after=snapshot(school))
    return school


@transaction.atomic
def pupil_create(*, actor, school: School, reason: str = "", **fields) -> Pupil:
    _check_fields(fields, PUPIL_FIELDS)
    pupil = Pupil(school=school, **fields)
    pupil.full_clean()
    pupil.save()
    sync_memberships([pupil])
    record(actor=actor, action="school.pupil.created", obj=pupil, after=snapshot(pupil), reason=reason)
    return pupil


@transaction.atomic
def pupil_update(
    *, actor, pupil: Pupil, reason: str = "", expected_version: int | None = None, **changes
) -> bool:
    """Change a pupil's details. Returns whether anything changed; an unchanged save writes no audit row."""
    ensure_unchanged(pupil, expected_version=expected_version)
    _check_fields(changes, PUPIL_FIELDS)
    changed = _apply_changes(pupil, changes, actor=actor, action="school.pupil.changed", reason=reason)
    if changed:  # a class changed on the form is a move from today (pupil_class_move for another day)
        sync_memberships([pupil])
    return changed


# --- contacts -------------------------------------------------------------------------------------
@transaction.atomic
def contact_create(
    *, actor, school: School, reason: str = "", pupil: Pupil | None = None, **fields
) -> Contact:
    """Create a contact. `pupil` only tags the audit row (the link is made by pupil_contact_link)."""
    _check_fields(fields, CONTACT_FIELDS)
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
    _check_fields(changes, CONTACT_FIELDS)
    return _apply_changes(
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
    _check_fields(changes, LINK_FIELDS)
    return _apply_changes(
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


# --- staff and memberships ------------------------------------------------------------------------
def _membership_snapshot(membership: Membership) -> dict:
    data = snapshot(membership, exclude=("created_at",))
    data["username"] = membership.user.get_username()
    return data


def _check_grant(*, actor, school: School, user, role: str) -> None:
    """Refuse (beside the role field) a grant the rule in role_grants does not allow.

    `actor=None` is the command line (`manage.py grant_role`), which may grant anything."""
    grantor_roles = None if actor is None else policy.roles_at(actor, school)
    is_self = actor is not None and user is not None and user.pk == actor.pk
    refusal = role_grants.grant_refusal(role=role, grantor_roles=grantor_roles, is_self=is_self)
    if refusal:
        raise ValidationError({"role": refusal})


def _actor_role_before(actor, school: School) -> str:
    """The actor's roles as they were before this write, so a grant's audit row cannot show the
    role it has just given."""
    return describe_actor(actor, school)[1]


@transaction.atomic
def membership_create(*, actor, school: School, user, role: str, reason: str = "") -> Membership:
    """Give `user` a role at `school`, reactivating a deactivated membership with that role."""
    _check_grant(actor=actor, school=school, user=user, role=role)
    actor_role = _actor_role_before(actor, school)
    existing = Membership.objects.filter(user=user, school=school, role=role).first()
    if existing is not None:
        if existing.is_active:
            raise ValidationError({"role": "This person already has that role here."})
        existing.is_active = True
        existing.save(update_fields=["is_active"])
        record(
            actor=actor,
            actor_role=actor_role,
            action="school.membership.reactivated",
            obj=existing,
            before={"is_active": False},
            after={"is_active": True},
            reason=reason,
        )
        return existing
    membership = Membership(user=user, school=school, role=role)
    membership.full_clean()
    membership.save()
    record(
        actor=actor,
        actor_role=actor_role,
        action="school.membership.created",
        obj=membership,
        after=_membership_snapshot(membership),
        reason=reason,
    )
    return membership


@transaction.atomic
def staff_user_create(
    *,
    actor,
    school: School,
    username: str,
    first_name: str,
    last_name: str,
    email: str = "",
    role: str,
    job_title: str = "",
):
    """A new staff account with no usable password (they set their own through a one-time link) and a role."""
    # Checked before the account exists, so a refused grant leaves no account behind.
    _check_grant(actor=actor, school=school, user=None, role=role)
    User = get_user_model()
    user = User(
        username=username, first_name=first_name, last_name=last_name, email=email, job_title=job_title
    )
    user.set_unusable_password()
    try:
        user.full_clean()
    except ValidationError as error:
        # password is unusable by design; only report the fields the person typed.
        error.error_dict.pop("password", None)
        if error.error_dict:
            raise
    user.save()
    membership = membership_create(actor=actor, school=school, user=user, role=role)
    return user, membership


@transaction.atomic
def membership_update(
    *, actor, membership: Membership, role: str, reason: str = "", expected_version: int | None = None
) -> bool:
    ensure_unchanged(membership, expected_version=expected_version)
    # Changing a role takes the old one away and gives the new one: the grantor must be able to do both.
    for granted in (membership.role, role):
        _check_grant(actor=actor, school=membership.school, user=membership.user, role=granted)
    if (
        role != membership.role
        and Membership.objects.filter(user=membership.user, school=membership.school, role=role).exists()
    ):
        raise ValidationError({"role": "This person already has that role here."})
    return _apply_changes(
        membership,
        {"role": role},
        actor=actor,
        action="school.membership.changed",
        reason=reason,
        actor_role=_actor_role_before(actor, membership.school),
    )


@transaction.atomic
def membership_deactivate(*, actor, membership: Membership, reason: str = "") -> None:
    if membership.user_id == getattr(actor, "pk", None) and membership.role == Role.HEADTEACHER:
        raise ValidationError("You cannot remove your own headteacher role; ask another headteacher.")
    # Removing a role is as much a grant decision as giving it (a head cannot remove the trust lead).
    _check_grant(actor=actor, school=membership.school, user=membership.user, role=membership.role)
    if not membership.is_active:
        return
    actor_role = _actor_role_before(actor, membership.school)
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    # Someone who no longer works here should not stay attached to classes.
    membership.user.registration_classes.remove(*membership.school.classes.all())
    record(
        actor=actor,
        actor_role=actor_role,
        action="school.membership.deactivated",
        obj=membership,
        before={"is_active": True},
        after={"is_active": False},
        reason=reason,
    )


# --- classes --------------------------------------------------------------------------------------
def _check_class_staff(school: School, staff) -> list:
    staff = list(staff or [])
    allowed = set(Membership.objects.filter(school=school, is_active=True).values_list("user_id", flat=True))
    if any(user.pk not in allowed for user in staff):
        raise ValidationError({"staff": "Class staff must work at this school."})
    return staff


@transaction.atomic
def class_create(*, actor, school: School, name: str, year_group: int, staff=()) -> RegistrationClass:
    staff = _check_class_staff(school, staff)
    cls = RegistrationClass(school=school, name=name, year_group=year_group)
    cls.full_clean()
    cls.save()
    cls.staff.set(staff)
    after = snapshot(cls) | {"staff": sorted(user.pk for user in staff)}
    record(actor=actor, action="school.class.created", obj=cls, after=after)
    return cls


@transaction.atomic
def class_update(
    *,
    actor,
    registration_class: RegistrationClass,
    staff=None,
    expected_version: int | None = None,
    **changes,
) -> bool:
    ensure_unchanged(registration_class, expected_version=expected_version)
    _check_fields(changes, CLASS_FIELDS)
    cls = registration_class
    before = snapshot(cls) | {"staff": sorted(cls.staff.values_list("pk", flat=True))}
    for name, value in changes.items():
        setattr(cls, name, value)
    cls.full_clean()
    if staff is not None:
        staff = _check_class_staff(cls.school, staff)
    after = snapshot(cls) | {"staff": sorted(u.pk for u in staff) if staff is not None else before["staff"]}
    old, new = _diff(before, after)
    if not new:
        return False
    cls.save()
    if staff is not None:
        cls.staff.set(staff)
    record(actor=actor, action="school.class.changed", obj=cls, before=old, after=new)
    return True


# --- calendar -------------------------------------------------------------------------------------
@transaction.atomic
def academic_year_create(*, actor, school: School, name: str, start_date, end_date) -> AcademicYear:
    year = AcademicYear(school=school, name=name, start_date=start_date, end_date=end_date)
    year.full_clean()
    year.save()
    record(actor=actor, action="school.calendar.year_created", obj=year, after=snapshot(year))
    return year


@transaction.atomic
def academic_year_update(
    *, actor, academic_year: AcademicYear, expected_version: int | None = None, **changes
) -> bool:
    ensure_unchanged(academic_year, expected_version=expected_version)
    _check_fields(changes, frozenset({"name", "start_date", "end_date"}))
    return _apply_changes(
        academic_year,
        changes,
        actor=actor,
        action="school.calendar.year_changed",
        reason="",
        school=academic_year.school,
    )


def _check_period_overlap(period: TermPeriod) -> None:
    overlapping = TermPeriod.objects.filter(
        academic_year__school=period.academic_year.school,
        start_date__lte=period.end_date,
        end_date__gte=period.start_date,
    ).exclude(pk=period.pk)
    clash = overlapping.first()
    if clash is not None:
        raise ValidationError(f"These dates overlap {clash}.")


@transaction.atomic
def term_period_create(*, actor, academic_year: AcademicYear, name: str, start_date, end_date) -> TermPeriod:
    period = TermPeriod(academic_year=academic_year, name=name, start_date=start_date, end_date=end_date)
    period.full_clean()
    _check_period_overlap(period)
    period.save()
    record(
        actor=actor,
        action="school.calendar.half_term_created",
        obj=period,
        after=snapshot(period),
        school=academic_year.school,
    )
    return period


@transaction.atomic
def term_period_update(
    *, actor, term_period: TermPeriod, expected_version: int | None = None, **changes
) -> bool:
    ensure_unchanged(term_period, expected_version=expected_version)
    _check_fields(changes, frozenset({"name", "start_date", "end_date"}))
    before = snapshot(term_period)
    for name, value in changes.items():
        setattr(term_period, name, value)
    term_period.full_clean()
    _check_period_overlap(term_period)
    old, new = _diff(before, snapshot(term_period))
    if not new:
        return False
    term_period.save()
    record(
        actor=actor,
        action="school.calendar.half_term_changed",
        obj=term_period,
        before=old,
        after=new,
        school=term_period.academic_year.school,
    )
    return True


def closure_date_check(*, school: School, day) -> None:
    """Refuse, beside the date, a closure on a day the school does not meet anyway."""
    in_year = AcademicYear.objects.filter(school=school, start_date__lte=day, end_date__gte=day).exists()
    refusal = closure_date_refusal(SchoolCalendar.for_school(school), day, in_academic_year=in_year)
    if refusal:
        raise ValidationError({"date": refusal})


@transaction.atomic
def closure_day_create(
    *, actor, school: School, date, kind: str, sessions: str = "both", reason: str = ""
) -> ClosureDay:
    closure = ClosureDay(school=school, date=date, kind=kind, sessions=sessions, reason=reason)
    try:
        closure.full_clean()
    except ValidationError as error:
        if "__all__" in error.message_dict and ClosureDay.objects.filter(school=school, date=date).exists():
            raise ValidationError({"date": "There is already a closure on that day."}) from None
        raise
    closure_date_check(school=school, day=date)
    closure.save()
    record(actor=actor, action="school.calendar.closure_created", obj=closure, after=snapshot(closure))
    return closure


@transaction.atomic
def closure_day_delete(*, actor, closure: ClosureDay) -> None:
    record(actor=actor, action="school.calendar.closure_deleted", obj=closure, before=snapshot(closure))
    closure.delete()


def _minutes(value) -> int:
    return value.hour * 60 + value.minute


@transaction.atomic
def school_update_register_times(
    *, actor, school: School, expected_version: int | None = None, **changes
) -> bool:
    ensure_unchanged(school, expected_version=expected_version)
    _check_fields(changes, REGISTER_TIME_FIELDS)
    errors = {}
    am_open = changes.get("am_register_opens", school.am_register_opens)
    am_close = changes.get("am_register_closes", school.am_register_closes)
    pm_open = changes.get("pm_register_opens", school.pm_register_opens)
    pm_close = changes.get("pm_register_closes", school.pm_register_closes)
    if am_close <= am_open:
        errors["am_register_closes"] = "The morning register must close after it opens."
    if pm_close <= pm_open:
        errors["pm_register_closes"] = "The afternoon register must close after it opens."
    for label, opens, closes, key in (
        ("morning", am_open, am_close, "am_register_closes"),
        ("afternoon", pm_open, pm_close, "pm_register_closes"),
    ):
        # Attendance guidance: a register stays open for at most 30 minutes (docs/rules.md section 3).
        if key not in errors and _minutes(closes) - _minutes(opens) > 30:
            errors[key] = f"The {label} register may stay open for at most 30 minutes."
    if pm_open <= am_close:
        errors["pm_register_opens"] = "The afternoon register must open after the morning register closes."
    if errors:
        raise ValidationError(errors)
    return _apply_changes(
        school, changes, actor=actor, action="school.school.register_times_changed", reason="", school=school
    )


@transaction.atomic
def school_update_kind(*, actor, school: School, kind: str) -> bool:
    """Maintained school or academy: it decides which law sets the deadline for a record request."""
    return _apply_changes(
        school, {"kind": kind}, actor=actor, action="school.school.kind_changed", reason="", school=school
    )


# --- import from the MIS --------------------------------------------------------------------------
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
    text = decode(data) if isinstance(data, bytes) else data
    class_names = list(RegistrationClass.objects.filter(school=school).values_list("name", flat=True))
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
            old, new = _diff(before, snapshot(pupil))
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
        index = {}
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
            old, after = _diff(before, snapshot(contact))
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
        new, changed = {}, {}
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
                old, after = _diff(before, snapshot(link))
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
