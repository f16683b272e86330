"""The screens: dashboard, case page, checklist, communication log, my work, tier bands, SEND list."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from graduated_response.models import Alert, Case, CaseAction, CommunicationLog, TierBand
from school.models import AuditEntry
from send.models import AnnualReview
from tests import factories as f
from tests.graduated_response.conftest import fill_marks
from tests.graduated_response.test_nightly import run_on
from tests.send.ehcp_factories import ehc_plan

pytestmark = pytest.mark.django_db
TODAY = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def cases(school, own_class, other_class, sendco):
    pupils = [
        f.PupilFactory(
            school=school, registration_class=own_class, legal_last_name="Ashdown", sen_provision="E"
        ),
        f.PupilFactory(
            school=school, registration_class=other_class, legal_last_name="Brightwell", pupil_premium=True
        ),
        f.PupilFactory(school=school, registration_class=own_class, legal_last_name="Carrow"),
        f.PupilFactory(school=school, registration_class=own_class, legal_last_name="Dunmore"),
    ]
    for p, every in zip(pupils, (8, 14, 100, 14), strict=True):
        fill_marks(
            p,
            date(2026, 9, 1),
            date(2026, 11, 20),
            lambda d, s, i, every=every: "O" if i % every == 0 else None,
        )
    ehc_plan(pupil=pupils[0], created_by=sendco, issue_date=date(2026, 3, 1))
    run_on(school, date(2026, 11, 20))
    return pupils


@time_machine.travel(TODAY, tick=False)
def test_dashboard_counts_filters_and_lists_cases(
    login, attendance_officer, cases, django_assert_max_num_queries
):
    client = login(attendance_officer)
    # 25, six for the triage columns and the Universal tile (calendar, bands, the pupils' marks), one
    # for how many of the overdue actions are the user's, one for the school's own year groups (the
    # year filter's choices).
    # +1: the menu asks once a request whether the user has a class (policy.has_own_class)
    with django_assert_max_num_queries(34):
        response = client.get(reverse("graduated_response:dashboard"))
    assert response.status_code == 200

    def listed(response):
        return {c.pupil.legal_last_name for c in response.context["page"].object_list}

    assert listed(response) == {"Ashdown", "Brightwell", "Dunmore"}
    assert response.context["tier_counts"][2]["count"] == 1  # Tier 3: Ashdown
    assert response.context["tier_counts"][2]["change"] == 1  # new since last week
    dashboard = reverse("graduated_response:dashboard")
    assert listed(client.get(dashboard, {"sen_provision": "E"})) == {"Ashdown"}
    assert listed(client.get(dashboard, {"pupil_premium": "true"})) == {"Brightwell"}
    assert listed(client.get(dashboard, {"pupil_premium": "false"})) == {"Ashdown", "Dunmore"}
    # The filter reads "Any / Yes / No", not django-filter's "Unknown".
    page = client.get(dashboard).content.decode()
    assert '<option value="" selected>Any</option>' in page and "Unknown" not in page
    assert listed(client.get(dashboard, {"tier": "2"})) == {"Brightwell", "Dunmore"}
    assert listed(client.get(dashboard, {"registration_class": cases[1].registration_class_id})) == {
        "Brightwell"
    }
    assert listed(client.get(dashboard, {"year_group": "3"})) == {"Ashdown", "Dunmore"}


@time_machine.travel(TODAY, tick=False)
def test_bulk_key_adult_and_acknowledge_alerts(login, attendance_officer, class_teacher, cases):
    client = login(attendance_officer)
    ids = list(Case.objects.values_list("pk", flat=True))
    response = client.post(
        reverse("graduated_response:cases_set_key_adult"), {"cases": ids, "key_adult": class_teacher.pk}
    )
    assert response.status_code == 302
    assert set(Case.objects.values_list("key_adult", flat=True)) == {class_teacher.pk}
    assert AuditEntry.objects.filter(action="graduated_response.case.key_adult_set").count() == len(ids)
    alert_ids = list(
        Alert.objects.filter(for_roles__contains=",attendance_officer,").values_list("pk", flat=True)[:2]
    )
    client.post(reverse("graduated_response:alerts_acknowledge"), {"alerts": alert_ids})
    assert (
        Alert.objects.filter(
            pk__in=alert_ids, status="acknowledged", acknowledged_by=attendance_officer
        ).count()
        == 2
    )
    assert AuditEntry.objects.filter(action="graduated_response.alert.acknowledged").count() == 2


@time_machine.travel(TODAY, tick=False)
def test_case_page_checklist_and_communication_log(login, attendance_officer, cases):
    case = Case.objects.get(pupil=cases[0])
    client = login(attendance_officer)
    response = client.get(reverse("graduated_response:case_detail", args=[case.pk]))
    html = response.content.decode()
    assert "86.8%" in html and "<svg" in html and "Agreed part-time timetable (C2): 0 sessions" in html
    assert "joint review with the SENDCo" in html  # EHC plan pupil
    action = case.actions.first()
    too_long = client.post(
        reverse("graduated_response:action_done", args=[action.pk]), {"note": "x" * 2001}, follow=True
    )
    assert "Not marked as done." in too_long.content.decode()  # the note is never silently dropped
    action.refresh_from_db()
    assert action.done_at is None
    client.post(reverse("graduated_response:action_done", args=[action.pk]), {"note": "Met mum at the gate"})
    action.refresh_from_db()
    assert action.done_by == attendance_officer and action.done_note == "Met mum at the gate"
    assert AuditEntry.objects.filter(action="graduated_response.action.done", pupil=cases[0]).exists()
    bad = client.post(
        reverse("graduated_response:communication_add", args=[case.pk]),
        {"kind": "call", "happened_on": "2026-12-25", "with_whom": "Mother", "summary": "x"},
    )
    assert bad.status_code == 400 and "cannot be in the future" in bad.content.decode()
    assert not CommunicationLog.objects.exists()
    client.post(
        reverse("graduated_response:communication_add", args=[case.pk]),
        {
            "kind": "home_visit",
            "happened_on": "2026-11-23",
            "with_whom": "Both parents",
            "summary": "Agreed a plan",
        },
    )
    entry = CommunicationLog.objects.get()
    assert entry.recorded_by == attendance_officer and entry.kind == "home_visit"
    assert AuditEntry.objects.filter(action="graduated_response.communication.added").count() == 1


@time_machine.travel(TODAY, tick=False)
def test_case_close_by_hand_needs_a_reason(login, attendance_officer, cases):
    case = Case.objects.get(pupil=cases[0])
    client = login(attendance_officer)
    client.post(reverse("graduated_response:case_close", args=[case.pk]), {"reason": " "})
    assert Case.objects.get(pk=case.pk).status == "open"
    assert case.alerts.filter(status="open").exists()
    client.post(reverse("graduated_response:case_close", args=[case.pk]), {"reason": "Moved away"})
    case.refresh_from_db()
    assert (case.status, case.close_reason) == ("closed", "Moved away")
    assert AuditEntry.objects.filter(
        action="graduated_response.case.closed", actor=attendance_officer
    ).exists()
    # Its alerts no longer sit on the dashboard pointing at a closed case.
    assert not case.alerts.filter(status="open").exists()
    assert set(case.alerts.values_list("acknowledged_by", flat=True)) == {attendance_officer.pk}


@time_machine.travel(TODAY, tick=False)
def test_my_work_shows_the_class_teachers_actions_for_their_own_class_only(login, class_teacher, cases):
    response = login(class_teacher).get(reverse("graduated_response:my_work"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dunmore" in html and "Brightwell" not in html  # Brightwell is in another class
    mine = response.context["actions"].object_list
    assert mine and all(a.responsible_role == "class_teacher" for a in mine)
    # The teacher marks one of their actions done from My work.
    action = mine[0]
    login(class_teacher).post(
        reverse("graduated_response:action_done", args=[action.pk]), {"back": "my_work"}
    )
    assert CaseAction.objects.get(pk=action.pk).done_by == class_teacher
    other = CaseAction.objects.filter(case__pupil=cases[1], responsible_role="class_teacher").first()
    assert (
        login(class_teacher).post(reverse("graduated_response:action_done", args=[other.pk])).status_code
        == 404
    )


def test_tier_band_editing_refuses_gaps_beside_the_field(login, attendance_officer, school):
    client = login(attendance_officer)
    assert client.get(reverse("graduated_response:tier_bands")).status_code == 200
    data = {"min_possible_sessions": 20, "step_down_weeks": 3}
    for tier, low, high in [
        (0, "95.1", "100.0"),
        (1, "93.0", "95.0"),
        (2, "90.1", "92.8"),
        (3, "80.0", "90.0"),
        (4, "50.0", "79.9"),
        (5, "0.0", "49.9"),
    ]:
        data[f"tier_{tier}_low"], data[f"tier_{tier}_high"] = low, high
    response = client.post(reverse("graduated_response:tier_bands"), data)
    assert response.status_code == 400
    assert "Tier 2 must end at 92.9" in response.content.decode()
    assert str(TierBand.objects.get(school=school, tier=2).high_pct) == "92.9"  # nothing saved
    data["tier_2_high"] = "92.9"
    data["tier_1_low"], data["tier_2_high"] = "94.0", "93.9"
    data["tier_2_low"] = "90.1"
    response = client.post(reverse("graduated_response:tier_bands"), data)
    assert response.status_code == 302
    assert float(TierBand.objects.get(school=school, tier=1).low_pct) == 94.0
    entry = AuditEntry.objects.get(action="graduated_response.tier_bands.changed")
    assert entry.before["bands"]["1"] == ["93.0", "95.0"] and entry.after["bands"]["1"] == ["94.0", "95.0"]
    assert entry.after["step_down_weeks"] == 3


@time_machine.travel(TODAY, tick=False)
def test_send_in_tiers_and_panels(login, sendco, attendance_officer, cases):
    html = login(sendco).get(reverse("graduated_response:send_in_tiers")).content.decode()
    assert "Ashdown" in html and "EHC plan: early review asked for" in html and "Brightwell" not in html
    # The SENDCo's work list links the alert to the early review the nightly run asked for.
    review = AnnualReview.objects.get(pupil=cases[0])
    work = login(sendco).get(reverse("graduated_response:my_work")).content.decode()
    assert f'href="/send/ehc-reviews/{review.pk}/" data-testid="ehcp-review-link"' in work
    panel = login(attendance_officer).get(reverse("graduated_response:panel_home")).content.decode()
    assert "Tier 3: 1" in panel
    pupil_panel = login(attendance_officer).get(reverse("graduated_response:panel_pupil", args=[cases[0].pk]))
    assert "Open case, Tier 3" in pupil_panel.content.decode()


def test_class_teachers_cannot_see_the_dashboard(login, class_teacher, school):
    assert login(class_teacher).get(reverse("graduated_response:dashboard")).status_code == 403


@time_machine.travel(TODAY, tick=False)
def test_sendco_dashboard_loads_pupils_with_send_in_a_tier_as_a_panel(login, sendco, cases):
    client = login(sendco)
    dashboard = client.get(reverse("send:dashboard")).content.decode()
    assert f'hx-get="{reverse("graduated_response:send_in_tiers")}"' in dashboard
    panel = client.get(reverse("graduated_response:send_in_tiers"), HTTP_HX_REQUEST="true").content.decode()
    assert "Ashdown" in panel and "<html" not in panel and "Brightwell" not in panel


def _letter(pupil, author, subject):
    import uuid

    from django.utils import timezone

    from letters.models import Letter

    return Letter.objects.create(
        school=pupil.school,
        pupil=pupil,
        kind=Letter.Kind.VIEWS_REQUEST,
        school_name=pupil.school.name,
        letter_date=timezone.localdate(),
        subject=subject,
        body_html="<p>Dear parent</p>",
        created_by=author,
        created_at=timezone.now(),
        stored_name=uuid.uuid4().hex,
    )


@time_machine.travel(TODAY, tick=False)
def test_case_page_links_the_pupils_letters_in_one_query(login, attendance_officer, sendco, cases):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = Case.objects.get(pupil=cases[0])
    url = reverse("graduated_response:case_detail", args=[case.pk])
    client = login(attendance_officer)
    assert "No letters about" in client.get(url).content.decode()
    first = _letter(cases[0], sendco, "Your views before the review")
    _letter(cases[1], sendco, "A letter about someone else")
    with CaptureQueriesContext(connection) as one:
        html = client.get(url).content.decode()
    assert f'href="{reverse("letters:letter_download", args=[first.pk])}"' in html
    assert "Your views before the review" in html and "A letter about someone else" not in html
    for n in range(3):
        _letter(cases[0], sendco, f"Follow-up letter {n}")
    with CaptureQueriesContext(connection) as four:
        html = client.get(url).content.decode()
    assert html.count("Follow-up letter") == 3
    assert len(four) == len(one)  # the letters come in one query however many there are


@time_machine.travel(TODAY, tick=False)
def test_dashboard_shows_a_case_moving_tier_since_last_week(login, attendance_officer, school, own_class):
    pupil = f.PupilFactory(school=school, registration_class=own_class, legal_last_name="Everleigh")
    fill_marks(pupil, date(2026, 9, 1), date(2026, 11, 13), lambda d, s, i: "O" if i % 14 == 0 else None)
    run_on(school, date(2026, 11, 13))
    case = Case.objects.get(pupil=pupil)
    assert case.current_tier == 2
    # Off all of the next week: straight into Tier 3 (escalation is immediate).
    fill_marks(pupil, date(2026, 11, 16), date(2026, 11, 20), lambda d, s, i: "O")
    run_on(school, date(2026, 11, 20))
    case.refresh_from_db()
    assert case.current_tier == 3

    response = login(attendance_officer).get(reverse("graduated_response:dashboard"))
    counts = {row["tier"]: row for row in response.context["tier_counts"]}
    assert (counts[2]["count"], counts[2]["change"]) == (0, -1)
    assert (counts[3]["count"], counts[3]["change"]) == (1, 1)
    html = response.content.decode()
    tier_2 = html[html.index('data-testid="tier-2-count"') : html.index('data-testid="tier-3-count"')]
    tier_3 = html[html.index('data-testid="tier-3-count"') : html.index('data-testid="tier-4-count"')]
    assert "1 fewer than last week" in tier_2 and "1 more than last week" in tier_3
    assert "No change since last week" in html[html.index('data-testid="tier-4-count"') :]
