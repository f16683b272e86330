"""The open-cases table on the dashboard: the columns a case can be sorted by, and their headers.

The figures behind the columns are annotated in the database by ``selectors.case_list`` (attendance
year to date and a week ago, the last contact, the next action due, the new alerts), so sorting by any
of them is one query for the page whatever the number of cases. This module only maps a ``sort``
value from the address to an ordering, and builds the header links.

>>> ordering_for("-attendance")[0]
OrderBy(F(attendance_ratio), descending=True)
>>> sort_key("nonsense"), sort_key("-change"), sort_key("")
('-tier', '-change', '-tier')
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import F

#: sort value -> (column heading, the annotation or field it orders by)
COLUMNS: dict[str, tuple[str, str]] = {
    "pupil": ("Pupil", "pupil__legal_last_name"),
    "tier": ("Tier", "current_tier"),
    "attendance": ("Attendance", "attendance_ratio"),
    "change": ("Change since last week", "change_ratio"),
    "last_contact": ("Last contact", "last_contact"),
    "next_due": ("Next action due", "next_action_due"),
    "alerts": ("New alerts", "new_alerts"),
}
DEFAULT_SORT = "-tier"
#: The order within equal values: the pupil's name, then the case (so pages never overlap).
TIE_BREAK = ("pupil__legal_last_name", "pupil__legal_first_name", "pk")


def sort_key(raw: str | None) -> str:
    """The sort asked for, or the default when it is not one of ours."""
    raw = raw or ""
    return raw if raw.lstrip("-") in COLUMNS else DEFAULT_SORT


def ordering_for(raw: str | None) -> list:
    key = sort_key(raw)
    descending = key.startswith("-")
    field = COLUMNS[key.lstrip("-")][1]
    # Cases with no figure (no possible sessions, never contacted, nothing due) go last either way,
    # except that "never contacted" comes first when sorting by the oldest contact: it is the oldest.
    if field == "last_contact" and not descending:
        first = F(field).asc(nulls_first=True)
    else:
        first = F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
    return [first, *TIE_BREAK]


@dataclass(frozen=True)
class Header:
    key: str
    label: str
    url: str
    #: "ascending" / "descending" for the column the table is sorted by (aria-sort), else "".
    state: str


def headers(*, query: dict[str, list[str]], current: str) -> list[Header]:
    """One header per sortable column; clicking the sorted column again reverses it. ``query`` is
    the page's other parameters (the filters), kept in every link; the page number is dropped."""
    kept = [(k, v) for k, values in query.items() if k not in ("sort", "page") for v in values]
    result = []
    for key, (label, _) in COLUMNS.items():
        if current.lstrip("-") == key:
            state = "descending" if current.startswith("-") else "ascending"
            target = key if current.startswith("-") else f"-{key}"
        else:
            state = ""
            target = key
        result.append(Header(key, label, "?" + urlencode([*kept, ("sort", target)]), state))
    return result
