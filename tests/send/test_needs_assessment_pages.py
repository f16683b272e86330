"""The needs assessment list and page: paginated list with a way to start one, withdraw and restore,
and the summer-closure prompt on the school's advice step."""

import re
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from school.models import AuditEntry
from send.deadlines_assessments import assessment_deadlines
from send.models import EhcNeedsAssessment, StatutoryException
from send.services import ehc_assessments as services
from tests import factories
from tests.send.ehcp_factories import LocalAuthorityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-11-20 10:00", tick=False):
        yield


@pytest.fixture
def la(school):
    return LocalAuthorityFactory(trust=school.trust)


def _open(actor, pupil, la, *, requested=date(2026, 9, 1), received=date(2026, 9, 3)):
    return services.assessment_open(
        actor=actor,
        pupil=pupil,
        local_authority=la,
        requested_by="school",
        request_date=requested,
        la_received_on=received,
    )


@pytest.fixture
def assessment(sendco, pupil, la):
    return _open(sendco, pupil, la)


def test_list_has_breadcrumb_start_button_and_pages(login, sendco, school, own_class, la):
    pupils = [factories.PupilFactory(school=school, registration_class=own_class) for _ in range(3)]
    for p in pupils:
        _open(sendco, p, la)
    client = login(sendco)
    client.get("/send/assessments/")  # the first request of a session reads more (the sign-in)
    with CaptureQueriesContext(connection) as few:
        client.get("/send/assessments/")
    # More rows, written directly (the service's audit and history rows are not what is tested here).
    EhcNeedsAssessment.objects.bulk_create(
        EhcNeedsAssessment(
            school=school,
            pupil=pupils[i % 3],
            local_authority=la,
            request_date=date(2026, 1, 1 + i % 28),
            created_by=sendco,
        )
        for i in range(52)
    )
    with CaptureQueriesContext(connection) as many:
        page = client.get("/send/assessments/").content.decode()
    assert len(many) == len(few)  # no query per assessment
    assert 'aria-label="Breadcrumb"' in page and "Start a needs assessment" in page
    assert len(re.findall(r'href="/send/assessments/\d+/"', page)) == 50 and "Page 1 of 2" in page
    second = client.get("/send/assessments/?page=2").content.decode()
    assert "Page 2 of 2" in second and len(re.findall(r'href="/send/assessments/\d+/"', second)) == 5


def test_start_button_chooses_the_pupil_then_opens_the_request_form(login, sendco, pupil, other_school_pupil):
    client = login(sendco)
    chooser = client.get("/send/assessments/new/").content.decode()
    assert str(pupil) in chooser and str(other_school_pupil) not in chooser
    response = client.get(f"/send/assessments/new/?pupil={pupil.pk}")
    assert response.status_code == 302 and response.url == f"/send/pupils/{pupil.pk}/assessments/new/"
    refused = client.get(f"/send/assessments/new/?pupil={other_school_pupil.pk}")
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()


def test_withdraw_with_reason_hides_it_and_restore_brings_it_back(login, sendco, assessment):
    client = login(sendco)
    url = f"/send/assessments/{assessment.pk}/withdraw/"
    assert "Withdraw needs assessment" in client.get(url).content.decode()
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200
    assessment.refresh_from_db()
    assert not assessment.is_withdrawn
    response = client.post(url, {"reason": "Recorded against the wrong pupil"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.is_withdrawn and assessment.withdrawal_reason == "Recorded against the wrong pupil"
    assert AuditEntry.objects.filter(action="send.ehcneedsassessment.withdrawn").count() == 1
    listing = client.get("/send/assessments/").content.decode()
    assert "No needs assessments recorded." in listing and "Recorded against the wrong pupil" in listing
    assert assessment_deadlines(assessment.school, today=date(2026, 11, 20), until=date(2026, 12, 31)) == []
    detail = client.get(f"/send/assessments/{assessment.pk}/").content.decode()
    assert "Restore this needs assessment" in detail and "Record steps" not in detail
    assert client.get(f"/send/assessments/{assessment.pk}/steps/").status_code == 404

    response = client.post(f"/send/assessments/{assessment.pk}/restore/")
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert not assessment.is_withdrawn
    assert AuditEntry.objects.filter(action="send.ehcneedsassessment.restored").count() == 1
    assert "No needs assessments recorded." not in client.get("/send/assessments/").content.decode()


def test_a_class_teacher_cannot_restore(login, sendco, class_teacher, assessment):
    login(sendco).post(f"/send/assessments/{assessment.pk}/withdraw/", {"reason": "Duplicate"})
    assert login(class_teacher).post(f"/send/assessments/{assessment.pk}/restore/").status_code == 403
    assessment.refresh_from_db()
    assert assessment.is_withdrawn


@pytest.fixture
def summer_2026(school):
    # The summer closure 2026: Summer 2 ends Wednesday 22 July, Autumn 1 starts 2 September.
    factories.add_academic_year(school, name="2025/26", half_terms=factories.HALF_TERMS_2025_26)


def test_advice_asked_in_the_summer_closure_prompts_an_exception(login, sendco, pupil, la, summer_2026):
    july = _open(sendco, pupil, la, requested=date(2026, 6, 29), received=date(2026, 7, 1))
    services.assessment_record_steps(actor=sendco, assessment=july, advice_requested_on=date(2026, 7, 20))
    client = login(sendco)
    page = client.get(f"/send/assessments/{july.pk}/").content.decode()
    assert "This may be an exception: record it" in page
    assert '<div class="small text-muted" data-testid="advice-asked">Asked for on 20 Jul 2026</div>' in page
    assert f"/send/assessments/{july.pk}/exception/?step=advice" in page

    form = client.get(f"/send/assessments/{july.pk}/exception/?step=advice").content.decode()
    assert '<option value="advice" selected>' in form
    assert "asked for the school&#x27;s advice on 20 July 2026, during the summer closure" in form
    assert "closed from 23 July 2026 to 1 September 2026" in form

    token = factories_token(form)
    reason = "Asked on 20 July 2026, in the summer closure"
    client.post(
        f"/send/assessments/{july.pk}/exception/?step=advice",
        {"step": "advice", "reason": reason, "submission_token": token},
    )
    assert StatutoryException.objects.get(assessment=july).step == "advice"
    page = client.get(f"/send/assessments/{july.pk}/").content.decode()
    assert "This may be an exception" not in page and reason in page


def test_advice_asked_in_term_time_or_the_last_closure_week_gets_no_prompt(
    login, sendco, pupil, la, summer_2026
):
    client = login(sendco)
    september = _open(sendco, pupil, la, requested=date(2026, 6, 29), received=date(2026, 7, 1))
    # 26 August is one week before re-opening on 2 September: outside the exception.
    services.assessment_record_steps(
        actor=sendco, assessment=september, advice_requested_on=date(2026, 8, 26)
    )
    page = client.get(f"/send/assessments/{september.pk}/").content.decode()
    assert "This may be an exception" not in page
    form = client.get(f"/send/assessments/{september.pk}/exception/?step=advice").content.decode()
    assert "advice on 26 August 2026" not in form and "closed from" not in form


def test_the_day_a_week_before_the_closure_is_in_the_exception(login, sendco, pupil, la, summer_2026):
    early = _open(sendco, pupil, la, requested=date(2026, 6, 29), received=date(2026, 7, 1))
    services.assessment_record_steps(actor=sendco, assessment=early, advice_requested_on=date(2026, 7, 16))
    assert "This may be an exception" in login(sendco).get(f"/send/assessments/{early.pk}/").content.decode()
    assert EhcNeedsAssessment.objects.count() == 1


def factories_token(page: str) -> str:
    match = re.search(r'name="submission_token" value="([^"]+)"', page)
    return match.group(1) if match else ""
