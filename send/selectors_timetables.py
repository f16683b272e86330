"""Reads for part-time timetables: the school's list with its flags, one pupil's timetables, and the
flags themselves (shared by the pages and the SEND deadlines in send/deadlines_timetables.py).

A flag goes to the SENDCo and the headteacher: no parental agreement recorded, no end date, an expired
timetable (its end date has passed and it is still active), or a missed review (the next review was due
before today). Each read is a fixed number of queries, whatever the number of timetables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from school import policy

from .models_timetables import PartTimeHistory, PartTimeReview, PartTimeSession, PartTimeTimetable

CONSENT = "consent"
END_DATE = "end_date"
EXPIRED = "expired"
REVIEW = "review"


@dataclass(frozen=True)
class Flag:
    kind: str
    text: str
    due: date


def _d(day: date) -> str:
    return f"{day:%-d %B %Y}"


def timetable_flags(timetable: PartTimeTimetable, *, today: date) -> list[Flag]:
    """What needs the SENDCo's or the head's attention on an active timetable (none once ended)."""
    if timetable.status != "active" or timetable.is_withdrawn:
        return []
    flags = []
    if not timetable.has_consent:
        flags.append(
            Flag(
                CONSENT,
                "No parental agreement recorded: the parent must sign the agreement before it starts.",
                timetable.start_date,
            )
        )
    if timetable.end_date is None:
        flags.append(
            Flag(END_DATE, "No end date: a part-time timetable must have a time limit.", timetable.start_date)
        )
    elif timetable.end_date < today:
        flags.append(
            Flag(
                EXPIRED,
                f"Expired: its end date was {_d(timetable.end_date)} and it is still active. End it, or "
                "extend it within the limit.",
                timetable.end_date,
            )
        )
    if timetable.next_review_due < today:
        flags.append(
            Flag(
                REVIEW,
                f"Review missed: it was due on {_d(timetable.next_review_due)}.",
                timetable.next_review_due,
            )
        )
    return flags


def timetables_for_school(*, user, school) -> QuerySet[PartTimeTimetable]:
    """The school's timetables for the list page (active first), pupils in the user's scope."""
    return (
        policy.scoped_to_pupils(user, school, PartTimeTimetable.objects.current().filter(school=school))
        .select_related("pupil", "pupil__registration_class", "school")
        .prefetch_related("sessions")
        .order_by("status", "end_date", "pupil__legal_last_name", "pk")
    )


def timetables_for_pupil(*, pupil) -> list[PartTimeTimetable]:
    return list(
        PartTimeTimetable.objects.current()
        .filter(pupil=pupil)
        .select_related("pupil", "school")
        .prefetch_related("sessions")
        .order_by("-start_date", "-pk")
    )


def timetable_detail(timetable: PartTimeTimetable) -> dict:
    return {
        "reviews": list(
            PartTimeReview.objects.filter(timetable=timetable)
            .select_related("recorded_by")
            .order_by("-held_on", "-id")
        ),
        "history": list(
            PartTimeHistory.objects.filter(timetable=timetable).select_related("by").order_by("at", "id")
        ),
    }


def open_timetables_due(*, school, until: date) -> QuerySet[PartTimeTimetable]:
    """Active timetables with anything due by ``until`` or missing (one query, for the deadlines)."""
    return (
        PartTimeTimetable.objects.active()
        .filter(school=school)
        .filter(
            Q(next_review_due__lte=until)
            | Q(end_date__lte=until)
            | Q(end_date__isnull=True)
            | Q(parental_agreement_on__isnull=True)
            | Q(parental_agreement_by="")
        )
        .select_related("pupil")
        .prefetch_related(Prefetch("sessions"))
    )


def pupils_timetabled_out(pupil_ids: list[int], day: date, session: str) -> set[int]:
    """The pupils among ``pupil_ids`` whose timetable in force on ``day`` (active, with its end date
    set, as send.services.part_time pre-codes only then) does not have them in school that session:
    the source the register asks before accepting a typed C2 (attendance.part_time_sources,
    registered in send.apps). One query."""
    attending = PartTimeSession.objects.filter(
        timetable=OuterRef("pk"), weekday=day.weekday(), session=session
    )
    return set(
        PartTimeTimetable.objects.in_force(day)
        .filter(pupil_id__in=pupil_ids, end_date__isnull=False)
        .exclude(Exists(attending))
        .values_list("pupil_id", flat=True)
    )
