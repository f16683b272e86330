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

from letters.defaults import SANCTION_CODES

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


def provision_of(*, register: str, field: str) -> str:
    """The pupil's census SEN provision from the SEN register's census code (send) and the census
    field on the pupil (imported pupils may have no register record yet): the stricter of the two
    wins, so a stale field never opens the gate.

    >>> provision_of(register="N", field="K"), provision_of(register="E", field="K")
    ('K', 'E')
    """
    codes = {register, field}
    return "E" if "E" in codes else "K" if "K" in codes else "N"


def pupil_provision(pupil) -> str:
    """One pupil's census SEN provision (``provision_of``)."""
    return pupil_provisions([pupil])[pupil.pk]


def pupil_provisions(pupils) -> dict[int, str]:
    """Each pupil's census SEN provision, by pk, in one query (the SEN register of send)."""
    from send import register_status, selectors

    statuses = selectors.current_statuses(pupil_ids=[p.pk for p in pupils])
    return {
        p.pk: provision_of(register=register_status.census_code(statuses[p.pk]), field=p.sen_provision)
        for p in pupils
    }


def sanction_refusals(*, pupils, code: str) -> dict[int, str]:
    """{pupil pk: why not} for the pupils whose letter ``code`` the gate holds back; the others are
    absent. A fixed number of queries however many pupils (a batch review asks for hundreds): the
    register statuses, the open cases' opening days and the joint reviews held, one query each."""
    if code not in SANCTION_CODES:
        return {}
    pupils = list(pupils)
    provisions = pupil_provisions(pupils)
    with_send = [p for p in pupils if provisions[p.pk] in SEND_PROVISION]
    if not with_send:
        return {}
    from letters.models import Meeting

    from .models import Case

    ids = [p.pk for p in with_send]
    today = timezone.localdate()
    opened = dict(Case.objects.filter(pupil_id__in=ids).open().values_list("pupil_id", "opened_on"))
    since = {pk: review_counts_from(case_opened_on=opened.get(pk), today=today) for pk in ids}
    latest: dict[int, date] = {}
    held = (
        Meeting.objects.filter(
            pupil_id__in=ids,
            kind=Meeting.Kind.SEND_REVIEW,
            status=Meeting.Status.HELD,
            held_on__gte=min(since.values()),
        )
        .exclude(outcome="")
        .values_list("pupil_id", "held_on")
    )
    for pk, held_on in held:
        latest[pk] = max(held_on, latest.get(pk, held_on))
    refusals = {}
    for pk in ids:
        reason = sanction_refusal(
            code=code, provision=provisions[pk], review_held=pk in latest and latest[pk] >= since[pk]
        )
        if reason:
            refusals[pk] = reason
    return refusals


def sanction_gate(*, pupil, code: str) -> str | None:
    """None when the letter ``code`` may be produced for ``pupil``; else why not (plain English)."""
    return sanction_refusals(pupils=[pupil], code=code).get(pupil.pk)
