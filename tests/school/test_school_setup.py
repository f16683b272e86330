"""A school is created with every app's defaults, so pages and nightly runs only read them."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from graduated_response.models import ResponseSettings, TierAction, TierBand
from graduated_response.services import SchoolNotSetUp, tier_bands_of
from school.models import AuditEntry, School
from school.services import school_create
from tests import factories as f


def test_school_create_sets_up_the_tier_bands_and_checklists_and_audits(db):
    trust = f.TrustFactory()
    school = school_create(actor=None, trust=trust, name="Larkfield Primary", urn="912345")
    assert TierBand.objects.filter(school=school).count() == 6
    assert ResponseSettings.objects.filter(school=school).exists()
    assert TierAction.objects.filter(school=school).exists()
    assert AuditEntry.objects.filter(action="school.school.created", school=school).exists()


def test_a_school_created_otherwise_is_reported_not_silently_set_up_by_a_page(
    login, attendance_officer, school
):
    bare = School.objects.create(trust=school.trust, name="Bare Primary")
    with pytest.raises(SchoolNotSetUp, match="set_up_schools"):
        tier_bands_of(bare)
    out = io.StringIO()
    call_command("set_up_schools", "--school", "Bare Primary", stdout=out)
    assert TierBand.objects.filter(school=bare).count() == 6
    before = TierBand.objects.count(), TierAction.objects.count()
    login(attendance_officer).get(reverse("graduated_response:tier_bands"))
    login(attendance_officer).get(reverse("graduated_response:tier_actions"))
    assert (TierBand.objects.count(), TierAction.objects.count()) == before  # GET pages write nothing
