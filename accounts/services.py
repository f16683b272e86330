"""Writes: legal holds and deletion at the end of the retention period. Each is atomic and audited."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Protocol, runtime_checkable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.db.models.deletion import Collector
from django.utils import timezone

from school import policy
from school.audit import erase_subject, record, snapshot
from school.calendar import SchoolCalendar
from school.editing import StaleEdit, ensure_still, ensure_unchanged, who_and_when
from school.models import AuditEntry, Contact, Pupil
from school.private_files import delete_private_files
from school.transitions import IllegalMove, move

from . import record_export, record_request_deadlines, record_request_status
from .models import LegalHold, RecordItemDecision, RecordRequest, RecordRequestEvent
from .selectors import pupil_retention_status


@transaction.atomic
def legal_hold_place(
    *, actor, school, pupil: Pupil, reason: str, expected_version: int | None = None
) -> LegalHold:
    """`expected_version` is the version of the pupil's holds the form was opened at: if someone
    placed or lifted one since, the new hold is refused, saying who (school.editing)."""
    policy.require(actor, school, policy.MANAGE_RETENTION)
    # Locking the pupil makes two people placing a first hold at once take turns.
    list(Pupil.objects.select_for_update().filter(pk=pupil.pk).values_list("pk", flat=True))
    ensure_unchanged(*LegalHold.objects.filter(pupil=pupil), expected_version=expected_version)
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
    # The page offered "Lift" on a hold in force: if someone lifted it first, say who.
    hold = ensure_still(hold, done="This legal hold was already lifted", lifted_at=None)
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


@runtime_checkable
class _HasPrivateFile(Protocol):
    def private_file_name(self) -> str: ...


def _private_files(collector: Collector) -> list[str]:
    """The private files of the rows about to be deleted: any model with `private_file_name()` (an
    uploaded document, a letter's PDF) keeps its bytes in the private storage (school.private_files)."""
    instances = [
        obj for model, objs in collector.data.items() if hasattr(model, "private_file_name") for obj in objs
    ]
    for qs in collector.fast_deletes:
        if hasattr(getattr(qs, "model", None), "private_file_name"):
            instances += list(qs)
    return [obj.private_file_name() for obj in instances if isinstance(obj, _HasPrivateFile)]


def _delete_with_dependants(objects, counts: Counter, files: list[str], depth: int = 0) -> None:
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
            blockers = list(
                error.protected_objects if isinstance(error, ProtectedError) else error.restricted_objects
            )
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
    if left_on is None:  # is_due already says so; the audit row below needs the date
        raise DeletionRefused("The pupil has not left the school.")
    contact_ids = list(pupil.contact_links.values_list("contact_id", flat=True))
    counts: Counter = Counter()
    files: list[str] = []
    _delete_with_dependants([pupil], counts, files)
    # Parents' details go with the last child they are linked to.
    orphans = list(Contact.objects.filter(pk__in=contact_ids, pupil_links__isnull=True))
    if orphans:
        _delete_with_dependants(orphans, counts, files)
    # The audit rows keep who did what and when; the pupil's and contacts' details in them go.
    erase_subject(pupil_id)
    # Files go only once the deletion has committed: a rollback leaves rows and files together.
    transaction.on_commit(lambda: delete_private_files(files))
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


# --- requests for records -------------------------------------------------------------------------
REQUEST_FIELDS = frozenset(
    {"kind", "requester_name", "requester_relationship", "received_on", "identity_checked"}
)


def _due_on(request: RecordRequest) -> date:
    """The statutory deadline for `request` at its school (accounts.record_request_deadlines)."""
    rule = record_request_deadlines.rule_for(kind=request.kind, school_kind=request.school.kind)
    try:
        return record_request_deadlines.due_on(
            kind=request.kind,
            school_kind=request.school.kind,
            received_on=request.received_on,
            extended=request.extended,
            school_calendar=SchoolCalendar.for_school(request.school) if rule.school_days else None,
        )
    except record_request_deadlines.CalendarTooShort as error:
        raise ValidationError({"received_on": str(error)}) from None


def _refuse_if_closed(request: RecordRequest) -> None:
    """Released and refused are final: nothing about the request changes afterwards."""
    message = record_request_status.closed_message(request.status)
    if message:
        raise ValidationError(message)


def extension_refusal(request: RecordRequest, *, today: date) -> str:
    """Why `request` cannot be extended today ("" when it can): the services refuse it and the pages
    offer no Extend button or form."""
    closed = record_request_status.closed_message(request.status)
    if closed:
        return closed
    return record_request_deadlines.extension_refusal(
        rule=record_request_deadlines.rule_for(kind=request.kind, school_kind=request.school.kind),
        extended=request.extended,
        due_on=request.due_on,
        today=today,
    )


def _request_snapshot(request: RecordRequest) -> dict:
    return snapshot(request, exclude=("created_at",))


@transaction.atomic
def record_request_create(*, actor, school, pupil: Pupil, **fields) -> RecordRequest:
    policy.require(actor, school, policy.MANAGE_RECORD_REQUESTS)
    unknown = set(fields) - REQUEST_FIELDS
    if unknown:
        raise TypeError(f"Unexpected fields: {', '.join(sorted(unknown))}")
    if pupil.school_id != school.pk:
        raise PermissionDenied
    request = RecordRequest(school=school, pupil=pupil, created_by=actor, **fields)
    if request.received_on and request.received_on > timezone.localdate():
        raise ValidationError({"received_on": "A request cannot be received in the future."})
    # None when the form lacks what the deadline needs: full_clean then names the missing fields.
    request.due_on = _due_on(request) if request.received_on and request.kind else None  # type: ignore[assignment]
    request.full_clean()
    request.save()
    RecordRequestEvent.objects.create(request=request, from_status="", to_status=request.status, by=actor)
    record(
        actor=actor,
        action="accounts.record_request.created",
        obj=request,
        school=school,
        pupil=pupil,
        after=_request_snapshot(request),
    )
    return request


@transaction.atomic
def record_request_change(
    *, actor, request: RecordRequest, expected_version: int | None = None, **changes
) -> bool:
    """Correct the details of a request; the due date follows the received date. Refused if someone
    changed the request after the form was opened (`expected_version`, school.editing)."""
    policy.require(actor, request.school, policy.MANAGE_RECORD_REQUESTS)
    unknown = set(changes) - REQUEST_FIELDS
    if unknown:
        raise TypeError(f"Unexpected fields: {', '.join(sorted(unknown))}")
    request = RecordRequest.objects.select_for_update().select_related("school").get(pk=request.pk)
    ensure_unchanged(request, expected_version=expected_version)
    _refuse_if_closed(request)
    before = _request_snapshot(request)
    for name, value in changes.items():
        setattr(request, name, value)
    if request.received_on and request.received_on > timezone.localdate():
        raise ValidationError({"received_on": "A request cannot be received in the future."})
    if not record_request_deadlines.rule_for(kind=request.kind, school_kind=request.school.kind).may_extend:
        request.extended, request.extension_reason = False, ""
    request.due_on = _due_on(request)
    request.full_clean()
    after = _request_snapshot(request)
    if after == before:
        return False
    request.save()
    changed = [key for key in after if after[key] != before.get(key)]
    record(
        actor=actor,
        action="accounts.record_request.changed",
        obj=request,
        before={key: before.get(key) for key in changed},
        after={key: after[key] for key in changed},
    )
    return True


@transaction.atomic
def record_request_extend(*, actor, request: RecordRequest, reason: str) -> RecordRequest:
    """Extend a subject access request by two further months (complex requests only, with a reason)."""
    policy.require(actor, request.school, policy.MANAGE_RECORD_REQUESTS)
    # Extending is a one-way step: if someone extended it first, say who (school.editing).
    ensure_still(request, done="The deadline was already extended", extended=False)
    request = RecordRequest.objects.select_for_update().select_related("school").get(pk=request.pk)
    _refuse_if_closed(request)
    refusal = extension_refusal(request, today=timezone.localdate())
    if refusal:
        raise ValidationError({"reason": refusal})
    if not reason.strip():
        raise ValidationError({"reason": "Say why the request is complex."})
    before = _request_snapshot(request)
    request.extended, request.extension_reason = True, reason.strip()
    request.due_on = _due_on(request)
    request.full_clean()
    request.save()
    record(
        actor=actor,
        action="accounts.record_request.extended",
        obj=request,
        before={"due_on": before["due_on"], "extended": False},
        after={"due_on": request.due_on.isoformat(), "extended": True},
        reason=request.extension_reason,
    )
    return request


def _decisions(request: RecordRequest) -> dict[str, str]:
    return dict(request.decisions.values_list("item_key", "decision"))


@transaction.atomic
def record_request_move(
    *, actor, request: RecordRequest, to_status: str, note: str = "", expected_status: str | None = None
) -> RecordRequest:
    """Move a request through record_request_status.TRANSITIONS, with a history row and an audit row.

    Records are released only to a requester whose identity was checked, and only once every flagged
    item has been reviewed. `expected_status` is the status the form showed: if someone moved the
    request since, the move is refused, naming them (school.editing)."""
    policy.require(actor, request.school, policy.MANAGE_RECORD_REQUESTS)
    if expected_status:
        ensure_still(
            request,
            done=lambda r: f"This request was already marked {r.get_status_display().lower()}",
            status=expected_status,
        )
    request = RecordRequest.objects.select_for_update().select_related("school", "pupil").get(pk=request.pk)
    try:
        record_request_status.STATUS.check(request.status, to_status)
    except IllegalMove as error:
        raise ValidationError({"to_status": error.messages}) from None
    if to_status == record_request_status.RELEASED:
        if not request.identity_checked:
            raise ValidationError({"to_status": "Check the requester's identity before releasing records."})
        to_review = record_export.build(request, _decisions(request)).to_review
        if to_review:
            raise ValidationError(
                {"to_status": f"{to_review} flagged item{'s' if to_review != 1 else ''} still to review."}
            )
    if to_status == record_request_status.REFUSED and not note.strip():
        raise ValidationError({"note": "Say why the request is refused."})
    from_status = request.status
    move(
        table=record_request_status.STATUS,
        obj=request,
        to=to_status,
        save=lambda: request.save(update_fields=["status"]),
        history=lambda from_, to: RecordRequestEvent(
            request=request, from_status=from_, to_status=to, by=actor, note=note.strip()
        ),
    )
    record(
        actor=actor,
        action="accounts.record_request.status_changed",
        obj=request,
        before={"status": from_status},
        after={"status": to_status},
        reason=note.strip(),
    )
    return request


@transaction.atomic
def record_item_decide(
    *, actor, request: RecordRequest, item_key: str, decision: str, expected_decision: str | None = None
) -> RecordItemDecision:
    """The reviewer's release/withhold decision on one flagged item of the export.

    `expected_decision` is the decision the page showed ("" for none yet): if another reviewer
    decided the item since, this decision is refused and names them, rather than silently
    overturning theirs."""
    policy.require(actor, request.school, policy.MANAGE_RECORD_REQUESTS)
    request = RecordRequest.objects.select_for_update().select_related("school", "pupil").get(pk=request.pk)
    _refuse_if_closed(request)
    if expected_decision is not None:
        _ensure_item_undecided_since(request, item_key=item_key, expected=expected_decision)
    flagged = {item.key for _, item in record_export.flagged_items(record_export.gather(request.pupil))}
    if item_key not in flagged:
        raise ValidationError({"item_key": "That item is not one to review."})
    if decision not in (record_export.RELEASE, record_export.WITHHOLD):
        raise ValidationError({"decision": "Choose release or withhold."})
    existing = RecordItemDecision.objects.filter(request=request, item_key=item_key).first()
    before = {"decision": existing.decision} if existing else None
    row, _ = RecordItemDecision.objects.update_or_create(
        request=request, item_key=item_key, defaults={"decision": decision, "decided_by": actor}
    )
    record(
        actor=actor,
        action="accounts.record_request.item_decided",
        obj=request,
        before=before,
        after={"item": item_key, "decision": decision},
    )
    return row


def _ensure_item_undecided_since(request: RecordRequest, *, item_key: str, expected: str) -> None:
    """school.editing.ensure_still for one item's decision. The decision's audit row is about the
    request (the export's reader follows the request), so the row naming who decided this item is
    the latest decision row carrying its key."""
    current = RecordItemDecision.objects.filter(request=request, item_key=item_key).first()
    if (current.decision if current else "") == expected:
        return
    rows = AuditEntry.objects.filter(
        object_type=request._meta.label_lower,
        object_id=str(request.pk),
        action="accounts.record_request.item_decided",
    ).order_by("-id")
    entry = next((row for row in rows if (row.after or {}).get("item") == item_key), None)
    shown = current.get_decision_display().lower() if current else "undecided"
    raise StaleEdit(
        f"This item was already marked {shown} by {who_and_when(entry)}. Your decision was not saved.",
        version=entry.id if entry else 0,
    )


def record_request_export(*, actor, request: RecordRequest) -> tuple[str, bytes, record_export.Export]:
    """Build the export (PDF, JSON and the files held, in a zip) and audit who took it. Generated on
    demand, synchronously, and never written to disk, so the only copies on the server are the
    database and the files it is built from (slow for a pupil with many files: accepted, see
    accounts.record_export)."""
    policy.require(actor, request.school, policy.MANAGE_RECORD_REQUESTS)
    export = record_export.build(request, _decisions(request))
    package = record_export.to_zip(export)
    record(
        actor=actor,
        action="accounts.record_request.exported",
        obj=request,
        after={
            "draft": export.is_draft,
            "items": export.item_count,
            "withheld": export.withheld,
            "to_review": export.to_review,
            "files": package.files,
            "files_missing": package.missing,
        },
    )
    return f"{record_export.filename_stem(export)}.zip", package.content, export


@transaction.atomic
def lockout_reset(*, actor, school, user) -> int:
    """Forget a staff member's failed sign-ins (from every address), so they can sign in at once.
    Returns how many failures were forgotten."""
    from axes.models import AccessAttempt
    from django.db.models import Sum

    policy.require(actor, school, policy.MANAGE_SCHOOL)
    attempts = AccessAttempt.objects.filter(username__iexact=user.get_username())
    failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
    attempts.delete()
    record(
        actor=actor,
        action="accounts.lockout.reset",
        obj=user,
        school=school,
        before={"failed_sign_ins": failures},
        after={"failed_sign_ins": 0},
    )
    return failures
