"""Factories for EHC records shared by the issue 13 tests."""

from datetime import date

import factory
from django.utils import timezone

from send.models import EhcPlan, LocalAuthority


class LocalAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalAuthority

    name = factory.Sequence(lambda n: f"Eastmoor Council {n}")
    sen_team_email = "sen@eastmoor.example.org"


def ehc_plan(*, pupil, created_by, issue_date=date(2026, 1, 15), local_authority=None, **extra) -> EhcPlan:
    la = local_authority or LocalAuthorityFactory(trust=pupil.school.trust)
    return EhcPlan.objects.create(
        school=pupil.school,
        pupil=pupil,
        local_authority=la,
        issue_date=issue_date,
        created_by=created_by,
        created_at=timezone.now(),
        **extra,
    )
