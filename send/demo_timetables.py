"""Fictional part-time timetables for the demo school (seed 001 Appendix 3), through the services.

The attendance demo gives two pupils C2 afternoons: one for the last two school weeks, one for five
school weeks that ended three weeks ago. This records the timetables behind those marks, so the
register and the SEND pages agree: the first is active (mornings in school, reviewed once, ending
within the school's limit); the second was never ended or reviewed again, so it is still active past
its end date and flagged (expired, review missed). Each is opened "on" its start date (``today=``), as
the SENDCo would have done then; the service pre-codes C2 only where the register has no mark yet.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Max, Min

from attendance.models import RegisterMark
from school.calendar import SchoolCalendar
from school.models import Pupil

from . import part_time_rules as rules
from .models_ehcp import EhcPlan
from .services import part_time

MORNINGS = [(weekday, "AM") for weekday in range(5)]
STORIES = [
    (
        rules.MEDICAL,
        "Recovering from an operation; the hospital's fictional consultant advises mornings only for a few "
        "weeks. Work for the afternoons is sent home and marked.",
        "Mornings going well; tiredness easing. Keep mornings, plan one afternoon a week from the next review.",
    ),
    (
        rules.SEMH,
        "Significant anxiety about the school day after a family bereavement; CAMHS referral made and school "
        "counsellor involved. A low-stimulus morning timetable while support is put in place.",
        "Settled in the mornings; attends the nurture group. Parent reports calmer evenings.",
    ),
]


def _c2_runs(school) -> list[tuple[int, date, date]]:
    rows = (
        RegisterMark.objects.filter(school=school, code="C2")
        .values("pupil_id")
        .annotate(first=Min("date"), last=Max("date"))
        .order_by("-last", "pupil__upn")
    )
    return [(r["pupil_id"], r["first"], r["last"]) for r in rows]


def build(*, school, sendco, today: date) -> list:
    calendar = SchoolCalendar.for_school(school)
    limit = rules.DEFAULT_MAX_SCHOOL_WEEKS
    made = []
    for (pupil_id, first, last), (reason, detail, review_notes) in zip(
        _c2_runs(school)[:2], STORIES, strict=False
    ):
        pupil = Pupil.objects.select_related("school").get(pk=pupil_id)
        current = last >= today - timedelta(days=7)
        end = rules.latest_end_date(calendar, start=first, max_weeks=limit) if current else last
        if end is None:
            continue
        signed = first - timedelta(days=3)
        ehc = EhcPlan.objects.in_force(first).filter(pupil=pupil).exists() or pupil.sen_provision == "E"
        timetable = part_time.part_time_open(
            actor=sendco,
            pupil=pupil,
            reason=reason,
            reason_detail=detail,
            start_date=first,
            end_date=end,
            sessions=MORNINGS,
            parental_agreement_by="Parent (signed at the implementation meeting)",
            parental_agreement_on=signed,
            risk_assessment_on=signed,
            la_notified_on=first,
            interim_review_called_on=signed if ehc else None,
            virtual_school_consulted_on=signed if pupil.looked_after else None,
            today=first,
            calendar=calendar,
        )
        held = first + timedelta(days=7 if current else 14)
        if held <= today:
            part_time.part_time_review_record(
                actor=sendco,
                timetable=timetable,
                held_on=held,
                notes=review_notes,
                sessions=MORNINGS,
                end_date=end,
                today=held,
                calendar=calendar,
            )
        made.append(timetable)
    return made
