"""Writes: legal holds and deletion at the end of the retention period. Each is atomic and audited."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.db.models.deletion import Collector
from django.utils import timezone

from school import policy
from school.audit import erase_subject, record, snapshot
from school.models import Contact, Pupil

from .models import LegalHold
from .selectors import pupil_retention_status


@transaction.atomic
def legal_hold_place(*, actor, school, pupil: Pupil, reason: str) -> LegalHold:
    policy.require(actor, school, policy.MANAGE_RETENTION)
    hold = LegalHold(school=school, pupil=pupil, reason=reason.strip(), placed_by=actor)
    hold.full_clean()
    hold.save()
    record(
        actor=actor,
        action="accounts.legal_hold.placed",
        obj=hold,
        school=school,
        pupil=pupil,
        after={"reason": hold.reason},
        reason=hold.reason,
    )
    return hold


@transaction.atomic
def legal_hold_lift(*, actor, school, hold: LegalHold) -> None:
    policy.require(actor, school, policy.MANAGE_RETENTION)
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if hold.lifted_at is not None:
        return
    before = snapshot(hold)
    hold.lifted_at, hold.lifted_by = timezone.now(), actor
    hold.save(update_fields=["lifted_at", "lifted_by"])
    record(
        actor=actor,
        action="accounts.legal_hold.lifted",
        obj=hold,
        school=school,
        pupil=hold.pupil,
        before=before,
        after=snapshot(hold),
    )


class DeletionRefused(ValidationError):
    pass


def _private_files(collector: Collector) -> list[Path]:
    """The files on disk of the rows about to be deleted: any model with `private_file_path()` (an
    uploaded document, a letter's PDF) keeps its bytes under PRIVATE_MEDIA_ROOT."""
    instances = [
        obj for model, objs in collector.data.items() if hasattr(model, "private_file_path") for obj in objs
    ]
    for qs in collector.fast_deletes:
        if hasattr(getattr(qs, "model", None), "private_file_path"):
            instances += list(qs)
    return [obj.private_file_path() for obj in instances]


def _delete_with_dependants(objects, counts: Counter, files: list[Path], depth: int = 0) -> None:
    """Delete `objects` and everything that hangs off them, including rows other apps PROTECT
    (register marks, cases, letters), which the retention period covers too, noting their files in
    `files`. An active legal hold is never deleted: it stops the whole deletion."""
    if depth > 10:
        raise DeletionRefused("These records are linked too deeply to delete automatically.")
    while True:
        collector = Collector(using="default")
        try:
            collector.collect(objects)
        except (ProtectedError, RestrictedError) as error:
            blockers = list(getattr(error, "protected_objects", None) or error.restricted_objects)
            if any(isinstance(b, LegalHold) and b.is_active for b in blockers):
                raise DeletionRefused("A legal hold keeps these records.") from None
            by_model: dict[type, list] = {}
            for blocker in blockers:
                by_model.setdefault(type(blocker), []).append(blocker)
            for same_model in by_model.values():  # a Collector takes one model at a time
                _delete_with_dependants(same_model, counts, files, depth + 1)
            continue
        files += _private_files(collector)
        _, deleted = collector.delete()
        counts.update(deleted)
        return


@transaction.atomic
def pupil_delete_for_retention(*, actor, school, pupil: Pupil, today: date | None = None) -> dict[str, int]:
    """Delete a pupil's records once every retention period has ended and no legal hold applies.

    The audit row says who, when, which rule and how many records of each kind, never the content
    (keeping the content in the audit would defeat the deletion)."""
    if not policy.can(actor, school, policy.MANAGE_RETENTION):
        raise PermissionDenied
    pupil = Pupil.objects.select_for_update().get(pk=pupil.pk, school=school)
    today = today or timezone.localdate()
    status = pupil_retention_status(pupil, today=today)
    if status["active_holds"]:
        raise DeletionRefused("A legal hold keeps these records. Lift it first if it no longer applies.")
    if not status["is_due"]:
        raise DeletionRefused("The retention period for these records has not ended.")
    pupil_id, left_on = pupil.pk, pupil.leaving_date
    contact_ids = list(pupil.contact_links.values_list("contact_id", flat=True))
    counts: Counter = Counter()
    files: list[Path] = []
    _delete_with_dependants([pupil], counts, files)
    # Parents' details go with the last child they are linked to.
    orphans = list(Contact.objects.filter(pk__in=contact_ids, pupil_links__isnull=True))
    if orphans:
        _delete_with_dependants(orphans, counts, files)
    # The audit rows keep who did what and when; the pupil's and contacts' details in them go.
    erase_subject(pupil_id)
    # Files go only once the deletion has committed: a rollback leaves rows and files together.
    transaction.on_commit(lambda: _remove_files(files))
    record(
        actor=actor,
        action="accounts.retention.pupil_deleted",
        object_type="school.pupil",
        object_id=pupil_id,
        school=school,
        before={
            "left_on": left_on.isoformat(),
            "due_on": status["due_on"].isoformat(),
            "had_sen_file": status["has_sen_file"],
        },
        after={"deleted": dict(sorted(counts.items()))},
        reason="Retention period ended",
    )
    return dict(counts)


def _remove_files(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
