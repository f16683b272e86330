"""Each app registers its menu entries and panels in its AppConfig; every registered name reverses and
every panel a role is offered renders for that role."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from letters.models import Letter
from school import navigation, policy

PERSONAS = [
    "headteacher",
    "sendco",
    "attendance_officer",
    "dsl",
    "class_teacher",
    "teaching_assistant",
    "office_staff",
    "governor",
    "trust_lead",
]


def test_every_app_registered_its_entries():
    names = {e.url_name.split(":")[0] for e in navigation.NAV_ENTRIES}
    assert names == {"school", "attendance", "letters", "send", "graduated_response", "reports"}
    pupil_panels = {e.url_name for e in navigation.PUPIL_PANELS}
    assert {"attendance:panel_pupil", "send:panel_pupil", "letters:panel_pupil"} <= pupil_panels


def test_every_registered_name_reverses():
    for entry in navigation.NAV_ENTRIES + navigation.HOME_PANELS:
        reverse(entry.url_name)
    for entry in navigation.PUPIL_PANELS:
        reverse(entry.url_name, args=[1])


def test_every_capability_named_exists():
    known = {value for name, value in vars(policy).items() if name.isupper() and isinstance(value, str)}
    for entry in navigation.NAV_ENTRIES + navigation.HOME_PANELS + navigation.PUPIL_PANELS:
        assert entry.capability in known, entry


@pytest.mark.parametrize("persona", PERSONAS)
@time_machine.travel(date(2026, 11, 23))
def test_every_offered_panel_and_entry_renders_for_the_role(persona, request, login, pupil):
    user = request.getfixturevalue(persona)
    client = login(user)
    home = client.get(reverse("home"))
    assert home.status_code == 200
    for entry in navigation.entries_for(user, pupil.school):
        assert client.get(entry["url"]).status_code == 200, (persona, entry)
        assert entry["url"] in home.content.decode()
    for panel in navigation.panels_for(user, pupil.school):
        assert client.get(panel["url"]).status_code == 200, (persona, panel)
    if policy.can(user, pupil.school, policy.VIEW_PUPILS):
        for panel in navigation.pupil_panels_for(user, pupil.school, pupil):
            assert client.get(panel["url"]).status_code == 200, (persona, panel)


def _views_letter(pupil, author):
    return Letter.objects.create(
        school=pupil.school,
        pupil=pupil,
        kind=Letter.Kind.VIEWS_REQUEST,
        school_name=pupil.school.name,
        letter_date=date(2026, 11, 23),
        subject="Your views before the review",
        body_html="<p>Dear parent</p>",
        created_by=author,
        created_at="2026-11-23T09:00:00Z",
        stored_name="panel-test.pdf",
    )


@time_machine.travel(date(2026, 11, 23))
def test_the_letters_panel_shows_on_the_pupil_page_with_letters_the_role_may_open(
    login, sendco, trust_lead, pupil
):
    _views_letter(pupil, sendco)
    page = login(sendco).get(reverse("school:pupil_detail", args=[pupil.pk])).content.decode()
    assert reverse("letters:panel_pupil", args=[pupil.pk]) in page
    panel = login(sendco).get(reverse("letters:panel_pupil", args=[pupil.pk])).content.decode()
    assert "Your views before the review" in panel
    # A views request is SEND: a trust lead sees the pupil and the panel, but not that letter.
    officer_panel = login(trust_lead).get(reverse("letters:panel_pupil", args=[pupil.pk]))
    assert "Your views before the review" not in officer_panel.content.decode()
    assert "No letters about" in officer_panel.content.decode()


def test_a_pupil_of_another_class_or_school_is_404_on_the_letters_panel(
    login, class_teacher, other_class_pupil, other_school_pupil
):
    client = login(class_teacher)
    assert client.get(reverse("letters:panel_pupil", args=[other_class_pupil.pk])).status_code == 404
    assert client.get(reverse("letters:panel_pupil", args=[other_school_pupil.pk])).status_code == 404


def test_registering_twice_adds_nothing():
    before = list(navigation.NAV_ENTRIES)
    navigation.register(nav=[before[0]])
    assert navigation.NAV_ENTRIES == before
