"""The SEND gate: a letter that warns of sanctions waits for the joint review with the SENDCo.

The seed attendance policy (004, section 6 and Appendix 4) and the SEND Code of Practice expect a
school to ask first whether unmet needs or missing provision explain a pupil's absence. So for a pupil
on SEN support (census K) or with an EHC plan (census E), no letter in
``letters.defaults.SANCTION_CODES`` (Letter 3, Letter 3a, notice to improve, penalty notice warning)
may be produced until a joint review with the SENDCo has been held and recorded with an outcome
(reasonable adjustments agreed, SEND support plan, referral, or no change). docs/rules.md section 4.

Which review counts (our choice; the policy is silent): one held on or after the day the pupil's
current open attendance case opened, because a review from an earlier episode said nothing about
this fall in attendance. With no open case, one held in the last ``REVIEW_VALID_DAYS`` days.

``sanction_refusal`` is the pure rule; ``sanction_gate`` reads the pupil's SEN status (send) and the
meetings (letters) and applies it.

    >>> sanction_refusal(code="letter_3", provision="K", review_held=False) is not None
    True
    >>> sanction_refusal(code="letter_3", provision="K", review_held=True) is None
    True
    >>> sanction_refusal(code="letter_2", provision="E", review_held=False) is None
    True
    >>> sanction_refusal(code="penalty_warning", provision="N", review_held=False) is None
    True
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

try:  # owned by the templates engineer (letters/defaults.py)
    from letters.defaults import SANCTION_CODES
except ImportError:  # pragma: no cover - until letters.defaults lands
    SANCTION_CODES = frozenset({"letter_3", "letter_3a", "notice_to_improve", "penalty_warning"})

#: With no open case, a joint review held this many days ago or fewer still counts.
REVIEW_VALID_DAYS = 365

SEND_PROVISION = {"K": "SEN support", "E": "an EHC plan"}


def sanction_refusal(*, code: str, provision: str, review_held: bool) -> str | None:
    """None when a letter with template ``code`` may be produced for a pupil whose census SEN
    provision is ``provision`` ("N", "K" or "E"); otherwise the reason, in plain English.

    ``review_held``: a joint SENDCo review with an outcome is recorded in the period that counts.
    """
    if code not in SANCTION_CODES or provision not in SEND_PROVISION or review_held:
        return None
    return (
        f"This pupil has {SEND_PROVISION[provision]}. A letter that warns of sanctions can be produced "
        "only after the joint review with the SENDCo is recorded as a meeting with an outcome: check "
        "whether unmet needs or missing provision explain the absence, and adjust the support first."
    )


def review_counts_from(*, case_opened_on: date | None, today: date) -> date:
    """The first day a joint review may have been held on to count.

    >>> review_counts_from(case_opened_on=date(2026, 11, 2), today=date(2026, 12, 1))
    datetime.date(2026, 11, 2)
    >>> review_counts_from(case_opened_on=None, today=date(2026, 12, 1))
    datetime.date(2025, 12, 1)
    """
    return case_opened_on if case_opened_on is not None else today - timedelta(days=REVIEW_VALID_DAYS)


def pupil_provision(pupil) -> str:
    """The pupil's census SEN provision: the SEN register's status (send) where the pupil has a
    record, else the census field on the pupil (imported pupils may have no register record yet).
    The stricter of the two wins, so a stale field never opens the gate."""
    from send import register_status, selectors

    from_register = register_status.census_code(selectors.current_status(pupil=pupil))
    codes = {from_register, pupil.sen_provision}
    return "E" if "E" in codes else "K" if "K" in codes else "N"


def joint_review_held(*, pupil, since: date) -> bool:
    from letters.models import Meeting

    return (
        Meeting.objects.filter(
            pupil=pupil, kind=Meeting.Kind.SEND_REVIEW, status=Meeting.Status.HELD, held_on__gte=since
        )
        .exclude(outcome="")
        .exists()
    )


def sanction_gate(*, pupil, code: str) -> str | None:
    """None when the letter ``code`` may be produced for ``pupil``; else why not (plain English)."""
    if code not in SANCTION_CODES:
        return None
    provision = pupil_provision(pupil)
    if provision not in SEND_PROVISION:
        return None
    from .models import Case

    opened = Case.objects.filter(pupil=pupil).open().values_list("opened_on", flat=True).first()
    since = review_counts_from(case_opened_on=opened, today=timezone.localdate())
    return sanction_refusal(
        code=code, provision=provision, review_held=joint_review_held(pupil=pupil, since=since)
    )
