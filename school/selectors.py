"""Reads for the school app. Filters live here, not in views."""

from django.utils import timezone

from . import policy
from .models import Pupil


def home_summary(*, user, school) -> dict:
    today = timezone.localdate()
    can_see_pupils = policy.can(user, school, policy.VIEW_PUPILS)
    summary = {"roles": [r for r in policy.roles_at(user, school)], "can_see_pupils": can_see_pupils}
    if can_see_pupils:
        summary["pupils_on_roll"] = policy.pupils_in_scope(user, school).on_roll(at=today).count()
        summary["classes"] = list(policy.classes_in_scope(user, school).order_by("year_group", "name"))
    else:
        summary["pupils_on_roll"] = Pupil.objects.for_school(school).on_roll(at=today).count()
    return summary
