"""The retention rule: when a pupil's records may be deleted.

A pupil's records are due for deletion on the latest date any applicable rule allows:

- attendance register entries: `years` after the entry; the last entry is on the leaving date, so
  leaving date + years;
- other pupil records: leaving date + years;
- SEN file (the pupil was ever on the SEN register or has SEND records): date of birth + years.

Worked example with the statutory defaults (6, 6, 31 years): a pupil born 2005-03-10 who left on
2016-07-20 with an SEN file may be deleted from 2036-03-10 (birth + 31 years), later than
2022-07-20 (leaving + 6 years). Without an SEN file: from 2022-07-20. A pupil still on roll: never.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

REGISTER_ENTRIES = "register_entries"
SEN_FILE = "sen_file"
PUPIL_RECORD = "pupil_record"
LEAVING_DATE = "leaving_date"
DATE_OF_BIRTH = "date_of_birth"

# The statutory defaults (docs/rules.md section 6; IRMS toolkit for schools).
STATUTORY_DEFAULTS = {
    REGISTER_ENTRIES: (6, LEAVING_DATE),
    SEN_FILE: (31, DATE_OF_BIRTH),
    PUPIL_RECORD: (6, LEAVING_DATE),
}


@dataclass(frozen=True)
class Rule:
    record_type: str
    years: int
    anchor: str


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February becomes 1 March in a non-leap year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def deletion_due_on(
    *, rules: list[Rule], date_of_birth: date, leaving_date: date | None, has_sen_file: bool
) -> date | None:
    """The first day the pupil's records may be deleted, or None while the pupil is on roll."""
    if leaving_date is None:
        return None
    anchors = {LEAVING_DATE: leaving_date, DATE_OF_BIRTH: date_of_birth}
    due = leaving_date
    for rule in rules:
        if rule.record_type == SEN_FILE and not has_sen_file:
            continue
        due = max(due, add_years(anchors[rule.anchor], rule.years))
    return due


def default_rules() -> list[Rule]:
    return [Rule(kind, years, anchor) for kind, (years, anchor) in STATUTORY_DEFAULTS.items()]
