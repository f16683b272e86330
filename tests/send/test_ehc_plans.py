"""EHC plan records: the register moves to E with the plan's own date, through the state machine; dates
that cannot be true are refused beside the field; edits are never overwritten; a plan ceases or is
withdrawn with the register following; the trust's local authorities are managed by the SENDCo."""

import re
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from school.models import AuditEntry
from send import register_status, services
from send.models import EhcPlan, LocalAuthority, SendDocument, SendRecord, SendStatusChange
from tests import factories as f
from tests.send.ehcp_factories import LocalAuthorityFactory

pytestmark = pytest.mark.django_db
NOW = "2026-12-01 10:00"


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


@pytest.fixture
def la(school):
    return LocalAuthorityFactory(trust=school.trust, name="Eastmoor Council")


def _form(la, pupil, **extra):
    return {
        "pupil": pupil.pk,
        "local_authority": la.pk,
        "la_officer_name": "Sam Officer",
        "la_officer_email": "sam@eastmoor.example.org",
        "issue_date": "2026-03-10",
        "needs_summary": "Language and communication needs.",
        "outcomes": "To speak in short sentences.",
        "provision_summary": "Speech work daily.",
        "health_and_care": "None.",
        "annual_funding": "8000.00",
        "funding_notes": "Paid termly.",
        **extra,
    }


@time_machine.travel(NOW, tick=False)
def test_recording_a_plan_moves_the_register_to_e_from_the_issue_date(login, sendco, pupil, la):
    f.SendRecordFactory(pupil=pupil, status="sen_support", status_since=date(2025, 9, 2))
    client = login(sendco)
    page = client.get(reverse("send:ehc_plan_create") + f"?pupil={pupil.pk}")
    assert f'<option value="{pupil.pk}" selected>' in page.content.decode()

    response = client.post(reverse("send:ehc_plan_create"), _form(la, pupil))

    plan = EhcPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "send:ehc_plan_detail", args=[plan.pk]
    )
    record = SendRecord.objects.get(pupil=pupil)
    assert (record.status, record.status_since) == ("ehc_plan", date(2026, 3, 10))
    pupil.refresh_from_db()
    assert pupil.sen_provision == "E"
    change = SendStatusChange.objects.get(to_status="ehc_plan")
    assert (change.from_status, change.effective_on) == ("sen_support", date(2026, 3, 10))
    assert "Eastmoor Council" in change.reason
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "send.ehc_plan.recorded",
        "send.register.status_changed",
        "school.pupil.sen_provision_changed",
    } <= actions
    # The history says when the plan took effect, and that it was typed in later.
    page = _text(client.get(reverse("send:pupil_send", args=[pupil.pk])))
    assert "SEN support → EHC plan</strong> on 10 Mar 2026" in page and "(recorded 1 Dec 2026)" in page
    assert "Issued 10 March 2026 by Eastmoor Council" in page


@time_machine.travel(NOW, tick=False)
def test_a_pupil_with_no_record_joins_with_a_plan(sendco, pupil, la):
    services.ehc_plan_record(actor=sendco, pupil=pupil, local_authority=la, issue_date=date(2024, 5, 1))
    assert SendRecord.objects.get(pupil=pupil).status_since == date(2024, 5, 1)
    assert SendStatusChange.objects.get().from_status == "none"


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("issue_date", "message"),
    [
        ("2026-12-02", "The issue date cannot be in the future."),
        ("2018-04-30", "The issue date cannot be before the pupil was born (1 May 2018)."),
    ],
)
def test_impossible_issue_dates_are_refused_beside_the_field(login, sendco, pupil, la, issue_date, message):
    response = login(sendco).post(reverse("send:ehc_plan_create"), _form(la, pupil, issue_date=issue_date))

    assert response.status_code == 200
    assert message in response.context["form"].errors["issue_date"]
    assert not EhcPlan.objects.exists() and not SendRecord.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_today_and_the_birthday_are_accepted(sendco, pupil, la):
    services.ehc_plan_record(actor=sendco, pupil=pupil, local_authority=la, issue_date=date(2026, 12, 1))
    other = f.PupilFactory(school=pupil.school, date_of_birth=date(2019, 1, 1))
    services.ehc_plan_record(actor=sendco, pupil=other, local_authority=la, issue_date=date(2019, 1, 1))
    assert EhcPlan.objects.count() == 2


@time_machine.travel(NOW, tick=False)
def test_a_monitored_pupil_cannot_jump_to_e_and_nothing_is_saved(login, sendco, pupil, la):
    f.SendRecordFactory(pupil=pupil, status="monitoring", status_since=date(2026, 10, 1))
    response = login(sendco).post(reverse("send:ehc_plan_create"), _form(la, pupil, issue_date="2026-11-01"))

    assert "A pupil moves from Monitoring to SEN support or Removed from the register" in _text(response)
    assert not EhcPlan.objects.exists()
    assert SendRecord.objects.get(pupil=pupil).status == "monitoring"


@time_machine.travel(NOW, tick=False)
def test_an_issue_date_before_the_current_status_began_is_refused(sendco, pupil, la):
    f.SendRecordFactory(pupil=pupil, status="sen_support", status_since=date(2026, 9, 2))
    with pytest.raises(Exception) as refused:
        services.ehc_plan_record(actor=sendco, pupil=pupil, local_authority=la, issue_date=date(2026, 6, 1))
    assert "from 2 September 2026, after this issue date" in str(refused.value)
    assert not EhcPlan.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_double_submit_makes_one_plan(login, sendco, pupil, la):
    client = login(sendco)
    token = _hidden(client.get(reverse("send:ehc_plan_create")).content.decode(), "submission_token")
    data = _form(la, pupil, submission_token=token)

    first = client.post(reverse("send:ehc_plan_create"), data)
    second = client.post(reverse("send:ehc_plan_create"), data)

    assert EhcPlan.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert SendStatusChange.objects.filter(to_status="ehc_plan").count() == 1


@time_machine.travel(NOW, tick=False)
def test_a_second_plan_in_force_is_refused(sendco, pupil, la):
    services.ehc_plan_record(actor=sendco, pupil=pupil, local_authority=la, issue_date=date(2025, 1, 1))
    with pytest.raises(Exception, match="already has an EHC plan in force"):
        services.ehc_plan_record(actor=sendco, pupil=pupil, local_authority=la, issue_date=date(2025, 2, 1))


@time_machine.travel(NOW, tick=False)
def test_the_plan_document_is_uploaded_and_opened_only_through_the_checked_view(login, sendco, pupil, la):
    client = login(sendco)
    upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%%EOF\n")
    client.post(reverse("send:ehc_plan_create"), _form(la, pupil, document_file=upload))

    plan = EhcPlan.objects.get()
    assert plan.document.kind == SendDocument.Kind.EHC_PLAN
    page = client.get(reverse("send:ehc_plan_detail", args=[plan.pk])).content.decode()
    link = reverse("send:document_download", args=[plan.document.pk])
    assert link in page
    assert client.get(link).status_code == 200
    assert AuditEntry.objects.filter(action="send.document.viewed").count() == 1


@time_machine.travel(NOW, tick=False)
def test_a_renamed_file_is_refused_beside_the_file_field(login, sendco, pupil, la):
    upload = SimpleUploadedFile("plan.pdf", b"MZ not a pdf")
    response = login(sendco).post(reverse("send:ehc_plan_create"), _form(la, pupil, document_file=upload))
    assert response.context["form"].errors["document_file"]
    assert not EhcPlan.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_stale_edit_is_refused_and_names_who_changed_it(client_for, sendco, headteacher, pupil, la):
    plan = services.ehc_plan_record(
        actor=sendco, pupil=pupil, local_authority=la, issue_date=date(2025, 1, 1)
    )
    sendco.first_name, sendco.last_name = "Jane", "Smith"
    sendco.save()
    jane, head = client_for(sendco), client_for(headteacher)
    url = reverse("send:ehc_plan_edit", args=[plan.pk])
    version = _hidden(head.get(url).content.decode(), "expected_version")
    data = {
        "local_authority": la.pk,
        "outcomes": "Jane's outcomes",
        "expected_version": _hidden(jane.get(url).content.decode(), "expected_version"),
    }
    assert jane.post(url, data).status_code == 302

    response = head.post(
        url, {"local_authority": la.pk, "outcomes": "Head's outcomes", "expected_version": version}
    )

    assert "Someone else changed this while you were editing: Jane Smith (SENDCo)" in _text(response)
    plan.refresh_from_db()
    assert plan.outcomes == "Jane's outcomes"


@time_machine.travel(NOW, tick=False)
def test_ceasing_moves_the_register_back_to_sen_support_from_the_cease_date(login, sendco, pupil, la):
    f.SendRecordFactory(pupil=pupil, status="sen_support", status_since=date(2024, 9, 2))
    plan = services.ehc_plan_record(
        actor=sendco, pupil=pupil, local_authority=la, issue_date=date(2025, 1, 1)
    )
    client = login(sendco)
    url = reverse("send:ehc_plan_cease", args=[plan.pk])
    # The plan's page names the action, as the refusal on the register form tells the SENDCo to look for.
    detail = client.get(reverse("send:ehc_plan_detail", args=[plan.pk])).content.decode()
    assert f'href="{url}">Record that the plan has ceased</a>' in detail

    future = client.post(
        url, {"ceased_on": "2026-12-02", "reason": "Needs met", "then_status": "sen_support"}
    )
    assert "The date the plan ceased cannot be in the future." in future.context["form"].errors["ceased_on"]
    early = client.post(url, {"ceased_on": "2024-12-31", "reason": "Needs met", "then_status": "sen_support"})
    assert early.context["form"].errors["ceased_on"] == [
        "A plan cannot cease before it was issued (1 January 2025)."
    ]

    response = client.post(
        url, {"ceased_on": "2026-11-20", "reason": "Needs met", "then_status": "sen_support"}
    )

    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.ceased_on, plan.ceased_reason) == (date(2026, 11, 20), "Needs met")
    record = SendRecord.objects.get(pupil=pupil)
    assert (record.status, record.status_since) == ("sen_support", date(2026, 11, 20))
    pupil.refresh_from_db()
    assert pupil.sen_provision == "K"
    assert AuditEntry.objects.filter(action="send.ehc_plan.ceased").count() == 1
    assert not EhcPlan.objects.in_force(date(2026, 12, 1)).exists()
    # Ceasing again is refused, naming who did it.
    assert client.get(url).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_withdrawing_a_mistaken_plan_puts_the_status_back(login, sendco, pupil, la):
    f.SendRecordFactory(pupil=pupil, status="sen_support", status_since=date(2024, 9, 2))
    plan = services.ehc_plan_record(
        actor=sendco, pupil=pupil, local_authority=la, issue_date=date(2025, 1, 1)
    )
    client = login(sendco)

    empty = client.post(reverse("send:ehc_plan_withdraw", args=[plan.pk]), {"reason": ""})
    assert empty.status_code == 200 and EhcPlan.objects.current().exists()
    client.post(reverse("send:ehc_plan_withdraw", args=[plan.pk]), {"reason": "Wrong pupil"})

    plan.refresh_from_db()
    assert plan.is_withdrawn and plan.withdrawal_reason == "Wrong pupil"
    assert SendRecord.objects.get(pupil=pupil).status == register_status.SEN_SUPPORT
    assert AuditEntry.objects.filter(action="send.ehcplan.withdrawn").count() == 1
    # The pupil can now have the right plan recorded.
    assert (
        reverse("send:ehc_plan_create")
        in client.get(reverse("send:pupil_send", args=[pupil.pk])).content.decode()
    )


@time_machine.travel(NOW, tick=False)
def test_teachers_see_the_plan_of_their_own_pupils_but_cannot_change_it(
    login, sendco, class_teacher, pupil, la
):
    plan = services.ehc_plan_record(
        actor=sendco, pupil=pupil, local_authority=la, issue_date=date(2025, 1, 1)
    )
    client = login(class_teacher)
    page = client.get(reverse("send:ehc_plan_detail", args=[plan.pk]))
    assert page.status_code == 200 and "Edit the plan" not in page.content.decode()
    assert client.get(reverse("send:ehc_plan_edit", args=[plan.pk])).status_code == 403


# --- local authorities ----------------------------------------------------------------------------------
def test_the_sendco_adds_and_edits_the_trusts_local_authorities(login, sendco, school):
    client = login(sendco)
    client.post(
        reverse("send:local_authority_create"), {"name": "Eastmoor Council", "sen_team_email": "a@b.org"}
    )
    la = LocalAuthority.objects.get()
    assert la.trust == school.trust
    duplicate = client.post(reverse("send:local_authority_create"), {"name": "eastmoor council"})
    assert duplicate.context["form"].errors["name"] == ["There is already a local authority with this name."]

    client.post(reverse("send:local_authority_edit", args=[la.pk]), {"name": "Eastmoor City Council"})

    la.refresh_from_db()
    assert la.name == "Eastmoor City Council"
    assert list(
        AuditEntry.objects.filter(action__startswith="send.local_authority")
        .values_list("action", flat=True)
        .order_by("id")
    ) == [
        "send.local_authority.created",
        "send.local_authority.changed",
    ]
    assert "Eastmoor City Council" in client.get(reverse("send:local_authority_list")).content.decode()


def test_a_stale_local_authority_save_is_refused(client_for, sendco, headteacher, school):
    la = services.local_authority_save(actor=sendco, school=school, name="Eastmoor Council")
    url = reverse("send:local_authority_edit", args=[la.pk])
    jane, head = client_for(sendco), client_for(headteacher)
    old = _hidden(head.get(url).content.decode(), "expected_version")
    jane.post(
        url,
        {
            "name": "Eastmoor Council",
            "sen_team_phone": "01632 000000",
            "expected_version": _hidden(jane.get(url).content.decode(), "expected_version"),
        },
    )

    response = head.post(url, {"name": "Eastmoor Borough", "expected_version": old})

    assert "Someone else changed this while you were editing" in _text(response)
    la.refresh_from_db()
    assert (la.name, la.sen_team_phone) == ("Eastmoor Council", "01632 000000")


def test_another_trusts_local_authority_is_not_found(login, sendco, other_school):
    theirs = LocalAuthorityFactory(trust=other_school.trust)
    assert login(sendco).get(reverse("send:local_authority_edit", args=[theirs.pk])).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_the_register_cannot_leave_e_while_a_plan_is_in_force(login, sendco, pupil, la):
    f.SendRecordFactory(pupil=pupil, status="sen_support", status_since=date(2024, 9, 2))
    services.ehc_plan_record(actor=sendco, pupil=pupil, local_authority=la, issue_date=date(2025, 1, 1))

    response = login(sendco).post(
        reverse("send:status_change", args=[pupil.pk]),
        {"to_status": "sen_support", "reason": "Plan ended", "expected_status": "ehc_plan"},
    )

    assert (
        "Record that the plan has ceased, on the plan's page, instead."
        in response.context["form"].errors["to_status"][0]
    )
    assert SendRecord.objects.get(pupil=pupil).status == "ehc_plan"


@time_machine.travel(NOW, tick=False)
def test_the_pupils_send_panel_links_to_the_plan(login, sendco, class_teacher, pupil, la):
    plan = services.ehc_plan_record(
        actor=sendco, pupil=pupil, local_authority=la, issue_date=date(2025, 1, 1)
    )
    panel = login(class_teacher).get(reverse("send:panel_pupil", args=[pupil.pk])).content.decode()
    assert "EHC plan issued 1 Jan 2025 by Eastmoor Council" in panel
    assert reverse("send:ehc_plan_detail", args=[plan.pk]) in panel


@time_machine.travel(NOW, tick=False)
def test_withdrawing_a_plan_of_a_pupil_who_joined_with_it_says_the_register_is_left_at_e(
    login, sendco, pupil, la
):
    plan = services.ehc_plan_record(
        actor=sendco, pupil=pupil, local_authority=la, issue_date=date(2025, 1, 1)
    )

    page = login(sendco).post(
        reverse("send:ehc_plan_withdraw", args=[plan.pk]), {"reason": "Wrong pupil"}, follow=True
    )

    assert SendRecord.objects.get(pupil=pupil).status == "ehc_plan"  # "none" cannot be returned to
    assert "register status is now EHC plan: change it on their SEND page if that is wrong." in _text(page)


@time_machine.travel(NOW, tick=False)
def test_a_withdrawn_plan_is_restored_with_the_register_and_audit(login, sendco, pupil, la):
    f.SendRecordFactory(pupil=pupil, status="sen_support", status_since=date(2024, 9, 2))
    plan = services.ehc_plan_record(
        actor=sendco, pupil=pupil, local_authority=la, issue_date=date(2025, 1, 1)
    )
    client = login(sendco)
    client.post(reverse("send:ehc_plan_withdraw", args=[plan.pk]), {"reason": "Thought it a duplicate"})
    assert SendRecord.objects.get(pupil=pupil).status == register_status.SEN_SUPPORT
    detail = _text(client.get(reverse("send:ehc_plan_detail", args=[plan.pk])))
    assert "Restore this plan" in detail

    page = client.post(reverse("send:ehc_plan_restore", args=[plan.pk]), follow=True)

    plan.refresh_from_db()
    assert not plan.is_withdrawn and plan.withdrawal_reason == ""
    record = SendRecord.objects.get(pupil=pupil)
    assert record.status == register_status.EHC_PLAN and record.status_since == date(2026, 12, 1)
    assert AuditEntry.objects.filter(action="send.ehcplan.restored").count() == 1
    assert "EHC plan restored." in _text(page) and "register status is EHC plan." in _text(page)
    assert EhcPlan.objects.in_force(date(2026, 12, 1)).filter(pupil=pupil).count() == 1


@time_machine.travel(NOW, tick=False)
def test_a_withdrawn_plan_stays_withdrawn_when_another_plan_was_recorded(login, sendco, pupil, la):
    wrong = services.ehc_plan_record(
        actor=sendco, pupil=pupil, local_authority=la, issue_date=date(2025, 1, 1)
    )
    services.ehc_plan_withdraw(actor=sendco, plan=wrong, reason="Wrong issue date")
    services.ehc_plan_record(actor=sendco, pupil=pupil, local_authority=la, issue_date=date(2025, 2, 1))

    page = login(sendco).post(reverse("send:ehc_plan_restore", args=[wrong.pk]), follow=True)

    wrong.refresh_from_db()
    assert wrong.is_withdrawn
    assert "only one can be in force, so this one stays withdrawn" in _text(page)
    assert not AuditEntry.objects.filter(action="send.ehcplan.restored").exists()


@time_machine.travel(NOW, tick=False)
def test_only_the_sendco_or_head_restore_and_not_after_30_days(login, sendco, class_teacher, pupil, la):
    plan = services.ehc_plan_record(
        actor=sendco, pupil=pupil, local_authority=la, issue_date=date(2025, 1, 1)
    )
    services.ehc_plan_withdraw(actor=sendco, plan=plan, reason="Wrong pupil")
    url = reverse("send:ehc_plan_restore", args=[plan.pk])
    assert login(class_teacher).post(url).status_code == 403
    with time_machine.travel("2027-01-05 10:00", tick=False):
        client = login(sendco)
        assert "Restore this plan" not in _text(client.get(reverse("send:ehc_plan_detail", args=[plan.pk])))
        page = client.post(url, follow=True)
    plan.refresh_from_db()
    assert plan.is_withdrawn and "can no longer be restored" in _text(page)
