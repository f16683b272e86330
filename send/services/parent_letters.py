"""SEND writes for telling parents: the letter that SEN provision is being made (or a record that they
were told another way), and the invitation to a SEN support review. Letters are written through
letters.services.letter_produce, one per postal address of the contacts with parental responsibility
(letters.recipients.addressees), and rendered to PDFs after commit; nothing here sends anything.

The duty (SEND Code of Practice 6.75; docs/rules.md section 5) is recorded as met for a placement on SEN
support once its letters are written (the school prints and posts or hands them over), or once the
SENDCo records that the parents were told another way, with the date and a note.

Action codes: send.provision_notice.letters_written, send.provision_notice.recorded,
send.review_invitation.created (and letters.letter.created for each letter).
"""

from __future__ import annotations

from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from letters.recipients import addressees
from letters.services import letter_produce
from school import audit
from school.calendar import SchoolCalendar
from school.models import Membership, Pupil, Role

from .. import cycle_stages, register_status, review_meeting
from ..models import ProvisionNotification, ReviewInvitation, SendRecord, SendStatusChange, SupportCycle

#: Cycle stages at which parents can be invited to the review: while the support is being done (the
#: invitation goes out ahead of the meeting) and at the review itself.
INVITE_STAGES = (cycle_stages.DO, cycle_stages.REVIEW)


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def sendco_name(*, school, actor) -> str:
    """Who parents should contact about SEN support: the school's SENDCo, else whoever wrote the letter."""
    membership = (
        Membership.objects.filter(school=school, role=Role.SENDCO, is_active=True)
        .select_related("user")
        .order_by("id")
        .first()
    )
    user = membership.user if membership else actor
    return user.get_full_name() or user.username


def _no_addressees(pupil: Pupil) -> ValidationError:
    return ValidationError(
        f"No contact with parental responsibility is recorded for {pupil.display_name}, so there is "
        "nobody to write to. Add one on the pupil's record first."
    )


def _placement_to_tell(pupil: Pupil) -> SendStatusChange:
    """The pupil's current placement on SEN support, locked, whose parents have not been told yet."""
    record = SendRecord.objects.select_for_update().filter(pupil=pupil).first()
    if record is None or record.status != register_status.SEN_SUPPORT:
        raise ValidationError(f"{pupil.display_name} is not on SEN support, so there is nothing to tell.")
    placement = (
        SendStatusChange.objects.filter(record=record, to_status=register_status.SEN_SUPPORT)
        .order_by("-changed_at", "-id")
        .first()
    )
    if placement is None:
        raise ValidationError(f"{pupil.display_name}'s move onto SEN support is not in the register history.")
    done = (
        ProvisionNotification.objects.current()
        .filter(placement=placement)
        .select_related("recorded_by")
        .first()
    )
    if done is not None:
        how = "letters were written" if done.method == ProvisionNotification.Method.LETTER else "told"
        raise ValidationError(
            f"The parents were already told ({how} on {_day(done.told_on)}, recorded by {done.recorded_by})."
        )
    return placement


def _audit(*, actor, obj, action: str, letters, pupil) -> None:
    audit.record(
        actor=actor,
        action=action,
        obj=obj,
        after={**audit.snapshot(obj), "letter_ids": [letter.pk for letter in letters]},
        school=obj.school,
        pupil=pupil,
    )


@transaction.atomic
def provision_letters_write(*, actor, pupil: Pupil, provision_summary: str) -> ProvisionNotification:
    """Write the letter telling the parents that SEN provision is being made (``send_provision``), one
    for every addressee, and record the duty as met for the current placement on SEN support.

    Refused, naming what to do, when the pupil is not on SEN support, when the parents were already told
    for this placement, when there is nobody with parental responsibility to write to, or when the
    support planned is left empty (the letter tells the parents what it is)."""
    placement = _placement_to_tell(pupil)
    summary = (provision_summary or "").strip()
    if not summary:
        raise ValidationError(
            {"provision_summary": "Say what support is planned: the letter tells the parents."}
        )
    recipients = addressees(pupil)
    if not recipients:
        raise _no_addressees(pupil)
    placed_on = timezone.localdate(placement.changed_at)
    extra = {"provision_summary": summary, "staff_name": sendco_name(school=pupil.school, actor=actor)}
    letters = [
        letter_produce(
            actor=actor,
            pupil=pupil,
            code="send_provision",
            addressee=addressee,
            extra=extra,
            trigger=f"Placed on SEN support on {_day(placed_on)}",
        )
        for addressee in recipients
    ]
    notification = ProvisionNotification(
        school=pupil.school,
        pupil=pupil,
        placement=placement,
        method=ProvisionNotification.Method.LETTER,
        told_on=timezone.localdate(),
        provision_summary=summary,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    notification.full_clean()
    notification.save()
    notification.letters.set(letters)
    _audit(
        actor=actor,
        obj=notification,
        action="send.provision_notice.letters_written",
        letters=letters,
        pupil=pupil,
    )
    return notification


@transaction.atomic
def provision_told_otherwise_record(
    *, actor, pupil: Pupil, told_on: date, note: str
) -> ProvisionNotification:
    """Record that the parents were told another way (at a meeting, for example): the date and a note.

    The date cannot be in the future, nor before the pupil was placed on SEN support."""
    placement = _placement_to_tell(pupil)
    errors = {}
    placed_on = timezone.localdate(placement.changed_at)
    if told_on is None:
        errors["told_on"] = "Give the date the parents were told."
    elif told_on > timezone.localdate():
        errors["told_on"] = "The date the parents were told cannot be in the future."
    elif told_on < placed_on:
        errors["told_on"] = (
            f"{pupil.display_name} was placed on SEN support on {_day(placed_on)}: the parents were told "
            "about it on that day or later."
        )
    if not (note or "").strip():
        errors["note"] = (
            "Say how the parents were told and by whom, for example: at a meeting with the SENDCo."
        )
    if errors:
        raise ValidationError(errors)
    notification = ProvisionNotification(
        school=pupil.school,
        pupil=pupil,
        placement=placement,
        method=ProvisionNotification.Method.OTHER,
        told_on=told_on,
        note=note.strip(),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    notification.full_clean()
    notification.save()
    _audit(actor=actor, obj=notification, action="send.provision_notice.recorded", letters=[], pupil=pupil)
    return notification


def _meeting_problems(cycle: SupportCycle, meeting_date, meeting_time, meeting_place) -> dict:
    now = timezone.localtime()
    moment = (now.date(), now.time().replace(second=0, microsecond=0))
    errors = {}
    if meeting_date is None:
        errors["meeting_date"] = "Give the date of the review meeting."
    else:
        calendar = SchoolCalendar.for_school(cycle.school)
        refusal = review_meeting.meeting_date_refusal(calendar, meeting_date, now=moment)
        if refusal:
            errors["meeting_date"] = refusal
    if meeting_time is None:
        errors["meeting_time"] = "Give the time of the review meeting."
    elif meeting_date is not None and "meeting_date" not in errors:
        refusal = review_meeting.meeting_time_refusal(meeting_date, meeting_time, now=moment)
        if refusal:
            errors["meeting_time"] = refusal
    if not (meeting_place or "").strip():
        errors["meeting_place"] = "Say where the meeting is, for example: the SENDCo's room."
    return errors


@transaction.atomic
def review_invitation_create(
    *, actor, cycle: SupportCycle, meeting_date: date, meeting_time: time, meeting_place: str
) -> ReviewInvitation:
    """Invite the parents to the cycle's review: one ``send_review_invite`` letter for every addressee,
    with the meeting's date, time and place. Refused beside the field for a date in the past or not a
    school day, and for a time today already gone; refused when the cycle is not being done or reviewed,
    when the same meeting was already written about, or when there is nobody to write to."""
    cycle = SupportCycle.objects.select_for_update().select_related("school", "pupil").get(pk=cycle.pk)
    if cycle.stage not in INVITE_STAGES:
        raise ValidationError(
            f"Parents are invited to the review once the plan is being done: this cycle is at "
            f"{cycle.get_stage_display()}."
        )
    errors = _meeting_problems(cycle, meeting_date, meeting_time, meeting_place)
    if errors:
        raise ValidationError(errors)
    same = cycle.invitations.filter(meeting_date=meeting_date, meeting_time=meeting_time).first()
    if same is not None:
        raise ValidationError(
            f"The parents were already invited to a meeting at this date and time, by {same.invited_by} on "
            f"{_day(timezone.localdate(same.invited_at))}."
        )
    pupil = cycle.pupil
    recipients = addressees(pupil)
    if not recipients:
        raise _no_addressees(pupil)
    place = meeting_place.strip()
    extra = {
        "meeting_date": meeting_date,
        "meeting_time": review_meeting.meeting_time_text(meeting_time),
        "meeting_place": place,
        "review_date": meeting_date,
        "staff_name": sendco_name(school=cycle.school, actor=actor),
    }
    letters = [
        letter_produce(
            actor=actor,
            pupil=pupil,
            code="send_review_invite",
            addressee=addressee,
            extra=extra,
            trigger=f"Review of cycle {cycle.number}",
        )
        for addressee in recipients
    ]
    invitation = ReviewInvitation(
        school=cycle.school,
        cycle=cycle,
        meeting_date=meeting_date,
        meeting_time=meeting_time,
        meeting_place=place,
        invited_by=actor,
        invited_at=timezone.now(),
    )
    invitation.full_clean()
    invitation.save()
    invitation.letters.set(letters)
    _audit(actor=actor, obj=invitation, action="send.review_invitation.created", letters=letters, pupil=pupil)
    return invitation
