"""SEND deadlines of part-time timetables (seed 001 Appendix 3), registered with send.deadlines.

For each active timetable: the next fortnightly review, the end date (end it, or extend it within the
limit), and, when missing, the parent's signed agreement and the end date itself (due from the start:
both were needed before it began). Overdue items are included. Alerted to the SENDCo and the head. One
query for the whole school.
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from .deadlines import Deadline, deadline_source
from .selectors_timetables import open_timetables_due

ROLES = ("sendco", "headteacher")


@deadline_source
def part_time_timetable_deadlines(school, *, today: date, until: date) -> list[Deadline]:
    items = []
    for t in open_timetables_due(school=school, until=until):
        common = {
            "pupil_id": t.pupil_id,
            "pupil_name": str(t.pupil),
            "url": reverse("send:timetable_detail", args=[t.pk]),
            "key": f"part_time:{t.pk}",
            "for_roles": ROLES,
        }
        if t.next_review_due <= until:
            items.append(
                Deadline(
                    kind="part_time.review",
                    title="Review the part-time timetable",
                    due=t.next_review_due,
                    rule="Reviewed fortnightly (the school's setting), from the start and from each review.",
                    **common,
                )
            )
        if t.end_date is None:
            items.append(
                Deadline(
                    kind="part_time.end_date",
                    title="Give the part-time timetable an end date",
                    due=t.start_date,
                    rule="A part-time timetable must have a time limit, within the school's limit in school weeks.",
                    **common,
                )
            )
        elif t.end_date <= until:
            items.append(
                Deadline(
                    kind="part_time.end",
                    title="The part-time timetable ends: end it, or extend it within the limit",
                    due=t.end_date,
                    rule="The end date agreed at the implementation meeting.",
                    **common,
                )
            )
        if not t.has_consent:
            items.append(
                Deadline(
                    kind="part_time.consent",
                    title="Record the parent's signed agreement to the part-time timetable",
                    due=t.start_date,
                    rule="The parent signs the agreement before the timetable starts (the protocol).",
                    **common,
                )
            )
    return items
