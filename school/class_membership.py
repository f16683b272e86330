"""Class membership over time: which class a pupil was in on each day, and moving a pupil to another class.

``Pupil.registration_class`` stays the pupil's class *today* (every page, filter and scope reads it);
``ClassMembership`` rows keep the history, so a register for a past day lists the pupils who were in
that class that day. Everything that sets a pupil's class (the pupil form, the import, the demo, the
benchmark, the test factories) calls :func:`sync_memberships` afterwards, which opens and closes
memberships to match; :func:`pupil_class_move` is the audited move with a date (for example back to
1 November when the office records the move a few weeks late).

Worked example: Ava joins Oak on admission (1 Sep 2022), so her membership is Oak from 1 Sep 2022,
open. Moving her to Ash on 1 Nov 2026 closes it on 31 Oct 2026 and opens Ash from 1 Nov 2026. Oak's
register for 15 Oct lists her; for 15 Nov it does not.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .audit import record
from .models import ClassMembership, Pupil, RegistrationClass


def sync_memberships(pupils: Iterable[Pupil], *, on: date | None = None) -> None:
    """Make each pupil's open membership match its ``registration_class``, from ``on`` (default today).

    A pupil with no membership yet joins from their admission date. Three queries for any number of
    pupils. A membership that would start after it ends (the pupil moved again the same day) is
    changed instead of closed.
    """
    on = on or timezone.localdate()
    pupils = [p for p in pupils if p.pk]
    if not pupils:
        return
    open_rows = {
        m.pupil_id: m
        for m in ClassMembership.objects.filter(pupil__in=[p.pk for p in pupils], end__isnull=True)
    }
    has_any = set(
        ClassMembership.objects.filter(pupil__in=[p.pk for p in pupils]).values_list("pupil_id", flat=True)
    )
    to_create, to_close, to_change, to_delete = [], [], [], []
    for pupil in pupils:
        current = open_rows.get(pupil.pk)
        target = pupil.registration_class_id
        if current is not None and current.registration_class_id == target:
            continue
        start = on if pupil.pk in has_any else pupil.admission_date
        if current is not None:
            if current.start >= on:  # moved again before the last move took effect
                if target is None:
                    to_delete.append(current.pk)
                else:
                    current.registration_class_id = target
                    to_change.append(current)
                continue
            current.end = on - timedelta(days=1)
            to_close.append(current)
        if target is not None:
            to_create.append(ClassMembership(pupil=pupil, registration_class_id=target, start=start))
    if to_delete:
        ClassMembership.objects.filter(pk__in=to_delete).delete()
    if to_close:
        ClassMembership.objects.bulk_update(to_close, ["end"])
    if to_change:
        ClassMembership.objects.bulk_update(to_change, ["registration_class"])
    if to_create:
        ClassMembership.objects.bulk_create(to_create)


@transaction.atomic
def pupil_class_move(
    *, actor, pupil: Pupil, registration_class: RegistrationClass | None, on: date, reason: str = ""
) -> Pupil:
    """Move a pupil to another class from ``on`` (today or earlier), closing the old membership."""
    today = timezone.localdate()
    locked = Pupil.objects.select_for_update().get(pk=pupil.pk)
    if registration_class is not None and registration_class.school_id != locked.school_id:
        raise ValidationError({"registration_class": "That class belongs to another school."})
    if on > today:
        raise ValidationError({"on": "A move takes effect today or on a past day, not in the future."})
    if on < locked.admission_date:
        raise ValidationError({"on": f"{locked} joined the school on {locked.admission_date:%-d %B %Y}."})
    current = ClassMembership.objects.filter(pupil=locked, end__isnull=True).first()
    if current is not None and on < current.start:
        raise ValidationError(
            {"on": f"{locked} has been in their current class only since {current.start:%-d %B %Y}."}
        )
    old_class = locked.registration_class_id
    if old_class == (registration_class.pk if registration_class else None):
        return locked
    locked.registration_class = registration_class
    locked.save(update_fields=["registration_class"])
    sync_memberships([locked], on=on)
    record(
        actor=actor,
        action="school.pupil.class_moved",
        obj=locked,
        before={"registration_class_id": old_class},
        after={"registration_class_id": locked.registration_class_id, "from": on.isoformat()},
        reason=reason,
    )
    pupil.registration_class = registration_class
    return locked
