"""A school edits its tier checklists: add, edit and remove actions, each audited; the nightly run
copies the edited checklist onto cases entering the tier."""

from datetime import date

import pytest
from django.urls import reverse

from graduated_response import services
from graduated_response.models import CaseAction, TierAction
from school.models import AuditEntry
from tests.graduated_response.conftest import fill_marks
from tests.graduated_response.test_nightly import run_on

pytestmark = pytest.mark.django_db


def _add_data(tier, **overrides):
    data = {"text": "Invite the family to a coffee morning", "responsible_role": "attendance_officer"}
    data.update(target_school_days="5", order="")
    data.update(overrides)
    return {f"add-{tier}-{k}": v for k, v in data.items()}


def test_the_page_lists_each_tiers_default_checklist(
    login, attendance_officer, school, django_assert_max_num_queries
):
    client = login(attendance_officer)
    client.get(reverse("graduated_response:tier_actions"))  # creates the seed defaults the first time
    with django_assert_max_num_queries(12):
        response = client.get(reverse("graduated_response:tier_actions"))
    assert response.status_code == 200
    html = response.content.decode()
    first = TierAction.objects.filter(school=school, tier=1).order_by("order").first()
    assert first.text in html
    assert 'id="tier-5"' in html and 'name="add-3-text"' in html and f'name="action-{first.pk}-text"' in html


def test_adding_an_action_is_audited_and_new_cases_get_it(login, attendance_officer, school, pupil):
    client = login(attendance_officer)
    response = client.post(reverse("graduated_response:tier_action_add", args=[3]), _add_data(3))
    assert response.status_code == 302 and response["Location"].endswith("#tier-3")
    added = TierAction.objects.get(school=school, text="Invite the family to a coffee morning")
    assert added.tier == 3 and added.is_active and added.target_school_days == 5
    assert added.order == TierAction.objects.filter(school=school, tier=3).exclude(pk=added.pk).count()
    entry = AuditEntry.objects.get(action="graduated_response.tier_action.created")
    assert entry.after["text"] == added.text and entry.actor == attendance_officer

    # A pupil who falls into Tier 3 gets the new action on their case.
    fill_marks(pupil, date(2026, 9, 1), date(2026, 11, 20), lambda d, s, i: "O" if i % 8 == 0 else None)
    run_on(school, date(2026, 11, 20))
    copied = CaseAction.objects.get(case__pupil=pupil, template=added)
    assert copied.text == added.text and copied.responsible_role == "attendance_officer"


def test_bad_input_shows_beside_the_field_and_saves_nothing(login, attendance_officer, school):
    client = login(attendance_officer)
    before = TierAction.objects.count()
    response = client.post(
        reverse("graduated_response:tier_action_add", args=[2]),
        _add_data(2, text="", target_school_days="0", responsible_role="governor"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    # Each message sits beside its own field (crispy links them with aria-describedby).
    assert '<p id="error_1_id_add-2-text"><strong>This field is required.</strong></p>' in html
    assert 'aria-describedby="id_add-2-responsible_role_error"' in html
    assert 'id="id_add-2-target_school_days_error"' in html
    form = response.context["bound"]
    assert set(form.errors) == {"text", "target_school_days", "responsible_role"}
    assert TierAction.objects.count() == before
    assert not AuditEntry.objects.filter(action__startswith="graduated_response.tier_action").exists()
    # Universal has no cases, so no checklist.
    assert (
        client.post(reverse("graduated_response:tier_action_add", args=[0]), _add_data(0)).status_code == 404
    )


def test_editing_an_action_keeps_what_cases_already_carry(login, attendance_officer, school, pupil):
    fill_marks(pupil, date(2026, 9, 1), date(2026, 11, 20), lambda d, s, i: "O" if i % 8 == 0 else None)
    run_on(school, date(2026, 11, 20))
    action = TierAction.objects.filter(school=school, tier=3).order_by("order").first()
    old_text = action.text
    client = login(attendance_officer)
    prefix = f"action-{action.pk}"
    response = client.post(
        reverse("graduated_response:tier_action_update", args=[action.pk]),
        {
            f"{prefix}-text": "Meet the family within the week",
            f"{prefix}-responsible_role": "dsl",
            f"{prefix}-target_school_days": "3",
            f"{prefix}-order": "",
        },
    )
    assert response.status_code == 302, response.context["bound"].errors
    action.refresh_from_db()
    assert (action.text, action.responsible_role, action.target_school_days) == (
        "Meet the family within the week",
        "dsl",
        3,
    )
    entry = AuditEntry.objects.get(action="graduated_response.tier_action.updated")
    assert entry.before["text"] == old_text and entry.after["responsible_role"] == "dsl"
    assert CaseAction.objects.get(case__pupil=pupil, template=action).text == old_text

    # An invalid edit shows its error in that action's form and changes nothing.
    response = client.post(
        reverse("graduated_response:tier_action_update", args=[action.pk]),
        {f"{prefix}-text": "x", f"{prefix}-responsible_role": "dsl", f"{prefix}-target_school_days": "500"},
    )
    assert response.status_code == 400
    assert "target_school_days" in response.context["bound"].errors
    assert f'id="id_{prefix}-target_school_days_error"' in response.content.decode()
    action.refresh_from_db()
    assert action.target_school_days == 3


def test_removing_an_action_takes_it_off_new_cases_only(login, attendance_officer, school, pupil):
    action = TierAction.objects.filter(school=school, tier=3).order_by("order").first()
    client = login(attendance_officer)
    url = reverse("graduated_response:tier_action_deactivate", args=[action.pk])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302  # twice is once
    action.refresh_from_db()
    assert not action.is_active
    assert AuditEntry.objects.filter(action="graduated_response.tier_action.deactivated").count() == 1
    assert action.text not in client.get(reverse("graduated_response:tier_actions")).content.decode()
    fill_marks(pupil, date(2026, 9, 1), date(2026, 11, 20), lambda d, s, i: "O" if i % 8 == 0 else None)
    run_on(school, date(2026, 11, 20))
    assert CaseAction.objects.filter(case__pupil=pupil, tier=3).exists()
    assert not CaseAction.objects.filter(case__pupil=pupil, template=action).exists()


def test_another_schools_action_is_not_found(login, attendance_officer, other_school):
    theirs = TierAction.objects.filter(school=other_school).first()
    client = login(attendance_officer)
    assert (
        client.post(reverse("graduated_response:tier_action_deactivate", args=[theirs.pk])).status_code == 404
    )
    theirs.refresh_from_db()
    assert theirs.is_active


def test_services_validate_without_a_form(attendance_officer, school):
    from django.core.exceptions import ValidationError

    before = TierAction.objects.filter(school=school).count()
    with pytest.raises(ValidationError) as exc:
        services.tier_action_create(
            actor=attendance_officer,
            school=school,
            tier=6,
            text="   ",
            responsible_role="attendance_officer",
            target_school_days=5,
        )
    assert {"tier", "text"} <= set(exc.value.message_dict)
    assert TierAction.objects.filter(school=school).count() == before
