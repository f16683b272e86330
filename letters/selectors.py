"""Letters reads, narrowed to what the user may open."""

from __future__ import annotations

from django.db.models import QuerySet

from school import policy

from .models import Email, Letter


def kinds_visible_to(user, school) -> list[str]:
    return [
        kind for kind, capability in Letter.KIND_CAPABILITY.items() if policy.can(user, school, capability)
    ]


def letters_for(*, user, school, pupil=None, kinds=None) -> QuerySet[Letter]:
    """Letters about pupils in the user's scope, of kinds the user may open, newest first."""
    allowed = kinds_visible_to(user, school)
    if kinds is not None:
        allowed = [kind for kind in allowed if kind in kinds]
    letters = Letter.objects.filter(school=school, kind__in=allowed)
    if pupil is not None:
        letters = letters.filter(pupil=pupil)
    return policy.scoped_to_pupils(user, school, letters).select_related("created_by")


def emails_for(*, user, school) -> QuerySet[Email]:
    """E-mails about pupils in the user's scope, of kinds the user may send."""
    allowed = [kind for kind, cap in Email.KIND_CAPABILITY.items() if policy.can(user, school, cap)]
    return policy.scoped_to_pupils(user, school, Email.objects.filter(school=school, kind__in=allowed))
