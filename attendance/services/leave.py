"""Leave of absence: a request, then granted or refused; granted leave pre-codes its sessions."""

from __future__ import annotations

from datetime import date as Date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from school import audit, editing
from school.calendar import SchoolCalendar
from school.models import Session

from ..models import LeaveRequest, LeaveRequestEvent
from .precoding import PrecodeResult, precode, school_sessions, sessions_in_range

# --- leave of absence -------------------------------------------------------------------------------
#: C2 is not leave a parent asks for: it records the sessions a pupil on an agreed part-time timetable is
#: not expected in, and the protocol behind it (parental agreement, a risk assessment, an end date within
#: 6 school weeks, fortnightly reviews) lives with the timetable in the SEND pages, which pre-code C2.
C2_REFUSAL = (
    "C2 is only for a temporary part-time timetable. The SENDCo or the headteacher records it on the "
    "pupil's SEND page (Part-time timetables), which codes the sessions the pupil is not expected in."
)
#: The only moves a leave request can make; anything else is refused.
LEAVE_TRANSITIONS = {
    LeaveRequest.Status.REQUESTED: {LeaveRequest.Status.GRANTED, LeaveRequest.Status.REFUSED},
    LeaveRequest.Status.GRANTED: set(),
    LeaveRequest.Status.REFUSED: set(),
}


@transaction.atomic
def leave_request_create(
    *,
    actor,
    school,
    pupil,
    requested_by: str = "",
    requested_by_contact=None,
    start_date: Date,
    end_date: Date,
    reason: str,
    code: str = "C",
    start_session: str = Session.AM,
    end_session: str = Session.PM,
    retrospective: bool = False,
    today: Date | None = None,
) -> LeaveRequest:
    today = today or timezone.localdate()
    if code == "C2":
        raise ValidationError({"code": C2_REFUSAL})
    if start_date < today and not retrospective:
        # Leave is asked for before it is taken; granting past dates would rewrite taken registers.
        raise ValidationError(
            {
                "start_date": "Leave cannot start in the past. If it has already begun, tick "
                "'Recorded after the event': it is kept on record but codes no sessions."
            }
        )
    if retrospective and start_date >= today:
        # "Started" means before today, the same line as the past-dates rule above: leave from today on
        # is ordinary leave, and granting it codes its sessions. Ticked, it would code nothing and the
        # pupil would later look absent with no reason.
        raise ValidationError({"retrospective": "Tick this only for leave that has already started."})
    if requested_by_contact is not None:
        if not pupil.contact_links.filter(contact=requested_by_contact).exists():
            raise ValidationError(
                {"requested_by_contact": "That person is not one of this pupil's contacts."}
            )
        requested_by = requested_by or str(requested_by_contact)[:200]
    leave = LeaveRequest(
        school=school,
        pupil=pupil,
        requested_by_contact=requested_by_contact,
        requested_by=requested_by,
        start_date=start_date,
        end_date=end_date,
        start_session=start_session,
        end_session=end_session,
        reason=reason,
        code=code,
        retrospective=retrospective,
        created_by=actor,
    )
    leave.full_clean()
    calendar = SchoolCalendar.for_school(school)
    school_sessions(calendar, (start_date, start_session), (end_date, end_session), field="start_date")
    if start_date < pupil.admission_date or (pupil.leaving_date and end_date > pupil.leaving_date):
        raise ValidationError({"start_date": f"{pupil} is not on roll for all of these dates."})
    leave.save()
    LeaveRequestEvent.objects.create(leave_request=leave, to_status=leave.status, by=actor)
    audit.record(actor=actor, action="attendance.leave.requested", obj=leave, after=audit.snapshot(leave))
    return leave


@transaction.atomic
def leave_request_decide(
    *, actor, leave_request: LeaveRequest, status: str, note: str = "", calendar: SchoolCalendar | None = None
) -> tuple[LeaveRequest, PrecodeResult | None]:
    """Grant or refuse a request (the headteacher's decision). Granted leave pre-codes its sessions,
    unless it was recorded after the event (``retrospective``), which codes nothing."""
    # Two heads deciding one request at once: the second is told who decided it, and their decision
    # (and note) is not recorded over the first.
    leave = editing.ensure_still(
        leave_request,
        done=lambda row: f"This request was already {row.get_status_display().lower()}",
        status=LeaveRequest.Status.REQUESTED,
    )
    if status == LeaveRequest.Status.GRANTED and leave.code == "C2":
        # A request made before C2 moved to the part-time timetable: granting it would pre-code C2
        # without the protocol's agreement, risk assessment and end date.
        raise ValidationError(C2_REFUSAL)
    if status not in LEAVE_TRANSITIONS.get(leave.status, set()):
        raise ValidationError(
            f"A request that is {leave.get_status_display().lower()} cannot be marked {status}."
        )
    before = audit.snapshot(leave)
    old_status = leave.status
    leave.status, leave.decided_by, leave.decided_at, leave.decision_note = (
        status,
        actor,
        timezone.now(),
        note,
    )
    leave.full_clean()
    leave.save()
    LeaveRequestEvent.objects.create(
        leave_request=leave, from_status=old_status, to_status=status, by=actor, note=note
    )
    audit.record(
        actor=actor,
        action=f"attendance.leave.{status}",
        obj=leave,
        before=before,
        after=audit.snapshot(leave),
        reason=note,
    )
    result = None
    if status == LeaveRequest.Status.GRANTED and not leave.retrospective:
        calendar = calendar or SchoolCalendar.for_school(leave.school)
        sessions = sessions_in_range(
            calendar, leave.start_date, leave.start_session, leave.end_date, leave.end_session
        )
        result = precode(
            actor=actor,
            school=leave.school,
            pupil=leave.pupil,
            sessions=sessions,
            code=leave.code,
            reason=f"Leave of absence granted: {leave.reason}"[:500],
        )
    return leave, result
