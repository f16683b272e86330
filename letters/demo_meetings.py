"""Demo meetings (fictional): a School Attendance Meeting held with SMART targets and its Letter 2b,
a School Attendance Panel planned with its invitation, and a joint review with the SENDCo recorded
with an outcome for a pupil with SEN support or an EHC plan. Called by graduated_response/demo.py
once the demo's cases exist; the pupils are read through the cases' reverse name (letters imports
nothing from graduated_response).
"""

from __future__ import annotations

from datetime import date, time, timedelta

from school.models import Membership, Pupil, Role

from . import meetings


def _user(school, role):
    found = Membership.objects.filter(school=school, role=role, is_active=True).select_related("user").first()
    return found.user if found else None


def _open_case_pupils(school):
    return (
        Pupil.objects.filter(school=school, cases__status="open", cases__school=school)
        .order_by("-cases__current_tier", "pk")
        .distinct()
    )


def build(*, school, rng, today: date) -> None:
    officer = _user(school, Role.ATTENDANCE_OFFICER)
    sendco = _user(school, Role.SENDCO) or officer
    if officer is None:
        return
    pupils = list(_open_case_pupils(school)[:20])
    if not pupils:
        return
    send_pupil = next((p for p in pupils if p.sen_provision in ("K", "E")), None)
    others = [p for p in pupils if p != send_pupil]

    if send_pupil is not None:
        _joint_review(sendco=sendco, pupil=send_pupil, today=today)
    if others:
        _sam(officer=officer, pupil=others[-1], today=today)
    if len(others) > 1:
        _sap(officer=officer, pupil=others[0], today=today)


def _joint_review(*, sendco, pupil, today):
    review, _ = meetings.meeting_plan(
        actor=sendco,
        pupil=pupil,
        kind="send_review",
        planned_on=today - timedelta(days=3),
        place="SENDCo's room",
    )
    meetings.meeting_record_held(
        actor=sendco,
        meeting=review,
        held_on=today - timedelta(days=3),
        present="SENDCo, attendance officer, class teacher, parent",
        services_involved="Speech and language therapy",
        worried_education="Finds the noise of the hall hard at the start of the day.",
        going_well_education="Settles well with a familiar adult; enjoys the reading club.",
        next_steps_education="A quiet start in the library with the teaching assistant from next Monday.",
        parent_voice="Mornings go better when we know who will meet us at the gate.",
        child_voice="I like it when it is quiet.",
        outcome="adjustments",
        outcome_note="Quiet entrance and a named adult at the gate for six weeks, then review.",
    )


def _sam(*, officer, pupil, today):
    held_on = today - timedelta(days=14)
    sam, _ = meetings.meeting_plan(
        actor=officer,
        pupil=pupil,
        kind="sam",
        planned_on=held_on,
        planned_time=time(9, 15),
        place="Meeting room 1",
    )
    meetings.meeting_record_held(
        actor=officer,
        meeting=sam,
        held_on=held_on,
        present="Parent, class teacher, attendance officer",
        services_involved="School nurse",
        worried_education="Missed most Monday mornings this half term, including phonics.",
        going_well_education="Works hard when in school and has good friends in class.",
        next_steps_education="Morning check-in with the class teacher; catch-up phonics twice a week.",
        worried_health="Tummy aches on school mornings.",
        next_steps_health="The school nurse will ring the parent this week.",
        worried_care="A new baby at home makes mornings busy.",
        next_steps_care="Breakfast club place offered from Monday.",
        parent_voice="We want to get mornings right; breakfast club would help.",
        child_voice="I like breakfast club because my friend goes.",
    )
    for text, owner, days in (
        ("Arrive by 8.50am every school day until the end of this half term.", "Parent", 21),
        ("Attend breakfast club at least three mornings a week.", "Pupil and parent", 21),
        ("Ring the parent every Friday to talk about the week.", "Attendance officer", 14),
    ):
        meetings.meeting_target_add(
            actor=officer, meeting=sam, text=text, owner=owner, review_on=held_on + timedelta(days=days)
        )
    meetings.meeting_letters_produce(actor=officer, meeting=sam, purpose=meetings.TARGETS)


def _sap(*, officer, pupil, today):
    meetings.meeting_plan(
        actor=officer,
        pupil=pupil,
        kind="sap",
        planned_on=today + timedelta(days=7),
        planned_time=time(14, 0),
        place="Headteacher's office",
        invite=True,
    )
