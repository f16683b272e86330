"""Issue 14: a case opened straight into a high tier (or falling several tiers at once) also gets the
earlier tiers' groundwork actions it does not have yet."""

from collections import Counter
from datetime import date

import pytest
from django.utils import timezone

from graduated_response.models import Case, CaseAction, TierAction
from tests.graduated_response.conftest import fill_marks
from tests.graduated_response.test_nightly import run_on

pytestmark = pytest.mark.django_db


def _templates(school, tiers):
    return Counter(
        TierAction.objects.filter(school=school, is_active=True, tier__in=tiers).values_list(
            "tier", flat=True
        )
    )


def test_a_case_opened_in_tier_5_gets_every_earlier_tiers_checklist(school, pupil):
    fill_marks(pupil, date(2026, 9, 1), date(2026, 11, 20), lambda d, s, i: "O" if i % 3 else None)
    run_on(school, date(2026, 11, 20))
    case = Case.objects.get(pupil=pupil)
    assert case.current_tier == 5
    got = Counter(case.actions.values_list("tier", flat=True))
    assert got == _templates(school, range(1, 6)) and set(got) == {1, 2, 3, 4, 5}
    # The groundwork reads as its tier's checklist says, for the role it names.
    first = TierAction.objects.filter(school=school, tier=1).order_by("order", "id").first()
    action = case.actions.get(template=first)
    assert (action.text, action.responsible_role, action.tier) == (first.text, first.responsible_role, 1)
    # Running the night again adds nothing.
    run_on(school, date(2026, 11, 20))
    assert case.actions.count() == sum(got.values())


def test_falling_several_tiers_adds_the_skipped_tiers_but_not_what_the_case_has(
    school, pupil, attendance_officer
):
    fill_marks(pupil, date(2026, 9, 1), date(2026, 11, 13), lambda d, s, i: "O" if i % 16 == 0 else None)
    run_on(school, date(2026, 11, 13))
    case = Case.objects.get(pupil=pupil)
    assert case.current_tier == 1
    done = case.actions.order_by("id").first()
    CaseAction.objects.filter(pk=done.pk).update(done_at=timezone.now(), done_by=attendance_officer)
    fill_marks(pupil, date(2026, 11, 16), date(2026, 11, 27), lambda d, s, i: "G")
    run_on(school, date(2026, 11, 27))
    case.refresh_from_db()
    assert case.current_tier == 4
    got = Counter(case.actions.values_list("tier", flat=True))
    assert got == _templates(school, range(1, 5))  # Tier 1 once (as before), and Tiers 2, 3 and 4
    done.refresh_from_db()
    assert done.is_done  # the Tier 1 action already done stays done, and is not added again
