"""Letters reads, narrowed to what the user may open."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from school import policy

from .defaults import LEGAL_STEP_CODES
from .models import Email, Letter


def kinds_visible_to(user, school) -> list[str]:
    """Kinds the user's roles let them open about every pupil in their scope."""
    return [
        kind for kind, capability in Letter.KIND_CAPABILITY.items() if policy.can(user, school, capability)
    ]


def kinds_for_key_adults() -> list[str]:
    """Kinds a case's key adult opens about the pupils of their own cases (policy.KEY_ADULT_CAPABILITIES:
    attendance letters, which need VIEW_CASES), though no role of theirs gives it."""
    return [
        kind
        for kind, capability in Letter.KIND_CAPABILITY.items()
        if capability in policy.KEY_ADULT_CAPABILITIES
    ]


def letters_for(*, user, school, pupil=None, kinds=None) -> QuerySet[Letter]:
    """Letters about pupils in the user's scope, of kinds the user may open, newest first; a legal
    step's letter (LEGAL_STEP_CODES) only for roles holding policy.VIEW_LEGAL_LETTERS."""
    allowed = kinds_visible_to(user, school)
    as_key_adult = [kind for kind in kinds_for_key_adults() if kind not in allowed]
    if kinds is not None:
        allowed = [kind for kind in allowed if kind in kinds]
        as_key_adult = [kind for kind in as_key_adult if kind in kinds]
    visible = Q(kind__in=allowed)
    if as_key_adult:
        visible |= Q(kind__in=as_key_adult, pupil__in=policy.key_adult_pupils(user, school))
    letters = Letter.objects.filter(school=school).filter(visible)
    if not policy.can(user, school, policy.VIEW_LEGAL_LETTERS):
        letters = letters.exclude(code__in=LEGAL_STEP_CODES)
    if pupil is not None:
        letters = letters.filter(pupil=pupil)
    return policy.scoped_to_pupils(user, school, letters).select_related("created_by")


def emails_for(*, user, school) -> QuerySet[Email]:
    """E-mails about pupils in the user's scope, of kinds the user may send."""
    allowed = [kind for kind, cap in Email.KIND_CAPABILITY.items() if policy.can(user, school, cap)]
    return policy.scoped_to_pupils(user, school, Email.objects.filter(school=school, kind__in=allowed))
