"""Reads for the SENDCo's deadline calendar and its iCalendar feed.

``visible_deadlines`` is every SEND deadline of the school (``send.deadlines``) that the person may
see: school-wide items, and items about pupils in their scope (``policy.pupils_in_scope``, one
query whatever the number of items). ``deadline_calendar`` adds the page's filters and groups the
items by week (``send.deadline_weeks``). django-filter filters querysets; deadlines are computed in
memory from several sources, so the filter is a plain form applied here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django import forms

from school import policy
from school.models import YearGroup

from . import deadline_weeks
from .deadlines import Deadline, Gathered, gather_deadlines


@dataclass(frozen=True)
class PupilLabel:
    """What the feed may say about a pupil: initials and year group, never the name."""

    initials: str
    year_group: str

    def __str__(self):
        return f"{self.initials} ({self.year_group})" if self.initials else self.year_group


@dataclass(frozen=True)
class Visible:
    items: list[Deadline]
    failed: list[str]
    pupils: dict[int, PupilLabel] = field(default_factory=dict)


def _initials(first: str, last: str) -> str:
    return "".join(part[:1].upper() for part in (first.strip(), last.strip()) if part)


def visible_deadlines(*, user, school, today: date, until: date) -> Visible:
    """The school's deadlines due by `until` (overdue included) that `user` may see."""
    gathered: Gathered = gather_deadlines(school, today=today, until=until)
    ids = {d.pupil_id for d in gathered.items if d.pupil_id is not None}
    rows = (
        policy.pupils_in_scope(user, school)
        .filter(pk__in=ids)
        .values_list(
            "pk",
            "preferred_first_name",
            "legal_first_name",
            "preferred_last_name",
            "legal_last_name",
            "year_group",
        )
        if ids
        else []
    )
    pupils = {
        pk: PupilLabel(
            _initials(pf or lf, pl or ll), YearGroup(year).label if year in YearGroup.values else ""
        )
        for pk, pf, lf, pl, ll, year in rows
    }
    items = [d for d in gathered.items if d.pupil_id is None or d.pupil_id in pupils]
    return Visible(items=items, failed=gathered.failed, pupils=pupils)


def overdue_count(*, user, school, today: date) -> int:
    """How many of the deadlines `user` may see are overdue (due before today): the SEND dashboard's
    count, which links to the calendar filtered to overdue (?when=overdue)."""
    visible = visible_deadlines(user=user, school=school, today=today, until=today)
    return sum(1 for d in visible.items if deadline_weeks.week_group(d.due, today) == deadline_weeks.OVERDUE)


class DeadlineFilterForm(forms.Form):
    local_authority = forms.ChoiceField(label="Local authority", required=False)
    kind = forms.ChoiceField(label="Step", required=False)
    when = forms.ChoiceField(label="When", required=False, choices=[("", "Any time"), *deadline_weeks.GROUPS])

    def __init__(self, *args, items: list[Deadline], **kwargs):
        super().__init__(*args, **kwargs)
        authorities = sorted({d.local_authority for d in items if d.local_authority})
        kinds: dict[str, str] = {}
        for d in items:
            kinds.setdefault(d.kind, d.title)
        self.fields["local_authority"].choices = [("", "Every local authority")] + [
            (a, a) for a in authorities
        ]
        self.fields["kind"].choices = [("", "Every step")] + sorted(kinds.items(), key=lambda kv: kv[1])

    def apply(self, items: list[Deadline]) -> list[Deadline]:
        if not self.is_valid():
            return items
        authority, kind = self.cleaned_data.get("local_authority"), self.cleaned_data.get("kind")
        return [
            d
            for d in items
            if (not authority or d.local_authority == authority) and (not kind or d.kind == kind)
        ]


@dataclass(frozen=True)
class Group:
    key: str
    heading: str
    items: list[Deadline]


@dataclass(frozen=True)
class Calendar:
    form: DeadlineFilterForm
    groups: list[Group]
    failed: list[str]
    until: date
    total: int


def deadline_calendar(*, user, school, today: date, data=None) -> Calendar:
    """The calendar page: filters from `data` (request.GET), items grouped by week."""
    until = deadline_weeks.calendar_until(today)
    visible = visible_deadlines(user=user, school=school, today=today, until=until)
    form = DeadlineFilterForm(data or None, items=visible.items)
    items = form.apply(visible.items)
    by_group: dict[str, list[Deadline]] = {key: [] for key, _ in deadline_weeks.GROUPS}
    for d in items:
        by_group[deadline_weeks.week_group(d.due, today)].append(d)
    when = form.cleaned_data.get("when") if form.is_valid() else ""
    groups = [
        Group(key, heading, by_group[key])
        for key, heading in deadline_weeks.GROUPS
        if not when or key == when
    ]
    total = sum(len(g.items) for g in groups)
    return Calendar(form=form, groups=groups, failed=visible.failed, until=until, total=total)
