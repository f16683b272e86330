"""Part-time timetables (seed 001 Appendix 3): open, review, extend, end and withdraw, each audited and
atomic, and each keeping the register's C2 pre-codes in step with the timetable.

The register: the sessions the pupil is *not* expected in, from the start to the end date, are pre-coded
``C2`` through attendance.services.precoding.precode, which gives C2 only to a session with no mark or an
``N`` (a present mark or an illness already recorded is kept). Doing it again changes nothing. When the
timetable ends early, is withdrawn, or a review adds sessions, the future C2 pre-codes it no longer
wants are removed (attendance.services.precoding.precode_clear: a future session has not happened, so
its mark is only a pre-code; an audit row keeps it). Marks up to today stay: they are the register.

Extending: the protocol limits the whole timetable, so a later end date is accepted only within the
school's limit (6 school weeks by default) from the *start*; going on beyond that is a new timetable.

Action codes: send.part_time.opened, .reviewed, .extended, .changed, .ended, and
send.parttimetimetable.withdrawn (school.withdrawal); attendance.mark.* for the register.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from attendance.services.precoding import precode, precode_clear
from school import audit, editing, policy, transitions, withdrawal
from school.calendar import SchoolCalendar
from school.models import Pupil

from .. import part_time_rules as rules
from .. import selectors
from ..models_ehcp import EhcPlan
from ..models_timetables import (
    ACTIVE,
    ENDED,
    STATUSES,
    PartTimeHistory,
    PartTimeReview,
    PartTimeSession,
    PartTimeTimetable,
)
from .common import save_audited

C2 = "C2"
NOT_IN_FUTURE = "{what} cannot be in the future."


def _d(day: date) -> str:
    return f"{day:%-d %B %Y}"


def _require_manager(actor, school) -> None:
    # The protocol: the head teacher signs; the SENDCo designs and reviews. Nobody else opens one.
    if not policy.can(actor, school, policy.MANAGE_SEND):
        raise PermissionDenied("Only the SENDCo or the headteacher can record a part-time timetable.")


def _past_dates(values: dict[str, tuple[str, date | None]], today: date) -> dict[str, str]:
    return {
        name: NOT_IN_FUTURE.format(what=label)
        for name, (label, day) in values.items()
        if day is not None and day > today
    }


def _history(timetable, *, actor, note: str, from_status: str, to_status: str) -> PartTimeHistory:
    return PartTimeHistory(
        timetable=timetable,
        from_status=from_status,
        to_status=to_status,
        note=note,
        by=actor,
        at=timezone.now(),
    )


def _set_sessions(timetable: PartTimeTimetable, agreed: Iterable[tuple[int, str]]) -> None:
    """The agreed sessions are the timetable's current shape (their history is in the reviews)."""
    timetable.sessions.all().delete()
    PartTimeSession.objects.bulk_create(
        [PartTimeSession(timetable=timetable, weekday=w, session=s) for w, s in sorted(set(agreed))]
    )


def _sync_register(*, actor, timetable: PartTimeTimetable, calendar, today: date, covered_until=None) -> dict:
    """Pre-code C2 for the missed sessions of an active timetable, and remove the future C2 pre-codes of
    sessions it no longer misses (all of them once it has ended or been withdrawn)."""
    timetable = PartTimeTimetable.objects.prefetch_related("sessions").get(pk=timetable.pk)
    last = max(d for d in (timetable.end_date, covered_until, timetable.ended_on) if d)
    covered = calendar.sessions_between(timetable.start_date, last)
    wanted = []
    if timetable.status == ACTIVE and not timetable.is_withdrawn and timetable.end_date:
        wanted = rules.missed_sessions(
            calendar.sessions_between(timetable.start_date, timetable.end_date), timetable.agreed
        )
    reason = f"Part-time timetable from {_d(timetable.start_date)}: not expected in this session"
    result = precode(
        actor=actor, school=timetable.school, pupil=timetable.pupil, sessions=wanted, code=C2, reason=reason
    )
    keep = set(wanted)
    removed = precode_clear(
        actor=actor,
        school=timetable.school,
        pupil=timetable.pupil,
        sessions=[s for s in covered if s not in keep],
        code=C2,
        reason=f"Part-time timetable from {_d(timetable.start_date)} no longer covers this session",
        after=today,
    )
    return {
        "recorded": result.recorded,
        "amended": result.amended,
        "kept": len(result.kept),
        "removed": removed,
    }


def _settings(school):
    return selectors.settings_for(school=school)


# --- open ------------------------------------------------------------------------------------------
@transaction.atomic
def part_time_open(
    *,
    actor,
    pupil: Pupil,
    reason: str,
    reason_detail: str,
    start_date: date | None,
    end_date: date | None,
    sessions: Iterable[tuple[int, str]],
    parental_agreement_by: str = "",
    parental_agreement_on: date | None = None,
    risk_assessment_on: date | None = None,
    la_notified_on: date | None = None,
    interim_review_called_on: date | None = None,
    virtual_school_consulted_on: date | None = None,
    today: date | None = None,
    calendar: SchoolCalendar | None = None,
) -> PartTimeTimetable:
    """Record a part-time timetable agreed at the implementation meeting and pre-code its C2 sessions.

    Refused, beside the field: behaviour as the reason, no end date or one beyond the protocol's limit,
    a date that cannot be true (in the future, or an end before the start), no interim review for a
    pupil with an EHC plan in force, no virtual school consultation for a looked-after child, or a
    second active timetable. A missing parental agreement is accepted but flagged until it is recorded.
    """
    school = pupil.school
    _require_manager(actor, school)
    today = today or timezone.localdate()
    calendar = calendar or SchoolCalendar.for_school(school)
    agreed = sorted(set(sessions))
    limit = _settings(school).part_time_max_school_weeks
    errors: dict[str, str] = {}
    if problem := rules.reason_problem(reason):
        errors["reason"] = problem
    if not (reason_detail or "").strip():
        errors["reason_detail"] = "Say what makes a part-time timetable necessary, and what has been tried."
    if problem := rules.sessions_problem(agreed):
        errors["sessions"] = problem
    if start_date is None:
        errors["start_date"] = "Give the first day on the part-time timetable."
    elif start_date < pupil.admission_date or (pupil.leaving_date and start_date > pupil.leaving_date):
        errors["start_date"] = f"{pupil} is not on roll on that day."
    if problem := rules.end_date_problem(calendar, start=start_date, end=end_date, max_weeks=limit):
        errors["end_date"] = problem
    elif start_date and end_date and not calendar.sessions_between(start_date, end_date):
        errors["end_date"] = "There are no school sessions between these dates."
    if bool((parental_agreement_by or "").strip()) != bool(parental_agreement_on):
        key = "parental_agreement_on" if parental_agreement_by.strip() else "parental_agreement_by"
        errors[key] = "Give both who signed the agreement and the date, or neither until it is signed."
    errors.update(
        _past_dates(
            {
                "parental_agreement_on": ("The date the agreement was signed", parental_agreement_on),
                "risk_assessment_on": ("The risk assessment date", risk_assessment_on),
                "la_notified_on": ("The date the local authority was notified", la_notified_on),
                "interim_review_called_on": ("The date the review was called", interim_review_called_on),
                "virtual_school_consulted_on": (
                    "The date the virtual school was consulted",
                    virtual_school_consulted_on,
                ),
            },
            today,
        )
    )
    if risk_assessment_on is None:
        errors.setdefault(
            "risk_assessment_on",
            "Record the risk assessment: the protocol requires one covering the whole timetable before it starts.",
        )
    on = start_date or today
    if interim_review_called_on is None and EhcPlan.objects.in_force(on).filter(pupil=pupil).exists():
        errors["interim_review_called_on"] = (
            f"{pupil} has an EHC plan: an interim or early annual review must be called, inviting the "
            "local authority's EHCP officer, before a part-time timetable starts."
        )
    if virtual_school_consulted_on is None and pupil.looked_after:
        errors["virtual_school_consulted_on"] = (
            f"{pupil} is looked after: the virtual school must be consulted and agree to the arrangements."
        )
    if PartTimeTimetable.objects.active().filter(pupil=pupil).exists():
        errors["__all__"] = (
            f"{pupil} already has an active part-time timetable: review, extend or end it instead."
        )
    if errors:
        raise ValidationError(errors)
    assert start_date is not None and end_date is not None  # refused above otherwise
    timetable = PartTimeTimetable(
        school=school,
        pupil=pupil,
        reason=reason,
        reason_detail=reason_detail.strip(),
        start_date=start_date,
        end_date=end_date,
        parental_agreement_by=parental_agreement_by.strip(),
        parental_agreement_on=parental_agreement_on,
        risk_assessment_on=risk_assessment_on,
        la_notified_on=la_notified_on,
        interim_review_called_on=interim_review_called_on,
        virtual_school_consulted_on=virtual_school_consulted_on,
        next_review_due=rules.next_review_due(
            start_date, days=_settings(school).part_time_review_days, calendar=calendar
        ),
        opened_by=actor,
        opened_at=timezone.now(),
    )
    transitions.move(
        table=STATUSES,
        obj=timetable,
        to=ACTIVE,
        from_state="",
        save=lambda: save_audited(actor=actor, instance=timetable, action="send.part_time.opened"),
        history=lambda f, t: _history(
            timetable,
            actor=actor,
            from_status=f,
            to_status=t,
            note=f"Opened: {rules.describe_sessions(agreed)}, until {_d(end_date)}.",
        ),
    )
    _set_sessions(timetable, agreed)
    # What the register got, for the page to say (kept sessions already had another mark).
    timetable.register_result = _sync_register(
        actor=actor, timetable=timetable, calendar=calendar, today=today
    )
    return timetable


# --- review and extend -----------------------------------------------------------------------------
def _end_date_change(timetable, *, end_date, calendar, limit: int, field: str = "end_date") -> None:
    if problem := rules.end_date_problem(calendar, start=timetable.start_date, end=end_date, max_weeks=limit):
        if timetable.end_date and end_date and end_date > timetable.end_date and "at most" in problem:
            problem += (
                " To go on beyond that, end this timetable and open a new one after a fresh implementation "
                "meeting (parental agreement, risk assessment, local authority notified)."
            )
        raise ValidationError({field: problem})


@transaction.atomic
def part_time_extend(
    *,
    actor,
    timetable: PartTimeTimetable,
    end_date: date,
    note: str,
    expected_version: int | None = None,
    today: date | None = None,
    calendar: SchoolCalendar | None = None,
) -> PartTimeTimetable:
    """Move the end date later, within the protocol's limit from the start (not from the review)."""
    _require_manager(actor, timetable.school)
    editing.ensure_unchanged(timetable, expected_version=expected_version)
    timetable = editing.ensure_still(timetable, done="This timetable was already ended", status=ACTIVE)
    today = today or timezone.localdate()
    calendar = calendar or SchoolCalendar.for_school(timetable.school)
    if not (note or "").strip():
        raise ValidationError({"note": "Say why the timetable is being extended."})
    if timetable.end_date and end_date and end_date <= timetable.end_date:
        raise ValidationError(
            {"end_date": f"Extending means a date after the current end, {_d(timetable.end_date)}."}
        )
    _end_date_change(
        timetable,
        end_date=end_date,
        calendar=calendar,
        limit=_settings(timetable.school).part_time_max_school_weeks,
    )
    before = audit.snapshot(timetable)
    old = timetable.end_date
    timetable.end_date = end_date
    save_audited(
        actor=actor, instance=timetable, action="send.part_time.extended", before=before, reason=note
    )
    _history(
        timetable,
        actor=actor,
        from_status=ACTIVE,
        to_status=ACTIVE,
        note=f"Extended from {_d(old) if old else 'no end date'} to {_d(end_date)}: {note.strip()}",
    ).save()
    _sync_register(actor=actor, timetable=timetable, calendar=calendar, today=today)
    return timetable


@transaction.atomic
def part_time_review_record(
    *,
    actor,
    timetable: PartTimeTimetable,
    held_on: date | None,
    notes: str,
    sessions: Iterable[tuple[int, str]],
    end_date: date | None,
    expected_version: int | None = None,
    today: date | None = None,
    calendar: SchoolCalendar | None = None,
) -> PartTimeReview:
    """Record a fortnightly review: progress, the sessions from now on (an increase is the usual step),
    and the end date (earlier, or later within the limit from the start). The next review is due
    ``part_time_review_days`` after this one."""
    school = timetable.school
    _require_manager(actor, school)
    editing.ensure_unchanged(timetable, expected_version=expected_version)
    timetable = editing.ensure_still(timetable, done="This timetable was already ended", status=ACTIVE)
    if timetable.is_withdrawn:
        raise ValidationError("This timetable was withdrawn.")
    today = today or timezone.localdate()
    calendar = calendar or SchoolCalendar.for_school(school)
    settings = _settings(school)
    agreed = sorted(set(sessions))
    errors: dict[str, str] = {}
    if held_on is None:
        errors["held_on"] = "Give the date the review was held."
    elif held_on > today:
        errors["held_on"] = NOT_IN_FUTURE.format(what="The review date")
    elif held_on < timetable.start_date:
        errors["held_on"] = f"The review cannot be before the timetable started ({_d(timetable.start_date)})."
    if not (notes or "").strip():
        errors["notes"] = "Record the progress made and what was agreed."
    if problem := rules.sessions_problem(agreed):
        errors["sessions"] = problem
    try:
        _end_date_change(
            timetable, end_date=end_date, calendar=calendar, limit=settings.part_time_max_school_weeks
        )
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if held_on and end_date and not errors.get("end_date") and end_date < held_on:
        errors["end_date"] = "The end date cannot be before the review. To stop the timetable now, end it."
    if errors:
        raise ValidationError(errors)
    assert held_on is not None and end_date is not None  # refused above otherwise
    before = audit.snapshot(timetable)
    old_end, old_sessions = (
        timetable.end_date,
        rules.describe_sessions((s.weekday, s.session) for s in timetable.sessions.all()),
    )
    covered_until = old_end
    review = PartTimeReview(
        timetable=timetable,
        held_on=held_on,
        notes=notes.strip(),
        sessions_agreed=rules.describe_sessions(agreed)[:300],
        end_date_before=old_end,
        end_date_after=end_date,
        next_review_due=rules.next_review_due(
            held_on, days=settings.part_time_review_days, calendar=calendar
        ),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    save_audited(
        actor=actor, instance=review, action="send.part_time.reviewed", school=school, pupil=timetable.pupil
    )
    timetable.end_date = end_date
    timetable.next_review_due = review.next_review_due
    action = "send.part_time.extended" if old_end and end_date > old_end else "send.part_time.changed"
    save_audited(
        actor=actor, instance=timetable, action=action, before=before, reason=f"Review of {_d(held_on)}"
    )
    changes = []
    if end_date != old_end:
        changes.append(f"end date {_d(old_end) if old_end else 'none'} to {_d(end_date)}")
    if review.sessions_agreed != old_sessions:
        changes.append(f"sessions now {review.sessions_agreed}")
    if changes:
        _history(
            timetable,
            actor=actor,
            from_status=ACTIVE,
            to_status=ACTIVE,
            note=f"Review of {_d(held_on)}: " + "; ".join(changes),
        ).save()
    _set_sessions(timetable, agreed)
    _sync_register(
        actor=actor, timetable=timetable, calendar=calendar, today=today, covered_until=covered_until
    )
    return review


# --- end and withdraw ------------------------------------------------------------------------------
@transaction.atomic
def part_time_end(
    *,
    actor,
    timetable: PartTimeTimetable,
    ended_on: date | None,
    note: str,
    expected_version: int | None = None,
    today: date | None = None,
    calendar: SchoolCalendar | None = None,
) -> PartTimeTimetable:
    """End the timetable (back full-time, or stopped early). Future C2 pre-codes are removed; the marks
    up to today stay as the register has them."""
    _require_manager(actor, timetable.school)
    editing.ensure_unchanged(timetable, expected_version=expected_version)
    timetable = editing.ensure_still(timetable, done="This timetable was already ended", status=ACTIVE)
    today = today or timezone.localdate()
    calendar = calendar or SchoolCalendar.for_school(timetable.school)
    errors = {}
    if ended_on is None:
        errors["ended_on"] = "Give the last day the pupil was on the part-time timetable."
    elif ended_on > today:
        errors["ended_on"] = NOT_IN_FUTURE.format(what="The last day on the timetable")
    elif ended_on < timetable.start_date:
        errors["ended_on"] = (
            f"The timetable started on {_d(timetable.start_date)}; it cannot end before that."
        )
    if not (note or "").strip():
        errors["note"] = "Say how it ended: back full-time, or why it stopped."
    if errors:
        raise ValidationError(errors)
    assert ended_on is not None  # refused above otherwise
    before = audit.snapshot(timetable)
    timetable.ended_on, timetable.end_note = ended_on, note.strip()
    transitions.move(
        table=STATUSES,
        obj=timetable,
        to=ENDED,
        save=lambda: save_audited(
            actor=actor, instance=timetable, action="send.part_time.ended", before=before, reason=note
        ),
        history=lambda f, t: _history(
            timetable,
            actor=actor,
            from_status=f,
            to_status=t,
            note=f"Ended on {_d(ended_on)}: {note.strip()}",
        ),
    )
    _sync_register(actor=actor, timetable=timetable, calendar=calendar, today=today)
    return timetable


@transaction.atomic
def part_time_withdraw(
    *, actor, timetable: PartTimeTimetable, reason: str, today: date | None = None, calendar=None
) -> PartTimeTimetable:
    """Withdraw a timetable recorded by mistake (school.withdrawal), removing its future C2 pre-codes."""
    _require_manager(actor, timetable.school)
    withdrawn = cast(PartTimeTimetable, withdrawal.record_withdraw(actor=actor, obj=timetable, reason=reason))
    _sync_register(
        actor=actor,
        timetable=withdrawn,
        calendar=calendar or SchoolCalendar.for_school(timetable.school),
        today=today or timezone.localdate(),
    )
    return withdrawn
