"""Double-submits never duplicate: a create form's one-time token makes one row (school.submissions)."""

import re
import threading
import uuid

import pytest
from django.db import connections
from django.urls import reverse

from attendance.models import AbsenceCall
from school.models import SubmissionToken
from school.submissions import submit_once
from send import services as send_services
from send.models import Concern, Target
from tests import factories as f
from tests.conftest import require_postgresql


def _token(html: str) -> str:
    return re.search(r'name="submission_token" value="([0-9a-f-]+)"', html).group(1)


CONCERN = {
    "area_of_need": "communication",
    "what_we_see": "Finds it hard to follow two-step instructions.",
    "evidence": "Screening",
    "adjustments_in_place": "Visual timetable",
}


def test_twenty_identical_concern_posts_make_one_concern(login, class_teacher, pupil):
    client = login(class_teacher)
    url = reverse("send:concern_create", args=[pupil.pk])
    token = _token(client.get(url).content.decode())
    responses = [client.post(url, CONCERN | {"submission_token": token}) for _ in range(20)]
    assert {r.status_code for r in responses} == {302}
    assert Concern.objects.filter(pupil=pupil).count() == 1
    assert SubmissionToken.objects.get(token=token).object_id == str(Concern.objects.get().pk)
    # A fresh page is a fresh token: a second, deliberate concern is still possible.
    fresh = _token(client.get(url).content.decode())
    assert fresh != token


def test_the_same_absence_call_twice_is_recorded_once(login, office_staff, pupil):
    client = login(office_staff)
    url = reverse("attendance:absence_call_new", args=[pupil.pk])
    token = _token(client.get(url).content.decode())
    data = {
        "caller_name": "Mum",
        "method": "phone",
        "reason": "Dentist",
        "code": "M",
        "first_date": "2026-11-24",
        "first_session": "AM",
        "last_date": "2026-11-24",
        "last_session": "AM",
        "submission_token": token,
    }
    assert client.post(url, data).status_code == 302
    second = client.post(url, data, follow=True)
    assert AbsenceCall.objects.filter(pupil=pupil).count() == 1
    assert "already saved" in second.content.decode()


def test_a_refused_create_keeps_the_token_usable(login, sendco, pupil):
    cycle = f.SupportCycleFactory(pupil=pupil, stage="plan")
    client = login(sendco)
    url = reverse("send:target_add", args=[cycle.pk])
    token = _token(client.get(url).content.decode())
    data = {
        "area_of_need": "communication",
        "target": "Read 10 words",
        "success_criteria": "4 of 5",
        "strategies": "Name first",
        "provision": "Talk Boost",
        "responsible": "TA",
        "review_date": "2020-01-01",  # before the cycle started: refused by the service
        "submission_token": token,
    }
    assert client.post(url, data).status_code == 200
    assert not SubmissionToken.objects.filter(token=token).exists()
    assert client.post(url, data | {"review_date": "2026-12-04"}).status_code == 302
    assert client.post(url, data | {"review_date": "2026-12-04"}).status_code == 302
    assert Target.objects.filter(cycle=cycle).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_posts_with_one_token_make_one_row():
    require_postgresql()
    pupil = f.PupilFactory()
    teacher = f.UserFactory()
    token = uuid.uuid4()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(
                submit_once(
                    actor=teacher,
                    token=token,
                    create=lambda: send_services.concern_raise(actor=teacher, pupil=pupil, **CONCERN),
                )
            )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Concern.objects.filter(pupil=pupil).count() == 1
    assert sorted(created for _, created in results) == [False, True]
    assert results[0][0].pk == results[1][0].pk
