"""Compulsory school age, as the DfE's headline attendance figures use it (docs/rules.md section 2).

The DfE's headline figures cover pupils aged 5 to 15 at the start of the academic year, that is on
31 August before it. Pupils outside that range (nursery and reception children who are 4, sixth
formers of 16 and over) are reported separately, never dropped silently.

For the academic year 2026/27 (31 August 2026) a pupil born on 1 September 2010 is 15, one born on
31 August 2010 is 16 (not of compulsory school age), one born on 31 August 2021 is 5 and one born on
1 September 2021 is 4.

    >>> from datetime import date
    >>> [is_compulsory_school_age(date(*dob), year_start=date(2026, 9, 3))
    ...  for dob in [(2010, 9, 1), (2010, 8, 31), (2021, 8, 31), (2021, 9, 1)]]
    [True, False, True, False]
    >>> birth_date_range(date(2026, 9, 3))
    (datetime.date(2010, 9, 1), datetime.date(2021, 8, 31))
"""

from __future__ import annotations

from datetime import date

FIRST_AGE = 5
LAST_AGE = 15


def age_on(day: date, date_of_birth: date) -> int:
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def census_day(year_start: date) -> date:
    """31 August before the academic year containing ``year_start``."""
    return date(year_start.year if year_start.month >= 9 else year_start.year - 1, 8, 31)


def is_compulsory_school_age(date_of_birth: date, *, year_start: date) -> bool:
    return FIRST_AGE <= age_on(census_day(year_start), date_of_birth) <= LAST_AGE


def birth_date_range(year_start: date) -> tuple[date, date]:
    """The first and last dates of birth of compulsory school age, for a database filter."""
    on = census_day(year_start)
    return date(on.year - LAST_AGE - 1, 9, 1), date(on.year - FIRST_AGE, 8, 31)
