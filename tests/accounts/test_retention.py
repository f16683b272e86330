from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import retention
from accounts.models import LegalHold, RetentionRule
from accounts.services import DeletionRefused, pupil_delete_for_retention
from school.models import AuditEntry, Contact, Pupil
from tests import factories as f

TODAY = date(2026, 11, 23)
RULES = retention.default_rules()


@pytest.mark.parametrize(
    "born, left, sen, due",
    [
        (date(2005, 3, 10), date(2016, 7, 20), True, date(2036, 3, 10)),  # SEN: birth + 31
        (date(2005, 3, 10), date(2016, 7, 20), False, date(2022, 7, 20)),  # leaving + 6
        (date(1990, 1, 1), date(2016, 7, 20), True, date(2022, 7, 20)),  # birth + 31 already passed
        (date(2012, 2, 29), date(2020, 2, 29), False, date(2026, 3, 1)),  # leap day
        (date(2018, 5, 1), None, True, None),  # on roll: never
    ],
)
def test_deletion_due_on(born, left, sen, due):
    assert (
        retention.deletion_due_on(rules=RULES, date_of_birth=born, leaving_date=left, has_sen_file=sen) == due
    )


def test_statutory_defaults_are_data(db):
    rules = {r.record_type: (r.years, r.anchor) for r in RetentionRule.objects.all()}
    assert rules == {
        "register_entries": (6, "leaving_date"),
        "sen_file": (31, "date_of_birth"),
        "pupil_record": (6, "leaving_date"),
    }


def test_a_rule_cannot_be_shorter_than_the_law(db):
    rule = RetentionRule.objects.get(record_type="sen_file")
    rule.years = 25
    with pytest.raises(ValidationError):
        rule.full_clean()


@pytest.fixture
def left_long_ago(school):
    pupil = f.PupilFactory(
        school=school,
        date_of_birth=date(2003, 1, 5),
        admission_date=date(2007, 9, 1),
        leaving_date=date(2014, 7, 18),
    )
    f.PupilContactFactory(pupil=pupil)
    f.RegisterMarkFactory(pupil=pupil, date=date(2014, 7, 18))
    return pupil


@pytest.fixture
def left_recently(school):
    return f.PupilFactory(school=school, admission_date=date(2015, 9, 1), leaving_date=date(2021, 7, 20))


@pytest.fixture
def sen_left_long_ago(school):
    return f.PupilFactory(
        school=school,
        date_of_birth=date(2005, 3, 10),
        admission_date=date(2009, 9, 1),
        leaving_date=date(2016, 7, 20),
        sen_provision="K",
    )


@time_machine.travel(TODAY)
def test_report_lists_only_pupils_past_every_period(
    login, headteacher, left_long_ago, left_recently, sen_left_long_ago, pupil
):
    response = login(headteacher).get(reverse("accounts:retention_report"))
    listed = [row["pupil"] for row in response.context["page"]]
    assert listed == [left_long_ago]


@time_machine.travel(TODAY)
def test_headteacher_deletes_and_the_deletion_is_audited_without_content(login, headteacher, left_long_ago):
    client = login(headteacher)
    name, upn = left_long_ago.legal_last_name, left_long_ago.upn
    contact_id = left_long_ago.contact_links.get().contact_id
    url = reverse("accounts:retention_delete", args=[left_long_ago.pk])
    assert client.get(url).status_code == 200
    assert (
        AuditEntry.objects.filter(action="accounts.retention.deletion_reviewed").count() == 1
    )  # record_view
    refused = client.post(url, {})
    assert refused.status_code == 200 and Pupil.objects.filter(pk=left_long_ago.pk).exists()
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    assert not Pupil.objects.filter(pk=left_long_ago.pk).exists()
    assert not Contact.objects.filter(pk=contact_id).exists()
    from attendance.models import RegisterMark

    assert not RegisterMark.objects.filter(pupil_id=left_long_ago.pk).exists()
    entry = AuditEntry.objects.get(action="accounts.retention.pupil_deleted")
    assert entry.actor == headteacher and entry.object_id == str(left_long_ago.pk)
    assert entry.after["deleted"]["school.Pupil"] == 1
    assert entry.after["deleted"]["attendance.RegisterMark"] == 1
    assert name not in str(entry.before) + str(entry.after) + entry.object_repr
    assert upn not in str(entry.before) + str(entry.after) + entry.object_repr


@time_machine.travel(TODAY)
def test_a_legal_hold_blocks_deletion_until_lifted(login, headteacher, left_long_ago):
    client = login(headteacher)
    client.post(reverse("accounts:legal_hold_create", args=[left_long_ago.pk]), {"reason": "Tribunal appeal"})
    hold = LegalHold.objects.get(pupil=left_long_ago)
    assert AuditEntry.objects.filter(action="accounts.legal_hold.placed", pupil=left_long_ago).exists()
    with pytest.raises(DeletionRefused):
        pupil_delete_for_retention(actor=headteacher, school=left_long_ago.school, pupil=left_long_ago)
    response = client.post(reverse("accounts:retention_delete", args=[left_long_ago.pk]), {"confirm": "on"})
    assert Pupil.objects.filter(pk=left_long_ago.pk).exists()
    assert "legal hold" in response.content.decode()

    client.post(reverse("accounts:legal_hold_lift", args=[hold.pk]))
    hold.refresh_from_db()
    assert (
        hold.lifted_by == headteacher
        and AuditEntry.objects.filter(action="accounts.legal_hold.lifted").exists()
    )
    client.post(reverse("accounts:retention_delete", args=[left_long_ago.pk]), {"confirm": "on"})
    assert not Pupil.objects.filter(pk=left_long_ago.pk).exists()


@time_machine.travel(TODAY)
def test_records_inside_their_period_cannot_be_deleted(headteacher, left_recently, sen_left_long_ago):
    for pupil in (left_recently, sen_left_long_ago):
        with pytest.raises(DeletionRefused):
            pupil_delete_for_retention(actor=headteacher, school=pupil.school, pupil=pupil)
        assert Pupil.objects.filter(pk=pupil.pk).exists()


@time_machine.travel(TODAY)
def test_only_the_retention_role_may_delete(login, sendco, headteacher, left_long_ago):
    from django.core.exceptions import PermissionDenied

    assert (
        login(sendco)
        .post(reverse("accounts:retention_delete", args=[left_long_ago.pk]), {"confirm": "on"})
        .status_code
        == 403
    )
    with pytest.raises(PermissionDenied):
        pupil_delete_for_retention(actor=sendco, school=left_long_ago.school, pupil=left_long_ago)
    assert Pupil.objects.filter(pk=left_long_ago.pk).exists()


@time_machine.travel(TODAY)
def test_report_query_count_does_not_grow_with_pupils(
    login, headteacher, school, django_assert_max_num_queries
):
    for _ in range(30):
        f.PupilFactory(school=school, admission_date=date(2007, 9, 1), leaving_date=date(2014, 7, 18))
    client = login(headteacher)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("accounts:retention_report"))
    assert len(response.context["page"]) == 30
