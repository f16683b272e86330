"""Meeting writes: plan a meeting, record it as held (the Appendix 5 record), not attended or
cancelled, add SMART targets and review them, and produce the letters a meeting calls for.

Every write is atomic and audited; status moves go through school.transitions.move with the table in
letters/meeting_status.py (a MeetingStatusEvent row each); a move made from a page checks the meeting
is still in the state the page showed (school.editing.ensure_still) and an edit of a held record checks
its version (school.editing.ensure_unchanged), so a stale save is refused and says who got there first.

Letters (seed 004 Appendix 4): after a SAM, Letter 2 invites, 2a follows a missed meeting, 2b confirms
the targets and 2c says they were met; after a SAP, Letter 3, 3a, 3b and 3c. Each is produced with
letters.services.letter_produce for every addressee (letters.recipients.addressees: one per address),
with the meeting's date, time, place and targets in ``extra``. A letter that warns of sanctions (3a)
is produced only if every registered check agrees (letters/gates.py: the SEND gate).

Action codes: letters.meeting.planned, letters.meeting.held, letters.meeting.changed,
letters.meeting.not_attended, letters.meeting.cancelled, letters.meeting_target.added,
letters.meeting_target.reviewed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from school import audit, editing
from school.transitions import move

from . import gates, meeting_status
from .merge_fields import time_text
from .models_meetings import Meeting, MeetingStatusEvent, MeetingTarget

# Which template each attendance meeting's letters use (seed 004 Appendix 4). The initial concerns
# meeting and the joint review have no letters of their own here.
INVITE, NOT_ATTENDED, TARGETS, TARGETS_MET = "invite", "not_attended", "targets", "targets_met"
LETTER_CODES = {
    Meeting.Kind.SAM: {
        INVITE: "letter_2",
        NOT_ATTENDED: "letter_2a",
        TARGETS: "letter_2b",
        TARGETS_MET: "letter_2c",
    },
    Meeting.Kind.SAP: {
        INVITE: "letter_3",
        NOT_ATTENDED: "letter_3a",
        TARGETS: "letter_3b",
        TARGETS_MET: "letter_3c",
    },
}
LETTER_LABELS = {
    INVITE: "Invitation to the meeting",
    NOT_ATTENDED: "Did not attend",
    TARGETS: "Targets confirmation",
    TARGETS_MET: "Targets met",
}

RECORD_FIELDS = (
    "present",
    "services_involved",
    "worried_education",
    "worried_health",
    "worried_care",
    "going_well_education",
    "going_well_health",
    "going_well_care",
    "next_steps_education",
    "next_steps_health",
    "next_steps_care",
    "additional_information",
    "parent_voice",
    "child_voice",
    "outcome",
    "outcome_note",
)


@dataclass
class LettersProduced:
    """What producing a meeting's letter did: the letters written, and why any were not."""

    letters: list = field(default_factory=list)
    refused: str = ""

    @property
    def count(self) -> int:
        return len(self.letters)


def _history(meeting: Meeting, actor, reason: str = ""):
    return lambda from_status, to_status: MeetingStatusEvent(
        meeting=meeting, from_status=from_status, to_status=to_status, by=actor, reason=reason
    )


def _move(meeting: Meeting, *, actor, to: str, action: str, before=None, note="", audit_reason="", **kw):
    """Move the meeting along its table: save, audit (``action``) and a history row with ``note``."""

    def save():
        meeting.save()
        audit.record(
            actor=actor,
            action=action,
            obj=meeting,
            before=before,
            after=audit.snapshot(meeting),
            reason=audit_reason,
        )

    move(
        table=meeting_status.MEETING,
        obj=meeting,
        to=to,
        save=save,
        history=_history(meeting, actor, note),
        **kw,
    )


def _done(meeting: Meeting) -> str:
    return f"This meeting was already marked {meeting.get_status_display().lower()}"


# --- letters ---------------------------------------------------------------------------------------
def letter_code_for(meeting: Meeting, purpose: str) -> str | None:
    return LETTER_CODES.get(meeting.kind, {}).get(purpose)


def meeting_merge(meeting: Meeting, *, targets=None) -> dict:
    """The ``extra`` merge values of a meeting's letters (letters.merge_fields documents the keys)."""
    extra = {
        "meeting_date": meeting.held_on or meeting.planned_on,
        "meeting_time": time_text(meeting.planned_time),  # "2pm", as in every letter
        "meeting_place": meeting.place,
    }
    if targets is not None:
        extra["meeting_targets"] = [t.as_merge() for t in targets]
    return extra


def letters_available(meeting: Meeting) -> list[tuple[str, str]]:
    """(purpose, label) of the letters this meeting can produce now, for the meeting page.

    >>> m = Meeting(kind=Meeting.Kind.SAM, status="planned")
    >>> [p for p, _ in letters_available(m)]
    ['invite']
    """
    codes = LETTER_CODES.get(meeting.kind)
    if not codes:
        return []
    if meeting.status == Meeting.Status.PLANNED:
        purposes = [INVITE]
    elif meeting.status == Meeting.Status.HELD:
        purposes = [TARGETS, TARGETS_MET]
    elif meeting.status == Meeting.Status.NOT_ATTENDED:
        purposes = [NOT_ATTENDED]
    else:
        purposes = []
    return [(p, f"{LETTER_LABELS[p]} ({codes[p].replace('letter_', 'Letter ')})") for p in purposes]


def _produce_for_addressees(
    *, actor, meeting: Meeting, code: str, extra: dict, trigger: str
) -> LettersProduced:
    from . import recipients, services

    reason = gates.refusal(pupil=meeting.pupil, code=code)
    if reason:
        return LettersProduced(refused=reason)
    people = recipients.addressees(meeting.pupil)
    if not people:
        return LettersProduced(
            refused="No contact with parental responsibility has an address on record, so no letter was written."
        )
    made = [
        services.letter_produce(
            actor=actor,
            pupil=meeting.pupil,
            code=code,
            addressee=person,
            extra=extra,
            trigger=trigger,
            meeting=meeting,
        )
        for person in people
    ]
    gates.letters_produced(actor=actor, pupil=meeting.pupil, letters=made, trigger=trigger)
    return LettersProduced(letters=made)


@transaction.atomic
def meeting_letters_produce(*, actor, meeting: Meeting, purpose: str) -> LettersProduced:
    """Produce the meeting's letter for ``purpose`` (invite, not_attended, targets, targets_met) for
    every addressee. Refused (ValidationError) when the meeting cannot produce it now; a letter the
    SEND gate holds back is not produced and ``refused`` says why."""
    meeting = Meeting.objects.select_related("pupil", "school").get(pk=meeting.pk)  # as it is now
    code = letter_code_for(meeting, purpose)
    if code is None or purpose not in dict(letters_available(meeting)):
        raise ValidationError("This meeting cannot produce that letter now.")
    targets = None
    if purpose in (TARGETS, TARGETS_MET):
        targets = list(meeting.targets.all())
        if purpose == TARGETS_MET:
            targets = [t for t in targets if t.status == MeetingTarget.Status.MET]
        if not targets:
            raise ValidationError(
                "Add the targets agreed at the meeting first."
                if purpose == TARGETS
                else "No target is recorded as met yet: review the targets first."
            )
    trigger = f"{meeting.get_kind_display()} on {meeting.day:%-d %B %Y}: {LETTER_LABELS[purpose].lower()}"
    return _produce_for_addressees(
        actor=actor,
        meeting=meeting,
        code=code,
        extra=meeting_merge(meeting, targets=targets),
        trigger=trigger,
    )


# --- meetings --------------------------------------------------------------------------------------
@transaction.atomic
def meeting_plan(
    *,
    actor,
    pupil,
    kind: str,
    planned_on: date,
    planned_time: time | None = None,
    place: str = "",
    invite: bool = False,
) -> tuple[Meeting, LettersProduced]:
    """Plan a meeting (audited, with its first history row); with ``invite``, produce the invitation
    (Letter 2 for a SAM, Letter 3 for a SAP) for every addressee."""
    meeting = Meeting(
        school=pupil.school,
        pupil=pupil,
        kind=kind,
        planned_on=planned_on,
        planned_time=planned_time,
        place=place,
        status=meeting_status.PLANNED,
        created_by=actor,
    )
    meeting.full_clean(exclude=["status"])

    _move(meeting, actor=actor, to=meeting_status.PLANNED, action="letters.meeting.planned", from_state="")
    produced = LettersProduced()
    if invite:
        if letter_code_for(meeting, INVITE) is None:
            raise ValidationError({"invite": "This kind of meeting has no invitation letter."})
        produced = meeting_letters_produce(actor=actor, meeting=meeting, purpose=INVITE)
    return meeting, produced


def _check_record(meeting: Meeting, *, held_on: date, outcome: str) -> None:
    errors = {}
    if held_on > timezone.localdate():
        errors["held_on"] = "A meeting cannot be recorded as held on a day that has not come yet."
    if meeting.is_joint_review and not outcome:
        errors["outcome"] = "Choose the outcome of the joint review."
    if not meeting.is_joint_review and outcome:
        errors["outcome"] = "Only a joint review with the SENDCo has an outcome."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def meeting_record_held(*, actor, meeting: Meeting, held_on: date, **record) -> Meeting:
    """Record a planned meeting as held, with what was said (seed Appendix 5). ``record`` holds the
    RECORD_FIELDS; a joint review needs an outcome. Refused if someone else moved it first."""
    meeting = editing.ensure_still(meeting, done=_done, status=meeting_status.PLANNED)
    unknown = set(record) - set(RECORD_FIELDS)
    if unknown:
        raise TypeError(f"Unknown meeting record fields: {sorted(unknown)}")
    record.setdefault("outcome", "")
    _check_record(meeting, held_on=held_on, outcome=record["outcome"])
    before = audit.snapshot(meeting)
    for name, value in record.items():
        setattr(meeting, name, value)
    meeting.held_on = held_on
    meeting.recorded_by, meeting.recorded_at = actor, timezone.now()
    meeting.status = meeting_status.HELD
    meeting.full_clean()
    meeting.status = meeting_status.PLANNED

    _move(meeting, actor=actor, to=meeting_status.HELD, action="letters.meeting.held", before=before)
    gates.meeting_held(actor=actor, meeting=meeting)
    return meeting


@transaction.atomic
def meeting_record_update(
    *, actor, meeting: Meeting, expected_version: int | None, held_on: date, **record
) -> Meeting:
    """Correct the record of a held meeting; a save against an older version is refused (StaleEdit)."""
    editing.ensure_unchanged(meeting, expected_version=expected_version)
    meeting.refresh_from_db()
    if meeting.status != meeting_status.HELD:
        raise ValidationError("Only the record of a held meeting can be changed.")
    record.setdefault("outcome", meeting.outcome)
    _check_record(meeting, held_on=held_on, outcome=record["outcome"])
    before = audit.snapshot(meeting)
    for name in RECORD_FIELDS:
        if name in record:
            setattr(meeting, name, record[name])
    meeting.held_on = held_on
    meeting.full_clean()
    after = audit.snapshot(meeting)
    if after != before:
        meeting.save()
        audit.record(actor=actor, action="letters.meeting.changed", obj=meeting, before=before, after=after)
    return meeting


@transaction.atomic
def meeting_record_not_attended(
    *, actor, meeting: Meeting, note: str = "", send_letter: bool = True
) -> tuple[Meeting, LettersProduced]:
    """Record that the parents did not attend; after a SAM or a SAP, produce the "did not attend"
    letter (2a, 3a) for every addressee (the policy: parents get the record whether present or not)."""
    meeting = editing.ensure_still(meeting, done=_done, status=meeting_status.PLANNED)
    if meeting.planned_on > timezone.localdate():
        raise ValidationError(
            f"The meeting is planned for {meeting.planned_on:%-d %B %Y}: the parents can be recorded as "
            "not attending on or after that day, not before."
        )
    before = audit.snapshot(meeting)
    meeting.status_note = note
    meeting.recorded_by, meeting.recorded_at = actor, timezone.now()
    meeting.full_clean(exclude=["status"])

    _move(
        meeting,
        actor=actor,
        to=meeting_status.NOT_ATTENDED,
        action="letters.meeting.not_attended",
        before=before,
        note=note,
    )
    produced = LettersProduced()
    if send_letter and letter_code_for(meeting, NOT_ATTENDED):
        produced = meeting_letters_produce(actor=actor, meeting=meeting, purpose=NOT_ATTENDED)
    return meeting, produced


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting, reason: str) -> Meeting:
    """Call off a planned meeting, with the reason (kept, not deleted)."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the meeting was cancelled."})
    meeting = editing.ensure_still(meeting, done=_done, status=meeting_status.PLANNED)
    before = audit.snapshot(meeting)
    meeting.status_note = reason

    _move(
        meeting,
        actor=actor,
        to=meeting_status.CANCELLED,
        action="letters.meeting.cancelled",
        before=before,
        note=reason,
        audit_reason=reason,
    )
    return meeting


# --- targets ---------------------------------------------------------------------------------------
@transaction.atomic
def meeting_target_add(*, actor, meeting: Meeting, text: str, owner: str, review_on: date) -> MeetingTarget:
    """Add a SMART target agreed at a planned or held meeting (seed Appendix 9: who, what, by when)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)  # its status as it is now
    if meeting.status not in (meeting_status.PLANNED, meeting_status.HELD):
        raise ValidationError(
            f"Targets cannot be added to a meeting that was {meeting.get_status_display().lower()}."
        )
    if review_on < meeting.day:
        raise ValidationError({"review_on": "The review date must be on or after the meeting."})
    target = MeetingTarget(meeting=meeting, text=text, owner=owner, review_on=review_on)
    target.full_clean()
    target.save()
    audit.record(actor=actor, action="letters.meeting_target.added", obj=target, after=audit.snapshot(target))
    return target


@transaction.atomic
def target_review(*, actor, target: MeetingTarget, status: str, note: str = "") -> MeetingTarget:
    """Record an open target as met or not met, with the review note. Refused if someone reviewed it first."""
    if status not in (MeetingTarget.Status.MET, MeetingTarget.Status.NOT_MET):
        raise ValidationError({"status": "Choose met or not met."})
    target = editing.ensure_still(
        target, done="This target was already reviewed", status=MeetingTarget.Status.OPEN
    )
    before = audit.snapshot(target)
    target.status, target.review_note = status, note
    target.reviewed_by, target.reviewed_at = actor, timezone.now()
    target.full_clean()
    target.save()
    audit.record(
        actor=actor,
        action="letters.meeting_target.reviewed",
        obj=target,
        before=before,
        after=audit.snapshot(target),
    )
    return target
