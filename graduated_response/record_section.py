"""The graduated response app's part of a records export: attendance cases, their actions, and the
log of conversations (staff notes, flagged for review)."""

from __future__ import annotations

from django.db.models import Prefetch

from school.record_sections import THIRD_PARTY, WITHDRAWN, Item, describe, key_of, section, text

from .models import Case, CommunicationLog


@section("cases", "Attendance cases", order=60)
def cases(pupil) -> list[Item]:
    items = []
    for case in (
        Case.objects.filter(pupil=pupil)
        .prefetch_related(
            "actions",
            Prefetch("communications", queryset=CommunicationLog.objects.order_by("happened_on", "pk")),
        )
        .order_by("opened_on")
    ):
        data = describe(
            case, ["status", "current_tier", "opened_on", "closed_on", "close_reason", "key_adult"]
        )
        actions = [
            {
                "Action": action.text,
                "Due": text(action.due_on),
                "Done": text(action.done_at),
                "Note": action.done_note,
            }
            for action in case.actions.all()
        ]
        items.append(
            Item(key=key_of(case), title=f"Case opened {text(case.opened_on)}", data=data, rows=actions)
        )
        notes = [
            {
                "Date": text(log.happened_on),
                "Kind": log.get_kind_display(),
                "With": log.with_whom,
                "Summary": log.summary,
                "Withdrawn": f"{text(log.withdrawn_at)}: {log.withdrawal_reason}" if log.is_withdrawn else "",
            }
            for log in case.communications.all()
        ]
        # A withdrawn entry is still held (so it is disclosed), but it may be about another pupil.
        withdrawn = any(log.is_withdrawn for log in case.communications.all())
        if notes:
            # Notes of conversations name other people and record staff's own words.
            items.append(
                Item(
                    key=f"{key_of(case)}:log",
                    title="Log of conversations",
                    rows=notes,
                    flag=f"{THIRD_PARTY}; {WITHDRAWN}" if withdrawn else THIRD_PARTY,
                )
            )
    return items
