"""The attendance app's part of a records export: a summary, every register mark, amendments,
parents' absence calls and leave requests."""

from __future__ import annotations

from school.models import Pupil
from school.record_sections import Item, describe, described, key_of, review_flag, section, text

from .codes import CODES, WITHDRAWN_CODES, normalise
from .figures import percentage_1dp
from .models import AbsenceCall, LeaveRequest, RegisterMark
from .selectors import pupil_amendments
from .statistics import pupil_figures


@section("attendance", "Attendance", order=20)
def attendance(pupil) -> list[Item]:
    marks = list(RegisterMark.objects.filter(pupil=pupil).order_by("date", "session"))
    items = []
    if marks:
        figures = pupil_figures(Pupil.objects.filter(pk=pupil.pk), marks[0].date, marks[-1].date)[pupil.pk]
        shown = percentage_1dp(figures.attendance, figures.possible)
        items.append(
            Item(
                key=f"{key_of(pupil)}:attendance-summary",
                title=f"Summary, {text(marks[0].date)} to {text(marks[-1].date)}",
                data={
                    "Possible sessions": str(figures.possible),
                    "Sessions attended": str(figures.attendance),
                    "Authorised absence": str(figures.authorised),
                    "Unauthorised absence": str(figures.unauthorised),
                    "Attendance": "no sessions yet" if shown is None else f"{shown}%",
                },
            )
        )
    rows = [
        {
            "Date": text(mark.date),
            "Session": mark.get_session_display(),
            "Code": mark.code,
            "Minutes late": text(mark.minutes_late),
        }
        for mark in marks
    ]
    items.append(Item(key=f"{key_of(pupil)}:marks", title="Register marks", rows=rows))
    amendments_list = list(pupil_amendments(pupil=pupil))
    if key := _code_key(
        {m.code for m in marks} | {c for a in amendments_list for c in (a.old_code, a.new_code)}
    ):
        # A parent reading "I" or "G" needs to know what it means: only the codes that appear.
        items.append(Item(key=f"{key_of(pupil)}:code-key", title="Key to register codes", data=key))
    amendments = [
        {
            "Date": text(a.mark.date),
            "Session": a.mark.get_session_display(),
            "From": a.old_code,
            "To": a.new_code,
            "Reason": a.reason,
            "By": a.amended_by_name,
            "When": text(a.amended_at),
        }
        for a in amendments_list
    ]
    if amendments:
        items.append(
            Item(key=f"{key_of(pupil)}:amendments", title="Changes to register marks", rows=amendments)
        )
    for call in AbsenceCall.objects.filter(pupil=pupil).order_by("first_date", "pk"):
        fields = ["caller_name", "method", "reason", "code", "first_date", "last_date", "expected_return"]
        items.append(
            Item(
                key=key_of(call),
                title=f"Absence call, {text(call.first_date)}",
                data=described(call, fields),
                flag=review_flag(call),
            )
        )
    for leave in LeaveRequest.objects.filter(pupil=pupil).order_by("start_date", "pk"):
        fields = ["start_date", "end_date", "reason", "code", "status", "decision_note"]
        items.append(
            Item(
                key=key_of(leave),
                title=f"Leave request from {text(leave.start_date)}",
                data=describe(leave, fields),
            )
        )
    return items


def _code_key(codes) -> dict[str, str]:
    """{code: meaning} for the codes given, in the DfE's order (withdrawn codes after)."""
    known = {**CODES, **WITHDRAWN_CODES}
    present = {normalise(c) for c in codes if c}
    return {
        code: known[code].meaning[:1].upper() + known[code].meaning[1:] for code in known if code in present
    }
