"""Issue 14: My work links each action to its case and pupil, groups by pupil, filters by overdue / due
this week / tier, and agrees with the dashboard about what is overdue."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from graduated_response.models import Case, CaseAction
from tests import factories as f

pytestmark = pytest.mark.django_db
# Thursday 3 December 2026: "this week" runs to Sunday 6 December.
NOW = datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def work(school, own_class):
    def case(name, tier):
        pupil = f.PupilFactory(school=school, registration_class=own_class, legal_last_name=name)
        return Case.objects.create(school=school, pupil=pupil, current_tier=tier, opened_on=date(2026, 11, 2))

    def action(case, text, due, role="attendance_officer"):
        return CaseAction.objects.create(
            case=case, tier=case.current_tier, text=text, responsible_role=role, due_on=due
        )

    zephyr, abbott = case("Zephyr", 2), case("Abbott", 4)
    return {
        "zephyr": zephyr,
        "abbott": abbott,
        "late": action(zephyr, "Ring the parents", date(2026, 12, 1)),
        "soon": action(zephyr, "Offer breakfast club", date(2026, 12, 4)),
        "later": action(abbott, "Meet the family", date(2026, 12, 14)),
        "abbott_late": action(abbott, "Check vulnerabilities", date(2026, 11, 30)),
        # Overdue, but the class teacher's: on the dashboard's list, not the officer's My work.
        "teacher": action(abbott, "Talk with the child", date(2026, 11, 25), role="class_teacher"),
    }


def _groups(response):
    html = response.content.decode()
    chunks = html.split('data-testid="pupil-group"')[1:]
    return [(c[: c.index("</h3>")], c[: c.index("</section>")]) for c in chunks]


@time_machine.travel(NOW, tick=False)
def test_actions_are_grouped_by_pupil_with_links_to_the_pupil_and_the_case(login, attendance_officer, work):
    response = login(attendance_officer).get(reverse("graduated_response:my_work"))
    groups = _groups(response)
    assert len(groups) == 2
    (head_a, body_a), (head_z, body_z) = groups
    assert "Abbott" in head_a and "Zephyr" in head_z  # by the pupil's name
    assert "Check vulnerabilities" in body_a and "Meet the family" in body_a
    assert body_a.index("Check vulnerabilities") < body_a.index("Meet the family")  # earliest due first
    assert "Ring the parents" in body_z and "Offer breakfast club" in body_z
    pupil = work["abbott"].pupil
    assert reverse("school:pupil_detail", args=[pupil.pk]) in body_a
    assert reverse("graduated_response:case_detail", args=[work["abbott"].pk]) in body_a


@time_machine.travel(NOW, tick=False)
def test_my_work_filters_by_overdue_due_this_week_and_tier(login, attendance_officer, work):
    client = login(attendance_officer)
    url = reverse("graduated_response:my_work")

    def texts(**params):
        return sorted(a.text for a in client.get(url, params).context["actions"].object_list)

    assert texts(due="overdue") == ["Check vulnerabilities", "Ring the parents"]
    assert texts(due="week") == ["Offer breakfast club"]
    assert texts(tier="4") == ["Check vulnerabilities", "Meet the family"]
    assert texts(due="overdue", tier="2") == ["Ring the parents"]
    assert len(texts(due="nonsense", tier="9")) == 4  # an unknown filter is ignored
    assert "No actions match." in client.get(url, {"due": "week", "tier": "4"}).content.decode()


@time_machine.travel(NOW, tick=False)
def test_my_work_and_the_dashboard_agree_about_what_is_overdue(login, attendance_officer, work):
    client = login(attendance_officer)
    dashboard = client.get(reverse("graduated_response:dashboard"))
    my_work = client.get(reverse("graduated_response:my_work"))
    assert dashboard.context["overdue_count"] == my_work.context["all_overdue_count"] == 3
    assert dashboard.context["my_overdue_count"] == my_work.context["my_overdue_count"] == 2
    html = my_work.content.decode()
    summary = html[html.index('data-testid="overdue-summary"') :]
    assert "2 of your actions are overdue." in summary
    assert "On all the open cases you can see, 3 actions are overdue for any role" in summary
    html = dashboard.content.decode()
    summary = html[html.index('data-testid="overdue-summary"') :]
    assert "2 of them are yours" in summary
    assert 'data-testid="overdue-count">3<' in html


@time_machine.travel(NOW, tick=False)
def test_a_class_teacher_sees_the_pupil_link_but_not_the_case(login, class_teacher, work):
    response = login(class_teacher).get(reverse("graduated_response:my_work"))
    ((head, body),) = _groups(response)
    assert "Talk with the child" in body
    assert reverse("school:pupil_detail", args=[work["abbott"].pupil_id]) in head
    assert 'data-testid="case-link"' not in body
    assert "1 of your actions is overdue." in response.content.decode()
