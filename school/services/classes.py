"""Registration classes and the staff attached to them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from ..audit import record, snapshot
from ..editing import ensure_unchanged
from ..models import (
    Membership,
    RegistrationClass,
    School,
)
from .changes import (
    CLASS_FIELDS,
    check_fields,
    diff_of,
)


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
    check_fields(changes, CLASS_FIELDS)
    cls = registration_class
    before = snapshot(cls) | {"staff": sorted(cls.staff.values_list("pk", flat=True))}
    for name, value in changes.items():
        setattr(cls, name, value)
    cls.full_clean()
    if staff is not None:
        staff = _check_class_staff(cls.school, staff)
    after = snapshot(cls) | {"staff": sorted(u.pk for u in staff) if staff is not None else before["staff"]}
    old, new = diff_of(before, after)
    if not new:
        return False
    cls.save()
    if staff is not None:
        cls.staff.set(staff)
    record(actor=actor, action="school.class.changed", obj=cls, before=old, after=new)
    return True
