"""Issue 14: alerts most serious first, filterable by kind, and acknowledging one records its outcome."""

import html
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from graduated_response.models import Alert, Case
from graduated_response.triggers import Kind
from school.models import AuditEntry

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("Europe/London"))
AO = ",attendance_officer,"


@pytest.fixture
def alerts(school, pupil):
    case = Case.objects.create(school=school, pupil=pupil, current_tier=3, opened_on=date(2026, 11, 2))

    def alert(kind, day, key="k"):
        return Alert.objects.create(
            school=school,
            pupil=pupil,
            case=case,
            kind=kind,
            period_key=key,
            message=f"About {kind}.",
            for_roles=AO,
            created_on=date(2026, 12, day),
        )

    return {
        "late": alert(Kind.LATE_MARKS, 3),  # the newest, but the least serious
        "illness": alert(Kind.ILLNESS_15_DAYS, 1),
        "separate": alert(Kind.SEPARATE_ABSENCES, 2),
        "continuous": alert(Kind.CONTINUOUS_UNAUTHORISED, 1),
        "no_contact": alert(Kind.NO_CONTACT, 1),
        "late_2": alert(Kind.LATE_MARKS, 2, key="k2"),
        "case": case,
    }


@time_machine.travel(NOW, tick=False)
def test_alerts_come_most_serious_first_on_my_work_and_the_dashboard(login, attendance_officer, alerts):
    client = login(attendance_officer)
    expected = ["no_contact", "continuous_unauthorised", "illness_15_days", "separate_absences"]
    expected += ["late_marks", "late_marks"]
    for name in ("graduated_response:my_work", "graduated_response:dashboard"):
        listed = list(client.get(reverse(name)).context["alerts"])
        # (The dashboard's health check adds a school-wide "nightly checks missed": none ran here.)
        assert [a.kind for a in listed if a.pupil_id] == expected
    # Within a kind, the newest first.
    late = [a.pk for a in client.get(reverse("graduated_response:my_work")).context["alerts"]][-2:]
    assert late == [alerts["late"].pk, alerts["late_2"].pk]


@time_machine.travel(NOW, tick=False)
def test_alerts_filter_by_kind_with_counts(login, attendance_officer, alerts):
    client = login(attendance_officer)
    response = client.get(reverse("graduated_response:my_work"), {"alert_kind": Kind.LATE_MARKS})
    assert {a.kind for a in response.context["alerts"]} == {Kind.LATE_MARKS}
    assert response.context["alert_count"] == 2
    html = response.content.decode()
    assert '<option value="late_marks" selected>2 late marks in one week (2)</option>' in html
    # The choices are the kinds there are, most serious first.
    assert html.index("No contact for 3 school days (1)") < html.index("Illness reaching 15 school days (1)")
    response = client.get(reverse("graduated_response:dashboard"), {"alert_kind": Kind.NO_CONTACT})
    assert [a.kind for a in response.context["alerts"]] == [Kind.NO_CONTACT]
    assert response.context["alert_count"] == 1


@time_machine.travel(NOW, tick=False)
def test_acknowledging_a_return_to_the_la_needs_its_outcome(login, attendance_officer, alerts):
    client = login(attendance_officer)
    url = reverse("graduated_response:alerts_acknowledge")
    continuous, late = alerts["continuous"], alerts["late"]
    response = client.post(url, {"alerts": [continuous.pk, late.pk], "back": "my_work", "outcome": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Say what was done about \u201810 continuous school days of unauthorised absence\u2019" in html
    assert 'data-testid="outcome-error"' in html
    assert f'value="{continuous.pk}" id="alert-{continuous.pk}" checked' in html  # the ticks stay
    assert Alert.objects.filter(pk__in=[continuous.pk, late.pk], status="open").count() == 2

    response = client.post(
        url,
        {"alerts": [continuous.pk, late.pk], "back": "my_work", "outcome": "LA told on 2 Dec by phone"},
    )
    assert response.status_code == 302
    continuous.refresh_from_db()
    assert continuous.status == "acknowledged" and continuous.outcome == "LA told on 2 Dec by phone"
    entry = AuditEntry.objects.get(
        action="graduated_response.alert.acknowledged", object_id=str(continuous.pk)
    )
    assert entry.after["outcome"] == "LA told on 2 Dec by phone"
    page = client.get(reverse("graduated_response:case_detail", args=[alerts["case"].pk])).content.decode()
    assert "LA told on 2 Dec by phone" in page and 'data-testid="alert-outcome"' in page


@time_machine.travel(NOW, tick=False)
def test_a_late_marks_alert_is_acknowledged_without_an_outcome(login, attendance_officer, alerts):
    client = login(attendance_officer)
    response = client.post(
        reverse("graduated_response:alerts_acknowledge"),
        {"alerts": [alerts["late"].pk], "alert_kind": Kind.LATE_MARKS},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("graduated_response:dashboard") + "?alert_kind=late_marks"
    alerts["late"].refresh_from_db()
    assert alerts["late"].status == "acknowledged" and alerts["late"].outcome == ""


@time_machine.travel(NOW, tick=False)
def test_closing_the_case_says_so_as_the_alerts_outcome(login, attendance_officer, alerts):
    login(attendance_officer).post(
        reverse("graduated_response:case_close", args=[alerts["case"].pk]), {"reason": "Moved to Leeds."}
    )
    alerts["no_contact"].refresh_from_db()
    assert alerts["no_contact"].outcome == "The case was closed: Moved to Leeds."


@time_machine.travel(NOW, tick=False)
def test_an_outcome_is_shown_as_text_not_markup(login, attendance_officer, alerts):
    client = login(attendance_officer)
    outcome = "<script>alert(1)</script> told the LA"
    client.post(
        reverse("graduated_response:alerts_acknowledge"),
        {"alerts": [alerts["illness"].pk], "outcome": outcome},
    )
    page = client.get(reverse("graduated_response:case_detail", args=[alerts["case"].pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; told the LA" in page and outcome not in page


def _next_in_form(page: str) -> str:
    form = page[page.index('action="' + reverse("graduated_response:alerts_acknowledge")) :]
    value = form[form.index('name="next" value="') + len('name="next" value="') :]
    return html.unescape(value[: value.index('"')])


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("graduated_response:dashboard", "?sort=-last_contact&year_group=3&alert_kind=late_marks"),
        ("graduated_response:my_work", "?due=overdue&tier=3&alert_kind=late_marks"),
    ],
)
def test_acknowledging_goes_back_to_the_list_as_it_was_sorted_and_filtered(
    login, attendance_officer, alerts, page, query
):
    client = login(attendance_officer)
    listed = reverse(page) + query
    back = _next_in_form(client.get(listed).content.decode())
    assert back == listed
    response = client.post(
        reverse("graduated_response:alerts_acknowledge"),
        {"alerts": [alerts["late"].pk], "alert_kind": Kind.LATE_MARKS, "next": back},
    )
    assert response.status_code == 302 and response["Location"] == listed
    alerts["late"].refresh_from_db()
    assert alerts["late"].status == "acknowledged"


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    "hostile",
    [
        "https://evil.example/graduated-response/",
        "//evil.example" + "/x",
        "/accounts/logout/",
        "javascript:alert(1)",
    ],
)
def test_a_next_elsewhere_is_ignored(login, attendance_officer, alerts, hostile):
    response = login(attendance_officer).post(
        reverse("graduated_response:alerts_acknowledge"),
        {"alerts": [alerts["late"].pk], "alert_kind": Kind.LATE_MARKS, "next": hostile},
    )
    assert response["Location"] == reverse("graduated_response:dashboard") + "?alert_kind=late_marks"


@time_machine.travel(NOW, tick=False)
def test_a_refused_acknowledgement_still_goes_back_to_the_filtered_list(login, attendance_officer, alerts):
    client = login(attendance_officer)
    listed = reverse("graduated_response:my_work") + "?due=overdue&alert_kind=illness_15_days"
    response = client.post(
        reverse("graduated_response:alerts_acknowledge"),
        {"alerts": [alerts["illness"].pk], "back": "my_work", "next": listed},
    )
    assert response.status_code == 400  # the illness return needs its outcome
    assert _next_in_form(response.content.decode()) == listed
