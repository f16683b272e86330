"""The tier from which the nightly run asks for an early review of an EHC plan when attendance falls
is a school setting (ResponseSettings.ehcp_review_from_tier, 3 unless changed, 1 to 5), shown on the
tier bands page and stated on the review request's reason (graduated_response/ehcp_review_tier.py)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from graduated_response.ehcp_review_tier import asks_for_early_review
from graduated_response.models import Case, ResponseSettings, TierBand
from graduated_response.nightly import nightly_checks_run
from school.models import AuditEntry
from send.models import AnnualReview
from tests import factories as f
from tests.graduated_response.conftest import fill_marks
from tests.send.ehcp_factories import ehc_plan

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("from_tier", "to_tier", "setting", "asks"),
    [
        (None, 2, 3, False),  # entering the tier below the setting
        (None, 3, 3, True),  # entering the setting's tier
        (1, 2, 3, False),
        (2, 3, 3, True),  # falling into it
        (3, 4, 3, True),  # falling further (the review in progress is linked, no second one)
        (4, 3, 3, False),  # stepping up is not a fall
        (3, 3, 3, False),  # no move
        (None, 1, 1, True),  # the lowest setting: any tier
        (0, 1, 1, True),
        (3, 4, 5, False),  # the highest setting: only Tier 5
        (4, 5, 5, True),
    ],
)
def test_the_rule_at_its_boundaries(from_tier, to_tier, setting, asks):
    assert asks_for_early_review(from_tier=from_tier, to_tier=to_tier, review_from_tier=setting) is asks


def test_the_setting_defaults_to_3_and_is_validated_1_to_5(school):
    row = ResponseSettings.objects.get(school=school)
    assert row.ehcp_review_from_tier == 3
    for bad in (0, 6):
        row.ehcp_review_from_tier = bad
        with pytest.raises(ValidationError):
            row.full_clean()
    for good in (1, 5):
        row.ehcp_review_from_tier = good
        row.full_clean()


def _pupils_in_tiers_2_and_3(school, own_class, sendco):
    """Two pupils with EHC plans: one absent 1 session in 11 (about 90.9%, Tier 2), one 1 in 8 (87.5%,
    Tier 3), from the start of term to the night of the run."""
    in_2 = f.PupilFactory(school=school, registration_class=own_class, sen_provision="E")
    in_3 = f.PupilFactory(school=school, registration_class=own_class, sen_provision="E")
    plans = {}
    for pupil, every in ((in_2, 11), (in_3, 8)):
        plans[pupil.pk] = ehc_plan(pupil=pupil, created_by=sendco, issue_date=date(2026, 3, 1))
        fill_marks(
            pupil,
            date(2026, 9, 1),
            date(2026, 11, 20),
            lambda d, s, i, every=every: "I" if i % every == 0 else None,
        )
    return in_2, in_3, plans


def _run(school):
    with time_machine.travel(datetime(2026, 11, 20, 23, 0, tzinfo=LONDON), tick=False):
        return nightly_checks_run(school=school, on=date(2026, 11, 20))


def test_tier_2_asks_for_nothing_tier_3_asks_with_the_setting_on_the_reason(school, own_class, sendco):
    in_2, in_3, plans = _pupils_in_tiers_2_and_3(school, own_class, sendco)
    _run(school)
    assert Case.objects.get(pupil=in_2).current_tier == 2
    assert Case.objects.get(pupil=in_3).current_tier == 3
    assert not AnnualReview.objects.filter(plan=plans[in_2.pk]).exists()
    review = AnnualReview.objects.get(plan=plans[in_3.pk])
    assert (review.kind, review.status, review.requested_via) == ("early", "requested", "attendance")
    assert review.reason.endswith(", into Tier 3 (the school asks for an early review from Tier 3).")
    audit = AuditEntry.objects.get(action="send.ehc_review.requested", object_id=str(review.pk))
    assert audit.reason == review.reason


def test_a_school_asking_from_tier_2_gets_the_tier_2_pupils_review(school, own_class, sendco):
    ResponseSettings.objects.filter(school=school).update(ehcp_review_from_tier=2)
    in_2, in_3, plans = _pupils_in_tiers_2_and_3(school, own_class, sendco)
    _run(school)
    reasons = {
        r.pupil_id: r.reason for r in AnnualReview.objects.filter(plan__in=plans.values(), kind="early")
    }
    assert reasons[in_2.pk].endswith(", into Tier 2 (the school asks for an early review from Tier 2).")
    assert reasons[in_3.pk].endswith(", into Tier 3 (the school asks for an early review from Tier 2).")


def test_a_school_asking_from_tier_4_gets_no_tier_3_review(school, own_class, sendco):
    ResponseSettings.objects.filter(school=school).update(ehcp_review_from_tier=4)
    _, _, plans = _pupils_in_tiers_2_and_3(school, own_class, sendco)
    _run(school)
    assert not AnnualReview.objects.filter(plan__in=plans.values()).exists()


def _band_data(school, **extra):
    data = {"min_possible_sessions": 20, "step_down_weeks": 4}
    for band in TierBand.objects.filter(school=school):
        data[f"tier_{band.tier}_low"], data[f"tier_{band.tier}_high"] = band.low_pct, band.high_pct
    return {**data, **extra}


def test_the_setting_is_on_the_tier_bands_page_saved_and_audited(login, attendance_officer, school):
    client = login(attendance_officer)
    page = client.get(reverse("graduated_response:tier_bands")).content.decode()
    assert "Ask for an early review of an EHC plan when attendance falls into" in page
    assert '<option value="3" selected>Tier 3 or worse</option>' in page
    response = client.post(
        reverse("graduated_response:tier_bands"), _band_data(school, ehcp_review_from_tier=2)
    )
    assert response.status_code == 302
    assert ResponseSettings.objects.get(school=school).ehcp_review_from_tier == 2
    entry = AuditEntry.objects.get(action="graduated_response.tier_bands.changed")
    assert entry.before["ehcp_review_from_tier"] == 3 and entry.after["ehcp_review_from_tier"] == 2
    page = client.get(reverse("graduated_response:tier_bands")).content.decode()
    assert '<option value="2" selected>Tier 2 or worse</option>' in page


@pytest.mark.parametrize("bad", ["0", "6", "three"])
def test_a_setting_outside_1_to_5_is_refused_beside_the_field(login, attendance_officer, school, bad):
    client = login(attendance_officer)
    response = client.post(
        reverse("graduated_response:tier_bands"), _band_data(school, ehcp_review_from_tier=bad)
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert ResponseSettings.objects.get(school=school).ehcp_review_from_tier == 3


def test_a_post_without_the_setting_leaves_it_as_it_is(login, attendance_officer, school):
    ResponseSettings.objects.filter(school=school).update(ehcp_review_from_tier=4)
    response = login(attendance_officer).post(reverse("graduated_response:tier_bands"), _band_data(school))
    assert response.status_code == 302
    assert ResponseSettings.objects.get(school=school).ehcp_review_from_tier == 4
