"""The SENDCo's private iCalendar link: made on the calendar page and shown once, stored as a hash,
fetched without a session, revocable, and saying no more about a pupil than initials and year."""

import hashlib
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from school.models import AuditEntry, Membership, Role
from send.deadlines import registered
from send.models import CalendarFeed
from tests import factories as f
from tests.send.deadline_fakes import steps_source

LONDON = ZoneInfo("Europe/London")
WEDNESDAY = datetime(2026, 12, 2, 9, 0, tzinfo=LONDON)
pytestmark = pytest.mark.django_db


@pytest.fixture
def ada(school, own_class):
    return f.PupilFactory(
        school=school, registration_class=own_class, legal_first_name="Ada", legal_last_name="Lovell"
    )


@pytest.fixture
def steps(ada):
    source = steps_source(
        {
            ada.pk: [
                ("ehcp.review.report", date(2026, 11, 30), "Eastmoor Council"),
                ("ehcp.review.invitations", date(2026, 12, 4), "Eastmoor Council"),
            ]
        }
    )
    with registered(source):
        yield


def make_link(client) -> str:
    """Make a link on the calendar page; return the feed's path from the page that shows it once."""
    page = client.post(reverse("send:deadlines_feed_create"))
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    url = re.search(r'value="(http[^"]+\.ics)"', page.content.decode()).group(1)
    return url.removeprefix("http://testserver")


def events(response):
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content).walk("VEVENT")


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_feed_has_all_day_events_with_initials_year_step_rule_and_link(login, sendco, ada, steps):
    path = make_link(login(sendco))
    response = Client().get(path)  # a calendar app: no session
    found = sorted(events(response), key=lambda e: e.decoded("dtstart"))
    assert [e.decoded("dtstart") for e in found] == [date(2026, 11, 30), date(2026, 12, 4)]
    assert all(e.decoded("dtend") - e.decoded("dtstart") == timedelta(days=1) for e in found)
    overdue, invitations = found
    assert str(overdue["summary"]) == "Overdue: AL (Year 3): Step report"
    assert str(invitations["summary"]) == "AL (Year 3): Step invitations"
    assert str(invitations["uid"]) == f"ehcp.review.invitations:plan:{ada.pk}@sendcase"
    assert str(invitations["url"]) == "http://testserver" + reverse("send:pupil_send", args=[ada.pk])
    assert "6 weeks from the day the local authority received the request" in str(invitations["description"])
    assert invitations.get("dtstamp") is not None
    body = response.content.decode()
    assert "Ada" not in body and "Lovell" not in body and "Eastmoor" not in body


@time_machine.travel(WEDNESDAY, tick=False)
def test_uids_are_stable_between_fetches(login, sendco, steps):
    path = make_link(login(sendco))
    first = {str(e["uid"]) for e in events(Client().get(path))}
    assert first and first == {str(e["uid"]) for e in events(Client().get(path))}


@time_machine.travel(WEDNESDAY, tick=False)
def test_only_the_hash_is_stored_and_making_it_is_audited(login, sendco, steps):
    path = make_link(login(sendco))
    token = path.rsplit("/", 1)[1].removesuffix(".ics")
    feed = CalendarFeed.objects.get()
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest() != token
    entry = AuditEntry.objects.get(action="send.calendar_feed.created")
    assert entry.object_id == str(feed.pk) and token not in str(entry.after)
    assert "token_hash" not in entry.after


def test_a_double_click_makes_one_link(login, sendco, steps):
    client = login(sendco)
    form = client.get(reverse("send:deadlines")).content.decode()
    token = re.search(r'name="submission_token" value="([^"]+)"', form).group(1)
    first = client.post(reverse("send:deadlines_feed_create"), {"submission_token": token})
    second = client.post(reverse("send:deadlines_feed_create"), {"submission_token": token})
    assert first.status_code == 200 and second.status_code == 302
    assert CalendarFeed.objects.count() == 1


@time_machine.travel(WEDNESDAY, tick=False)
def test_a_revoked_link_is_404_and_a_new_link_works(login, sendco, steps):
    client = login(sendco)
    old = make_link(client)
    feed = CalendarFeed.objects.get()
    assert client.post(reverse("send:deadlines_feed_revoke", args=[feed.pk])).status_code == 302
    assert Client().get(old).status_code == 404
    assert AuditEntry.objects.filter(action="send.calendar_feed.revoked", object_id=str(feed.pk)).count() == 1
    new = make_link(client)
    assert Client().get(new).status_code == 200 and Client().get(old).status_code == 404


@time_machine.travel(WEDNESDAY, tick=False)
def test_a_new_link_replaces_the_old_one(login, sendco, steps):
    client = login(sendco)
    old, new = make_link(client), make_link(client)
    assert Client().get(old).status_code == 404 and Client().get(new).status_code == 200
    assert CalendarFeed.objects.active().count() == 1


def test_nobody_revokes_anothers_link(login, client_for, sendco, headteacher, steps):
    make_link(login(sendco))
    feed = CalendarFeed.objects.get()
    response = client_for(headteacher).post(reverse("send:deadlines_feed_revoke", args=[feed.pk]))
    assert response.status_code == 404
    assert CalendarFeed.objects.active().count() == 1


@time_machine.travel(WEDNESDAY, tick=False)
def test_a_role_taken_away_or_an_account_closed_stops_the_feed(login, sendco, school, steps):
    path = make_link(login(sendco))
    Membership.objects.filter(user=sendco, school=school).update(is_active=False)
    assert Client().get(path).status_code == 404
    Membership.objects.filter(user=sendco, school=school).update(is_active=True)
    assert Client().get(path).status_code == 200
    sendco.is_active = False
    sendco.save()
    assert Client().get(path).status_code == 404


def test_a_wrong_token_is_404(steps):
    url = reverse("send:deadlines_ics", kwargs={"token": "x" * 43})
    assert Client().get(url).status_code == 404


@time_machine.travel(WEDNESDAY, tick=False)
def test_another_schools_sendco_sees_only_their_own_school(client_for, other_school, steps):
    elsewhere = f.staff(other_school, Role.SENDCO, username="othersendco")
    path = make_link(client_for(elsewhere))
    response = Client().get(path)
    assert events(response) == []
    assert "SEND deadlines – Hillside Primary" in response.content.decode()


@time_machine.travel(WEDNESDAY, tick=False)
def test_a_fetch_marks_the_link_used_at_most_every_15_minutes(login, sendco, steps):
    path = make_link(login(sendco))
    Client().get(path)
    first = CalendarFeed.objects.get().last_used_at
    assert first == WEDNESDAY
    with time_machine.travel(WEDNESDAY + timedelta(minutes=5), tick=False):
        Client().get(path)
    assert CalendarFeed.objects.get().last_used_at == first
    with time_machine.travel(WEDNESDAY + timedelta(minutes=20), tick=False):
        Client().get(path)
    assert CalendarFeed.objects.get().last_used_at == WEDNESDAY + timedelta(minutes=20)
    assert not AuditEntry.objects.filter(action__startswith="send.calendar_feed.fetch").exists()


def test_class_teachers_cannot_make_a_link(client_for, class_teacher):
    assert client_for(class_teacher).post(reverse("send:deadlines_feed_create")).status_code == 403
    assert not CalendarFeed.objects.exists()


@time_machine.travel(WEDNESDAY, tick=False)
def test_the_calendar_page_says_when_the_link_was_last_used(login, sendco, steps):
    client = login(sendco)
    Client().get(make_link(client))
    content = client.get(reverse("send:deadlines")).content.decode()
    assert 'data-testid="feed-active"' in content and "last fetched on 2 Dec 2026" in content
