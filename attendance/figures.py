"""Attendance figures from session counts: the one statistics engine, as pure rules.

The rules (DfE attendance statistics methodology; docs/rules.md section 2):

* possible = attendance + authorised + unauthorised sessions ("not counted" codes are left out);
* attendance % = attendance / possible x 100; absence % = (authorised + unauthorised) / possible x 100;
* a pupil with no possible sessions has no percentage ("no sessions yet"), never 0% or 100%;
* persistent absence: absence >= 10% of the pupil's own possible sessions; severe absence: >= 50%
  (a severely absent pupil is also persistently absent);
* a group's figures (class, year, school) are a ratio of sums, never a mean of pupils' percentages.

Percentages are computed from the integer counts. Displayed figures are rounded half-up to one
decimal place with exact integer arithmetic, so 1,859 of 2,000 sessions (92.95%) shows as 93.0,
where binary floats would give 92.9. Thresholds are compared as integers, so exactly 10% absence
is persistent absence however the division would round.

Worked example: a pupil with 180 possible sessions who missed 12 through illness (I) and 6 through
an unagreed holiday (G), and arrived after the register closed (U) twice.

    >>> f = Figures.from_code_counts({"/": 80, "\\\\": 80, "I": 12, "G": 6, "U": 2, "#": 10})
    >>> f.possible, f.attendance, f.authorised, f.unauthorised, f.not_counted
    (180, 160, 12, 8, 10)
    >>> f.attendance_pct_1dp, f.absence_pct_1dp
    (Decimal('88.9'), Decimal('11.1'))
    >>> f.is_persistent_absence, f.is_severe_absence   # 20 * 10 >= 180; 20 * 2 < 180
    (True, False)
    >>> f.hours_lost()                                  # 20 sessions x 3.25 hours
    Decimal('65.00')

Two pupils, one with 10 of 10 sessions and one with 50 of 100: the group's attendance is
60 / 110 = 54.5%, not the mean of 100% and 50% (75%).

    >>> combine([Figures.from_code_counts({"/": 10}),
    ...          Figures.from_code_counts({"/": 50, "O": 50})]).attendance_pct_1dp
    Decimal('54.5')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal

from attendance import codes

__all__ = ["DEFAULT_HOURS_PER_SESSION", "Figures", "combine", "percentage", "percentage_1dp"]

#: Hours in one session when a report turns sessions into time. A school day is two sessions
#: (morning and afternoon); DfE expects a 32.5-hour week, i.e. 6.5 hours a day, so 3.25 hours a
#: session. A school with a different day passes its own value.
DEFAULT_HOURS_PER_SESSION = Decimal("3.25")


def percentage(part: int, whole: int) -> float | None:
    """``part`` as a percentage of ``whole``; None when ``whole`` is 0 (there is no percentage).

    For charts and comparisons; use :func:`percentage_1dp` for anything a person reads.

    >>> percentage(1, 8), percentage(0, 0)
    (12.5, None)
    """
    if whole == 0:
        return None
    return part * 100 / whole


def percentage_1dp(part: int, whole: int) -> Decimal | None:
    """``part`` as a percentage of ``whole``, rounded half-up to one decimal place.

    Exact: the rounding is done on integers, so a value exactly halfway (92.95) always goes up.

    >>> percentage_1dp(1859, 2000), percentage_1dp(18588, 20000), percentage_1dp(19, 20)
    (Decimal('93.0'), Decimal('92.9'), Decimal('95.0'))
    """
    if whole == 0:
        return None
    if part < 0 or whole < 0:
        raise ValueError("session counts cannot be negative")
    # round(part * 1000 / whole) with halves going up == floor((2000 * part + whole) / (2 * whole))
    tenths = (2000 * part + whole) // (2 * whole)
    return Decimal(tenths).scaleb(-1)


@dataclass(frozen=True, slots=True)
class Figures:
    """Session counts for a pupil or a group over a period, and the figures they give.

    ``possible`` must equal ``attendance + authorised + unauthorised`` and ``attendance`` must equal
    ``present + approved_activity``; anything else is a counting bug and is refused.

    * ``present`` includes ``late_l`` (L: arrived before the register closed, so present);
      ``unauthorised`` includes ``late_u`` (U: arrived after it closed).
    * ``late_minutes`` is the total minutes late recorded against L marks.
    * ``not_counted`` is sessions with a "not counted" code (D, X, Q, Y1-Y7, Z, #), for information.
    * ``unauthorised_last_10_weeks`` is G/N/O/U sessions in the rolling 10 school weeks before the
      date of the figures (the penalty notice threshold); the caller counts it, as it may span terms.
    """

    possible: int
    attendance: int
    present: int
    approved_activity: int
    authorised: int
    unauthorised: int
    late_l: int = 0
    late_minutes: int = 0
    late_u: int = 0
    not_counted: int = 0
    unauthorised_last_10_weeks: int = 0

    def __post_init__(self) -> None:
        for name in _field_names():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{name} must be a whole number of sessions, not {value!r}")
            if value < 0:
                raise ValueError(f"{name} cannot be negative (got {value})")
        if self.attendance != self.present + self.approved_activity:
            raise ValueError(
                f"attendance ({self.attendance}) must equal present ({self.present}) "
                f"+ approved activity ({self.approved_activity})"
            )
        if self.possible != self.attendance + self.authorised + self.unauthorised:
            raise ValueError(
                f"possible ({self.possible}) must equal attendance ({self.attendance}) "
                f"+ authorised ({self.authorised}) + unauthorised ({self.unauthorised})"
            )
        if self.late_l > self.present:
            raise ValueError("late (L) sessions are present sessions, so cannot exceed present")
        if self.late_u > self.unauthorised:
            raise ValueError("late (U) sessions are unauthorised absences, so cannot exceed unauthorised")

    # --- construction -------------------------------------------------------------------------

    @classmethod
    def from_totals(
        cls,
        *,
        present: int = 0,
        approved_activity: int = 0,
        authorised: int = 0,
        unauthorised: int = 0,
        late_l: int = 0,
        late_minutes: int = 0,
        late_u: int = 0,
        not_counted: int = 0,
        unauthorised_last_10_weeks: int = 0,
    ) -> Figures:
        """Build from the four category counts; ``attendance`` and ``possible`` are derived.

        >>> Figures.from_totals(present=9, authorised=1).possible
        10
        """
        attendance = present + approved_activity
        return cls(
            possible=attendance + authorised + unauthorised,
            attendance=attendance,
            present=present,
            approved_activity=approved_activity,
            authorised=authorised,
            unauthorised=unauthorised,
            late_l=late_l,
            late_minutes=late_minutes,
            late_u=late_u,
            not_counted=not_counted,
            unauthorised_last_10_weeks=unauthorised_last_10_weeks,
        )

    @classmethod
    def from_code_counts(
        cls, counts: Mapping[str, int], late_minutes: int = 0, *, unauthorised_last_10_weeks: int = 0
    ) -> Figures:
        """Classify per-code session counts (``{"/": 150, "I": 4, ...}``) with the DfE rules.

        Withdrawn pre-2024 codes (H, F, J, Y) are accepted, since history can hold them; an unknown
        code raises :class:`attendance.codes.UnknownCode` rather than being dropped.

        >>> Figures.from_code_counts({"/": 5, "L": 1, "U": 1, "D": 3}).possible
        7
        """
        totals = dict.fromkeys(codes.Category, 0)
        late_l = late_u = 0
        for raw, n in counts.items():
            if n < 0:
                raise ValueError(f"the count for code {raw!r} cannot be negative (got {n})")
            code = codes.normalise(raw)
            totals[codes.category_of(code)] += n
            if code == "L":
                late_l += n
            elif code == "U":
                late_u += n
        return cls.from_totals(
            present=totals[codes.Category.PRESENT],
            approved_activity=totals[codes.Category.APPROVED_ACTIVITY],
            authorised=totals[codes.Category.AUTHORISED],
            unauthorised=totals[codes.Category.UNAUTHORISED],
            late_l=late_l,
            late_minutes=late_minutes,
            late_u=late_u,
            not_counted=totals[codes.Category.NOT_COUNTED],
            unauthorised_last_10_weeks=unauthorised_last_10_weeks,
        )

    # --- sessions -----------------------------------------------------------------------------

    @property
    def absent(self) -> int:
        """Sessions of absence, authorised or not."""
        return self.authorised + self.unauthorised

    @property
    def sessions_lost(self) -> int:
        """Sessions missed (authorised + unauthorised); approved activities are not lost."""
        return self.absent

    def hours_lost(self, hours_per_session: Decimal = DEFAULT_HOURS_PER_SESSION) -> Decimal:
        """Learning time missed, in hours: sessions lost x hours per session (default 3.25)."""
        return self.sessions_lost * Decimal(hours_per_session)

    @property
    def has_sessions(self) -> bool:
        """False when there are no possible sessions yet, so no percentage can be given."""
        return self.possible > 0

    # --- percentages (None when there are no possible sessions) -------------------------------

    @property
    def attendance_pct(self) -> float | None:
        return percentage(self.attendance, self.possible)

    @property
    def absence_pct(self) -> float | None:
        return percentage(self.absent, self.possible)

    @property
    def authorised_pct(self) -> float | None:
        return percentage(self.authorised, self.possible)

    @property
    def unauthorised_pct(self) -> float | None:
        return percentage(self.unauthorised, self.possible)

    @property
    def attendance_pct_1dp(self) -> Decimal | None:
        return percentage_1dp(self.attendance, self.possible)

    @property
    def absence_pct_1dp(self) -> Decimal | None:
        return percentage_1dp(self.absent, self.possible)

    @property
    def authorised_pct_1dp(self) -> Decimal | None:
        return percentage_1dp(self.authorised, self.possible)

    @property
    def unauthorised_pct_1dp(self) -> Decimal | None:
        return percentage_1dp(self.unauthorised, self.possible)

    # --- thresholds (integer comparisons, so a boundary is never lost to rounding) ------------

    @property
    def is_persistent_absence(self) -> bool:
        """Absent for at least 10% of possible sessions (includes severe absence)."""
        return self.possible > 0 and self.absent * 10 >= self.possible

    @property
    def is_severe_absence(self) -> bool:
        """Absent for at least 50% of possible sessions."""
        return self.possible > 0 and self.absent * 2 >= self.possible


def _field_names() -> tuple[str, ...]:
    # Cached: dataclasses.fields() and astuple() are slow enough to show in a whole-school page.
    global _FIELD_NAMES
    if _FIELD_NAMES is None:
        _FIELD_NAMES = tuple(f.name for f in fields(Figures))
    return _FIELD_NAMES


_FIELD_NAMES: tuple[str, ...] | None = None


def combine(figures: Iterable[Figures]) -> Figures:
    """A group's figures: every count summed, so each percentage is a ratio of sums.

    An empty group gives all-zero figures (no percentage), not an error.
    """
    names = _field_names()
    totals = [0] * len(names)
    for f in figures:
        for i, name in enumerate(names):
            totals[i] += getattr(f, name)
    return Figures(*totals)
