"""Teaching assistants see the interventions they deliver and record sessions and who came (issue 15);
the provision map's sessions attended against planned use them; a mistaken session is withdrawn with a
reason and then counts nowhere."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from school.models import AuditEntry
from send import selectors
from send.models import InterventionSession, SessionAttendance
from tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)


@pytest.fixture
def group(school, own_class, teaching_assistant):
    intervention = f.InterventionFactory(school=school, name="Talk Boost", delivered_by=teaching_assistant)
    places = [
        f.ProvisionEnrolmentFactory(
            pupil=f.PupilFactory(school=school, registration_class=own_class, legal_last_name=name),
            intervention=intervention,
            start_date=date(2026, 11, 2),
        )
        for name in ("Adams", "Bell", "Cole")
    ]
    return intervention, places


def _post(client, intervention, places, attended, token="11111111-1111-1111-1111-111111111111", **extra):
    data = {
        "held_on": "2026-11-19",
        "minutes": "30",
        "attended": [str(p.pk) for p in attended],
        "notes": "Turn-taking game",
        "submission_token": token,
        **extra,
    }
    return client.post(reverse("send:session_create", args=[intervention.pk]), data)


@time_machine.travel(TODAY, tick=False)
def test_ta_records_a_session_once_and_the_map_counts_it(login, teaching_assistant, group, school):
    intervention, places = group
    client = login(teaching_assistant)
    page = client.get(reverse("send:my_interventions")).content.decode()
    assert "Talk Boost" in page and "Adams" in page
    response = _post(client, intervention, places, places[:2])
    assert response.status_code == 302
    _post(client, intervention, places, places[:2])  # a double submit
    session = InterventionSession.objects.get()
    assert session.recorded_by == teaching_assistant and session.minutes == 30
    assert sorted(SessionAttendance.objects.values_list("enrolment_id", "attended")) == sorted(
        [(places[0].pk, True), (places[1].pk, True), (places[2].pk, False)]
    )
    assert AuditEntry.objects.filter(action="send.session.recorded").count() == 1
    rows = {r.pk: r for r in selectors.provision_map(school=school, today=TODAY)["rows"]}
    assert rows[places[0].pk].sessions_attended == 1 and rows[places[2].pk].sessions_attended == 0
    # Planned so far: 3 a week for the 3 school weeks from 2 Nov to 20 Nov.
    assert rows[places[0].pk].costs["planned_to_date"] == 9


@time_machine.travel(TODAY, tick=False)
def test_withdrawn_session_no_longer_counts(login, teaching_assistant, group, school):
    intervention, places = group
    client = login(teaching_assistant)
    _post(client, intervention, places, places)
    session = InterventionSession.objects.get()
    url = reverse("send:session_withdraw", args=[session.pk])
    assert client.post(url, {"reason": "Recorded for the wrong group"}).status_code == 302
    session.refresh_from_db()
    assert session.is_withdrawn and session.withdrawal_reason == "Recorded for the wrong group"
    assert AuditEntry.objects.filter(action="send.interventionsession.withdrawn").exists()
    rows = selectors.provision_map(school=school, today=TODAY)["rows"]
    assert all(r.sessions_attended == 0 for r in rows)
    assert client.get(url).status_code == 404  # already withdrawn


@time_machine.travel(TODAY, tick=False)
def test_a_day_with_no_places_and_a_future_day_are_refused(login, teaching_assistant, group):
    intervention, places = group
    client = login(teaching_assistant)
    response = _post(client, intervention, places, [], held_on="2026-10-01")
    assert response.status_code == 200 and "Nobody had a place" in response.content.decode()
    response = _post(
        client, intervention, places, [], held_on="2026-11-21", token="22222222-2222-2222-2222-222222222222"
    )
    assert response.status_code == 200 and not InterventionSession.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_only_the_delivering_adult_and_the_sendco_reach_it(client_for, class_teacher, sendco, group):
    intervention, places = group
    url = reverse("send:session_create", args=[intervention.pk])
    assert client_for(class_teacher).get(url).status_code == 404
    assert client_for(sendco).get(url).status_code == 200
    assert (
        "Talk Boost" not in client_for(class_teacher).get(reverse("send:my_interventions")).content.decode()
    )


@time_machine.travel(TODAY, tick=False)
def test_my_interventions_queries_do_not_grow_with_sessions(login, teaching_assistant, group):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    intervention, places = group
    client = login(teaching_assistant)
    _post(client, intervention, places, places)
    client.get(reverse("send:my_interventions"))
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("send:my_interventions"))
    for i in range(3):
        _post(client, intervention, places, places[:1], token=f"3333333{i}-3333-3333-3333-333333333333")
    client.get(reverse("send:my_interventions"))  # shows (and clears) the "recorded" messages
    with CaptureQueriesContext(connection) as later:
        client.get(reverse("send:my_interventions"))
    assert len(later) == len(first)


@time_machine.travel(date(2026, 11, 23))
def test_demo_tas_deliver_the_ta_run_interventions(db, django_capture_on_commit_callbacks):
    import io

    from django.core.management import call_command

    from send.models import Intervention

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--seed", "5", stdout=io.StringIO())
    ta_run = Intervention.objects.filter(staff="TA")
    assert ta_run.exists() and not ta_run.filter(delivered_by__isnull=True).exists()
    assert {m.role for i in ta_run for m in i.delivered_by.memberships.all()} == {"teaching_assistant"}
