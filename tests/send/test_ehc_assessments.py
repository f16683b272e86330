"""EHC needs assessments: recording steps, refusals beside the field, exceptions, deadlines."""

import re
from datetime import date

import pytest
import time_machine

from school.models import AuditEntry
from send.deadlines_assessments import assessment_deadlines
from send.models import EhcNeedsAssessment, StatutoryException
from send.services import ehc_assessments as services
from tests.send.ehcp_factories import LocalAuthorityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-11-20 10:00", tick=False):
        yield


@pytest.fixture
def la(school):
    return LocalAuthorityFactory(trust=school.trust)


@pytest.fixture
def assessment(sendco, pupil, la):
    return services.assessment_open(
        actor=sendco,
        pupil=pupil,
        local_authority=la,
        requested_by="school",
        request_date=date(2026, 9, 1),
        la_received_on=date(2026, 9, 3),
    )


def test_opening_writes_audit_and_history(assessment):
    assert assessment.status == "received"
    assert [h.to_status for h in assessment.status_history.all()] == ["requested", "received"]
    assert AuditEntry.objects.filter(action="send.assessment.opened").count() == 1


def test_recording_steps_moves_status_with_history(sendco, assessment):
    services.assessment_record_steps(
        actor=sendco, assessment=assessment, decision="assess", decided_on=date(2026, 10, 10)
    )
    assessment.refresh_from_db()
    assert assessment.status == "assessing"
    assert AuditEntry.objects.filter(action="send.assessment.step_recorded").count() == 1


def test_impossible_dates_refused_beside_the_field(login, sendco, assessment):
    client = login(sendco)
    url = f"/send/assessments/{assessment.pk}/steps/"
    response = client.post(url, {"la_received_on": "2026-08-01", "notes": ""})
    assert response.status_code == 200
    assert "cannot be before" in response.content.decode()
    response = client.post(url, {"la_received_on": "2026-09-03", "advice_requested_on": "2026-12-01"})
    assert "in the future" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.la_received_on == date(2026, 9, 3) and assessment.advice_requested_on is None


def test_final_before_draft_refused(sendco, assessment):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as err:
        services.assessment_record_steps(
            actor=sendco, assessment=assessment, final_issued_on=date(2026, 11, 1)
        )
    assert "final_issued_on" in err.value.message_dict


def test_double_submit_makes_one_row(login, sendco, pupil, la):
    client = login(sendco)
    url = f"/send/pupils/{pupil.pk}/assessments/new/"
    page = client.get(url).content.decode()
    token = re.search(r'name="submission_token" value="([^"]+)"', page).group(1)
    data = {
        "local_authority": la.pk,
        "requested_by": "parent",
        "request_date": "2026-11-02",
        "notes": "",
        "submission_token": token,
    }
    client.post(url, data)
    client.post(url, data)
    assert EhcNeedsAssessment.objects.filter(pupil=pupil).count() == 1


def test_stale_edit_refused(login, sendco, assessment):
    client = login(sendco)
    url = f"/send/assessments/{assessment.pk}/steps/"
    page = client.get(url).content.decode()
    version = re.search(r'name="expected_version" value="(\d+)"', page).group(1)
    services.assessment_record_steps(
        actor=sendco, assessment=assessment, advice_requested_on=date(2026, 9, 10)
    )
    response = client.post(url, {"la_received_on": "2026-09-03", "notes": "x", "expected_version": version})
    assert "Someone else changed this" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.notes == ""


def test_another_schools_assessment_is_404(login, sendco, other_school_pupil, headteacher):
    la = LocalAuthorityFactory(trust=other_school_pupil.school.trust)
    foreign = services.assessment_open(
        actor=sendco,
        pupil=other_school_pupil,
        local_authority=la,
        requested_by="school",
        request_date=date(2026, 9, 1),
    )
    assert login(sendco).get(f"/send/assessments/{foreign.pk}/").status_code == 404


def test_exception_stops_a_late_step_showing_as_a_breach(login, sendco, assessment):
    services.assessment_record_steps(
        actor=sendco, assessment=assessment, advice_requested_on=date(2026, 9, 10)
    )  # advice due 22 Oct 2026: overdue on 20 Nov
    client = login(sendco)
    page = client.get(f"/send/assessments/{assessment.pk}/").content.decode()
    assert "Overdue" in page
    kinds = {
        d.kind
        for d in assessment_deadlines(assessment.school, today=date(2026, 11, 20), until=date(2026, 12, 4))
    }
    assert kinds == {"ehcp.assessment.decision"}  # the earliest open step: decision due 15 Oct
    services.assessment_exception_record(
        actor=sendco,
        assessment=assessment,
        step="advice",
        reason="Asked during the <script>summer</script> closure",
    )
    page = client.get(f"/send/assessments/{assessment.pk}/").content.decode()
    assert "Late: exception recorded" in page and "&lt;script&gt;summer" in page
    assert StatutoryException.objects.count() == 1
    assert AuditEntry.objects.filter(action="send.assessment.exception_recorded").count() == 1


def test_reassessment_within_six_months_is_flagged(sendco, pupil, la, assessment):
    services.assessment_record_steps(
        actor=sendco, assessment=assessment, decision="refuse", decided_on=date(2026, 10, 1)
    )
    again = services.assessment_open(
        actor=sendco, pupil=pupil, local_authority=la, requested_by="parent", request_date=date(2026, 11, 2)
    )
    assert again.reassessment_flagged


def test_deadlines_fixed_queries(django_assert_max_num_queries, sendco, school, la, own_class):
    for _ in range(5):
        services.assessment_open(
            actor=sendco,
            pupil=_pupil(school, own_class),
            local_authority=la,
            requested_by="school",
            request_date=date(2026, 10, 1),
            la_received_on=date(2026, 10, 2),
        )
    with django_assert_max_num_queries(3):
        items = assessment_deadlines(school, today=date(2026, 11, 20), until=date(2026, 12, 31))
    assert len(items) == 5 and all(d.kind == "ehcp.assessment.decision" for d in items)


def _pupil(school, own_class):
    from tests.factories import PupilFactory

    return PupilFactory(school=school, registration_class=own_class)


def test_issued_plan_page_renders_and_offers_the_plan_link_when_it_exists(login, sendco, assessment):
    from django.urls import NoReverseMatch, reverse

    services.assessment_record_steps(
        actor=sendco,
        assessment=assessment,
        decision="assess",
        decided_on=date(2026, 10, 1),
        draft_served_on=date(2026, 10, 20),
        final_issued_on=date(2026, 11, 10),
    )
    assessment.refresh_from_db()
    assert assessment.status == "issued"
    page = login(sendco).get(f"/send/assessments/{assessment.pk}/").content.decode()
    try:
        reverse("send:ehc_plan_create")
        assert f"?pupil={assessment.pupil_id}" in page
    except NoReverseMatch:
        assert "Record the EHC plan" not in page
