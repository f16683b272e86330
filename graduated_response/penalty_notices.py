"""Penalty notices for absence, by the national framework (docs/rules.md section 4; The Education
(Penalty Notices) (England) (Amendment) Regulations 2024 and the national framework).

Pure rules, no database: whether a notice may be issued to one parent for one child, which notice in
the sequence it is, what it costs and by when.

* The threshold: 10 sessions of unauthorised absence (G, N, O, U) in a rolling 10 school weeks (the
  statistics engine's ``Figures.unauthorised_last_10_weeks``). Meeting it means a notice may be
  *considered*; support comes first, so support offered must be on record too.
* Each liable parent is counted separately, and per child: the caller passes only the notices issued
  to this parent for this child.
* Withdrawn notices do not count; paid, unpaid and prosecuted ones do.
* The first notice in a 3-year period: £80 if paid within 21 days of receipt, £160 within 28 days.
  The second in the same period: £160 within 28 days. No third within 3 years of the first notice's
  issue date: the alternatives are a prosecution referral or an education supervision order.
* Reading in force (the framework does not spell these out):
  - "within N days of receipt": the day of receipt is day 0, so the last day to pay is receipt + N
    days (received 1 March: £80 up to and including 22 March, £160 up to and including 29 March).
  - "within 3 years of the first notice's issue date": up to the day before the third anniversary.
    On the anniversary a new 3-year period starts and the next notice is a first notice again
    (29 February's anniversary in a non-leap year is 1 March).

Worked example: a first notice received on 2 March 2026 and paid on the 21st day costs £80; one day
later it costs £160; after day 28 it is unpaid, and the local authority considers prosecution.

    >>> from datetime import date
    >>> amount_due(sequence=1, received_on=date(2026, 3, 2), paid_on=date(2026, 3, 23))
    Decimal('80')
    >>> amount_due(sequence=1, received_on=date(2026, 3, 2), paid_on=date(2026, 3, 24))
    Decimal('160')
    >>> amount_due(sequence=1, received_on=date(2026, 3, 2), paid_on=date(2026, 3, 31)) is None
    True

Two notices already counted for this parent and child, the first issued on 10 January 2026: a third
before 10 January 2029 is refused, with the alternatives.

    >>> prior = [Prior(date(2026, 1, 10), PAID), Prior(date(2026, 5, 4), UNPAID)]
    >>> d = decide(prior=prior, on=date(2027, 2, 1), unauthorised_10_weeks=12, support=["Notice to improve"])
    >>> d.allowed, d.reasons[0][:60]
    (False, 'No third penalty notice to the same parent for the same chil')
    >>> decide(prior=prior, on=date(2029, 1, 10), unauthorised_10_weeks=12, support=["Contract"]).sequence
    1
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

THRESHOLD_SESSIONS = 10  # unauthorised sessions in the rolling 10 school weeks
FIRST_LOWER_AMOUNT = Decimal("80")
HIGHER_AMOUNT = Decimal("160")
LOWER_RATE_DAYS = 21
PAYMENT_DAYS = 28
PERIOD_YEARS = 3
MAX_IN_PERIOD = 2

ISSUED, PAID, UNPAID, PROSECUTED, WITHDRAWN = "issued", "paid", "unpaid", "prosecuted", "withdrawn"
COUNTED_STATUSES = frozenset({ISSUED, PAID, UNPAID, PROSECUTED})

ALTERNATIVES = (
    "Refer the family to the local authority for prosecution (section 444 of the Education Act 1996).",
    "Ask the local authority to consider an education supervision order.",
    "Keep offering support: an attendance contract or a further meeting with the family.",
)


@dataclass(frozen=True)
class Prior:
    """A notice already issued to this parent for this child."""

    issued_on: date
    status: str


@dataclass(frozen=True)
class Decision:
    allowed: bool
    sequence: int | None  # 1 or 2 within the current 3-year period, when allowed
    reasons: list[str] = field(default_factory=list)
    alternatives: tuple[str, ...] = ()
    period_start: date | None = None  # issue date of the first notice of the period

    @property
    def amounts(self) -> list[tuple[Decimal, int]]:
        return payment_terms(self.sequence) if self.sequence else []


def anniversary(day: date, years: int = PERIOD_YEARS) -> date:
    """The same date `years` later (29 February goes to 1 March).

    >>> anniversary(date(2028, 2, 29)), anniversary(date(2026, 1, 10))
    (datetime.date(2031, 3, 1), datetime.date(2029, 1, 10))
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def counted(prior: Sequence[Prior]) -> list[Prior]:
    """The notices that count (withdrawn ones do not), oldest first."""
    return sorted((p for p in prior if p.status in COUNTED_STATUSES), key=lambda p: p.issued_on)


def periods(prior: Sequence[Prior]) -> list[list[Prior]]:
    """Counted notices grouped into 3-year periods, each starting at its first notice's issue date."""
    groups: list[list[Prior]] = []
    for notice in counted(prior):
        if groups and notice.issued_on < anniversary(groups[-1][0].issued_on):
            groups[-1].append(notice)
        else:
            groups.append([notice])
    return groups


def sequence_on(prior: Sequence[Prior], on: date) -> tuple[int, date]:
    """(which notice a new one on `on` would be in its period, the period's start date)."""
    groups = periods([p for p in prior if p.issued_on <= on])
    if groups and on < anniversary(groups[-1][0].issued_on):
        return len(groups[-1]) + 1, groups[-1][0].issued_on
    return 1, on


def decide(
    *, prior: Sequence[Prior], on: date, unauthorised_10_weeks: int, support: Sequence[str]
) -> Decision:
    """May a notice be issued on `on` to this parent for this child? Every reason it may not.

    `prior`: this parent's notices for this child (any status); `support`: descriptions of the
    support on record (empty: none)."""
    reasons: list[str] = []
    if unauthorised_10_weeks < THRESHOLD_SESSIONS:
        reasons.append(
            f"The threshold is not met: {unauthorised_10_weeks} unauthorised session"
            f"{'s' if unauthorised_10_weeks != 1 else ''} in the last 10 school weeks; the national "
            f"framework needs {THRESHOLD_SESSIONS}."
        )
    if not support:
        reasons.append(
            "No support is on record. Support comes first: record a notice to improve, an attendance "
            "contract, or a meeting or home visit with the family on this case."
        )
    sequence, start = sequence_on(prior, on)
    if sequence > MAX_IN_PERIOD:
        reasons.insert(
            0,
            "No third penalty notice to the same parent for the same child within 3 years of the first "
            f"notice's issue date ({start:%-d %B %Y}): the next one may be issued from "
            f"{anniversary(start):%-d %B %Y}.",
        )
    if reasons:
        alternatives = ALTERNATIVES if sequence > MAX_IN_PERIOD else ALTERNATIVES[2:]
        return Decision(False, None, reasons, alternatives, start)
    return Decision(True, sequence, [], (), start)


def same_day_refusal(prior: Sequence[Prior], on: date) -> str | None:
    """Why a notice to this parent for this child on ``on`` is refused because one already counts on
    that day; None otherwise. A penalty notice is one per parent per offence, so a second on the same
    day is a second notice for the same absence (most often the same one entered twice). A withdrawn
    notice does not count: it may be issued again, corrected, on its day.

    >>> same_day_refusal([Prior(date(2026, 11, 16), PAID)], date(2026, 11, 16))[:46]
    'A penalty notice to this parent for this child'
    >>> same_day_refusal([Prior(date(2026, 11, 16), WITHDRAWN)], date(2026, 11, 16)) is None
    True
    >>> same_day_refusal([Prior(date(2026, 11, 16), ISSUED)], date(2026, 11, 17)) is None
    True
    """
    if any(p.issued_on == on for p in counted(prior)):
        return (
            f"A penalty notice to this parent for this child is already recorded on {on:%-d %B %Y}. "
            "The law allows one penalty notice per parent for each offence: choose another date, or "
            "withdraw the first notice if it was entered in error."
        )
    return None


def payment_terms(sequence: int) -> list[tuple[Decimal, int]]:
    """[(amount, days after receipt it may be paid by)], cheapest first.

    >>> payment_terms(1), payment_terms(2)
    ([(Decimal('80'), 21), (Decimal('160'), 28)], [(Decimal('160'), 28)])
    """
    if sequence == 1:
        return [(FIRST_LOWER_AMOUNT, LOWER_RATE_DAYS), (HIGHER_AMOUNT, PAYMENT_DAYS)]
    return [(HIGHER_AMOUNT, PAYMENT_DAYS)]


def deadlines(*, sequence: int, received_on: date) -> list[tuple[Decimal, date]]:
    """[(amount, last day to pay it)] for a notice received on `received_on`."""
    return [(amount, received_on + timedelta(days=days)) for amount, days in payment_terms(sequence)]


def amount_due(*, sequence: int, received_on: date, paid_on: date) -> Decimal | None:
    """The amount due when paid on `paid_on`; None when it is too late to pay (unpaid)."""
    for amount, last_day in deadlines(sequence=sequence, received_on=received_on):
        if paid_on <= last_day:
            return amount
    return None


def last_day_to_pay(*, sequence: int, received_on: date) -> date:
    return deadlines(sequence=sequence, received_on=received_on)[-1][1]


def deemed_received(*, issued_on: date, by_post: bool) -> date:
    """When a parent is deemed to have received a notice: the same day by hand; by first-class post,
    the second working day (Monday to Friday) after posting.

    >>> deemed_received(issued_on=date(2026, 3, 5), by_post=True)  # a Thursday: the Monday after
    datetime.date(2026, 3, 9)
    >>> deemed_received(issued_on=date(2026, 3, 5), by_post=False)
    datetime.date(2026, 3, 5)
    """
    if not by_post:
        return issued_on
    day, working = issued_on, 0
    while working < 2:
        day += timedelta(days=1)
        if day.weekday() < 5:
            working += 1
    return day
