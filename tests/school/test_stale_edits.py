"""Edits never overwrite each other: a save against a record someone else changed since the form
was opened is refused, and the page says who changed what (school.editing)."""

import re

import pytest
import time_machine
from django.urls import reverse

from school import audit
from school.models import AuditEntry
from tests import factories as f


def _version(html: str) -> str:
    return re.search(r'name="expected_version" value="(\d+)"', html).group(1)


def _target_post(text, version):
    return {
        "area_of_need": "communication",
        "target": text,
        "success_criteria": "4 times out of 5",
        "strategies": "Name first",
        "provision": "Talk Boost",
        "responsible": "Class TA",
        "review_date": "2026-12-04",
        "expected_version": version,
    }


@time_machine.travel("2026-12-01 10:42", tick=False)
def test_second_save_of_a_target_is_refused_and_says_who_changed_what(client_for, sendco, headteacher, pupil):
    target = f.TargetFactory(cycle=f.SupportCycleFactory(pupil=pupil, stage="plan"), target="Read 10 words")
    url = reverse("send:target_edit", args=[target.pk])
    sendco.first_name, sendco.last_name = "Jane", "Smith"
    sendco.save()
    jane, head = client_for(sendco), client_for(headteacher)
    jane_version = _version(jane.get(url).content.decode())
    head_version = _version(head.get(url).content.decode())

    assert jane.post(url, _target_post("Read 20 words", jane_version)).status_code == 302
    page = head.post(url, _target_post("Read 30 words", head_version))

    text = page.content.decode()
    assert page.status_code == 200
    assert "Someone else changed this while you were editing" in text
    assert "Jane Smith (SENDCo) at 10:42 changed" in text
    assert "Target from \u2018Read 10 words\u2019 to \u2018Read 20 words\u2019" in text
    assert "Your changes were not saved" in text
    target.refresh_from_db()
    assert target.target == "Read 20 words"
    assert AuditEntry.objects.filter(action="send.target.changed").count() == 1

    # The refused form now carries the version the head has been shown: saving again is deliberate.
    again = head.post(url, _target_post("Read 30 words", _version(text)))
    assert again.status_code == 302
    target.refresh_from_db()
    assert target.target == "Read 30 words"


def test_an_unchanged_record_saves_and_a_view_of_it_does_not_count_as_a_change(login, headteacher, pupil):
    client = login(headteacher)
    url = reverse("school:pupil_edit", args=[pupil.pk])
    html = client.get(url).content.decode()
    version = _version(html)
    AuditEntry.objects.create(
        action="school.pupil.viewed", object_type="school.pupil", object_id=str(pupil.pk)
    )
    data = {
        "upn": pupil.upn,
        "legal_first_name": pupil.legal_first_name,
        "legal_last_name": "Newname",
        "date_of_birth": pupil.date_of_birth.isoformat(),
        "sex": pupil.sex,
        "year_group": pupil.year_group,
        "registration_class": pupil.registration_class_id,
        "admission_date": pupil.admission_date.isoformat(),
        "expected_version": version,
    }
    assert client.post(url, data).status_code == 302
    pupil.refresh_from_db()
    assert pupil.legal_last_name == "Newname"
    stale = client.post(url, data | {"legal_last_name": "Other"})
    assert "Someone else changed this" in stale.content.decode()
    pupil.refresh_from_db()
    assert pupil.legal_last_name == "Newname"


EDIT_FORMS = [
    (
        "send:target_edit",
        lambda pupil: f.TargetFactory(cycle=f.SupportCycleFactory(pupil=pupil, stage="plan")),
    ),
    ("send:cycle_assess", lambda pupil: f.SupportCycleFactory(pupil=pupil, stage="assess")),
    ("send:intervention_edit", lambda pupil: f.InterventionFactory(school=pupil.school)),
    ("send:enrolment_edit", lambda pupil: f.ProvisionEnrolmentFactory(pupil=pupil)),
    ("school:pupil_edit", lambda pupil: pupil),
]


@pytest.mark.parametrize(("name", "make"), EDIT_FORMS)
def test_every_edit_form_carries_the_records_version(login, headteacher, pupil, name, make):
    obj = make(pupil)
    audit.record(actor=None, action="x.changed", obj=obj, after={"a": 1}, school=pupil.school, pupil=pupil)
    latest = AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).latest("id")
    html = login(headteacher).get(reverse(name, args=[obj.pk])).content.decode()
    assert _version(html) == str(latest.id)
