"""Views in bulk (issue 15): the SENDCo asks the parents and pupils of every review in the next N weeks
in one step, prints the pupils' forms in one PDF, sees who has not replied; reminders go by themselves;
parents answer through a signed, single-use link, and their words land on the review as their own."""

import re
from datetime import date, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from letters.models import Email
from school.models import AuditEntry
from send.models import AnnualReview, SendSettings, ViewsFormsPrint, ViewsRequest
from send.services import views_bulk
from tests import factories as f
from tests.send.ehcp_factories import ehc_plan

NOW = "2026-11-23 09:00"
LINK = re.compile(r"http://testserver\.example/send/views/reply/([A-Za-z0-9_:-]+)/")


@pytest.fixture(autouse=True)
def _public_url(settings):
    settings.PUBLIC_BASE_URL = "http://testserver.example"


def _parent(pupil, email="parent@example.invalid"):
    return f.PupilContactFactory(pupil=pupil, priority=1, contact__email=email).contact


def _annual_review(pupil, sendco, meeting):
    plan = ehc_plan(pupil=pupil, created_by=sendco)
    return AnnualReview.objects.create(
        school=pupil.school,
        plan=plan,
        pupil=pupil,
        status="planned",
        meeting_date=meeting,
        meeting_time=time(10, 0),
        meeting_place="Room 4",
        created_by=sendco,
        created_at=timezone.now(),
    )


def _bulk(client, weeks=4, token=None):
    data = {"weeks": weeks}
    if token:
        data["submission_token"] = token
    return client.post("/send/views/bulk/", data)


@pytest.fixture
def world(school, own_class, sendco):
    """Two SEN support reviews and one EHC plan review in the next 4 weeks; one review later, one closed."""
    emailed = f.PupilFactory(school=school, registration_class=own_class, legal_first_name="Amara")
    printed = f.PupilFactory(school=school, registration_class=own_class, legal_first_name="Bilal")
    ehc = f.PupilFactory(school=school, registration_class=own_class, legal_first_name="Cerys")
    _parent(emailed)
    f.PupilContactFactory(pupil=printed, priority=1, contact__email="")  # no e-mail: a printed form
    _parent(ehc, "ehc.parent@example.invalid")
    return {
        "cycle_emailed": f.SupportCycleFactory(pupil=emailed, review_due=date(2026, 12, 1)),
        "cycle_printed": f.SupportCycleFactory(pupil=printed, review_due=date(2026, 12, 18)),
        "review": _annual_review(ehc, sendco, date(2026, 12, 10)),
        "later": f.SupportCycleFactory(
            pupil=f.PupilFactory(school=school, registration_class=own_class), review_due=date(2027, 2, 1)
        ),
        "closed": f.SupportCycleFactory(
            pupil=f.PupilFactory(school=school, registration_class=own_class),
            review_due=date(2026, 12, 2),
            stage="closed",
        ),
    }


@time_machine.travel(NOW, tick=False)
def test_bulk_asks_every_review_once_with_links_reply_to_and_one_pdf(
    login, sendco, world, django_capture_on_commit_callbacks
):
    client = login(sendco)
    preview = client.get("/send/views/bulk/?weeks=4").content.decode()
    assert preview.count('data-testid="bulk-row"') == 3
    with django_capture_on_commit_callbacks(execute=True):
        response = _bulk(client, weeks=4, token="8e2a3c1d-6d4e-4b8e-9a55-1b2f0c3d4e5f")
    assert response.status_code == 302
    requests = ViewsRequest.objects.all()
    assert requests.count() == 6  # 3 reviews x (parents, pupil)
    assert not ViewsRequest.objects.filter(cycle__in=[world["later"], world["closed"]]).exists()
    assert set(requests.filter(respondent="parent", method="email").values_list("sent_to", flat=True)) == {
        "parent@example.invalid",
        "ehc.parent@example.invalid",
    }
    assert requests.get(cycle=world["cycle_printed"], respondent="parent").method == "printed"
    assert requests.get(annual_review=world["review"], respondent="pupil").letter_id is not None
    # The e-mails: the reply link on PUBLIC_BASE_URL and a Reply-To of the SENDCo, not no-reply.
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert LINK.search(message.body)
        assert message.reply_to == [sendco.email]
    assert Email.objects.filter(reply_to=sendco.email).count() == 2
    # One PDF of the printed forms: 3 pupils' forms and 1 parent's form, ready to download.
    print_ = ViewsFormsPrint.objects.get()
    assert print_.letters.count() == 4
    assert print_.status == "ready" and print_.pages >= 4
    page = client.get(response["Location"]).content.decode()
    assert "The PDF is ready" in page
    pdf = client.get(f"/send/views/forms/{print_.pk}/download/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert AuditEntry.objects.filter(action="send.views_forms.downloaded").count() == 1
    assert AuditEntry.objects.filter(action="send.views.requested").count() == 6

    # A double submit (same token) makes nothing new; a repeat run asks no review a second time.
    with django_capture_on_commit_callbacks(execute=True):
        _bulk(client, weeks=4, token="8e2a3c1d-6d4e-4b8e-9a55-1b2f0c3d4e5f")
        again = _bulk(client, weeks=4)
    assert ViewsRequest.objects.count() == 6 and len(mail.outbox) == 2
    assert ViewsFormsPrint.objects.count() == 2  # the repeat's record: nothing to print
    repeat = ViewsFormsPrint.objects.latest("pk")
    assert repeat.letters.count() == 0 and "6 asked before were left as they were" in repeat.description
    assert "nothing to print" in client.get(again["Location"]).content.decode()


@time_machine.travel(NOW, tick=False)
def test_the_print_page_says_it_is_being_made_until_it_is(login, sendco, world, monkeypatch):
    monkeypatch.setattr(views_bulk, "enqueue_print", lambda pk: False)  # the broker is down
    client = login(sendco)
    response = _bulk(client, weeks=4)
    page = client.get(response["Location"]).content.decode()
    assert "waiting for the background service" in page and "Download" not in page
    print_ = ViewsFormsPrint.objects.get()
    assert client.get(f"/send/views/forms/{print_.pk}/download/").status_code == 404
    monkeypatch.undo()  # the broker is back: the sweep queues it, and it is made
    assert views_bulk.views_forms_sweep() == {"queued": 1, "given_up": 0, "down": 0}
    assert "The PDF is ready" in client.get(response["Location"]).content.decode()
    assert client.get(f"/send/views/forms/{print_.pk}/download/").status_code == 200


def test_the_office_address_is_the_reply_to_when_the_sendco_has_no_e_mail(
    login, sendco, world, school, django_capture_on_commit_callbacks
):
    SendSettings.objects.create(school=school, office_email="office@school.example")
    sendco.email = ""
    sendco.save()
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        _bulk(login(sendco), weeks=4)
    assert mail.outbox and all(m.reply_to == ["office@school.example"] for m in mail.outbox)


def test_reminders_after_the_set_days_once_per_interval_at_most_two(
    login, sendco, world, school, django_capture_on_commit_callbacks
):
    SendSettings.objects.create(school=school, views_reminder_days=5)
    start = timezone.make_aware(timezone.datetime(2026, 11, 2, 9, 0))
    with time_machine.travel(start, tick=False), django_capture_on_commit_callbacks(execute=True):
        _bulk(login(sendco), weeks=8)
    asked = len(mail.outbox)
    assert asked == 2

    def nightly(days):
        with (
            time_machine.travel(start + timedelta(days=days), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return views_bulk.views_reminders_send()["reminded"]

    assert nightly(4) == 0  # not yet 5 days
    assert nightly(5) == 2
    assert nightly(5) == 0  # the same night again: nothing more (conditional update)
    assert nightly(9) == 0  # 4 days after the first reminder
    assert nightly(10) == 2
    assert nightly(20) == 0 and nightly(40) == 0  # never more than two
    reminders = [m for m in mail.outbox[asked:]]
    assert len(reminders) == 4
    assert all(m.subject.startswith("Reminder:") and LINK.search(m.body) for m in reminders)
    assert all(m.reply_to == [sendco.email] for m in reminders)
    request = ViewsRequest.objects.get(cycle=world["cycle_emailed"], respondent="parent")
    assert request.reminded_at.date() == date(2026, 11, 7) and request.reminded_again_at.date() == date(
        2026, 11, 12
    )
    assert AuditEntry.objects.filter(action="send.views.reminded", actor__isnull=True).count() == 4
    # The outstanding page shows who has not replied, with the dates asked and reminded.
    with time_machine.travel(start + timedelta(days=12), tick=False):
        page = login(sendco).get("/send/views/outstanding/").content.decode()
    rows = page.split('data-testid="outstanding-row"')[1:]
    assert len(rows) == 6
    amara = next(r for r in rows if "Amara" in r and "Parents" in r)
    assert "2 Nov 2026" in amara and "7 Nov 2026 and 12 Nov 2026" in amara


def test_a_replied_request_is_not_reminded(client, login, sendco, world, django_capture_on_commit_callbacks):
    start = timezone.make_aware(timezone.datetime(2026, 11, 2, 9, 0))
    with time_machine.travel(start, tick=False), django_capture_on_commit_callbacks(execute=True):
        _bulk(login(sendco), weeks=8)
    token = LINK.search(mail.outbox[0].body).group(1)
    client.logout()
    with time_machine.travel(start + timedelta(days=1), tick=False):
        client.post(f"/send/views/reply/{token}/", {"views": "All good"})
    with time_machine.travel(start + timedelta(days=8), tick=False):
        assert views_bulk.views_reminders_send()["reminded"] == 1


def test_the_parent_replies_once_through_the_link_and_their_words_land_on_the_review(
    client, login, sendco, world, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        _bulk(login(sendco), weeks=4)
    client.logout()
    ehc_mail = next(m for m in mail.outbox if m.to == ["ehc.parent@example.invalid"])
    token = LINK.search(ehc_mail.body).group(1)
    url = f"/send/views/reply/{token}/"
    with time_machine.travel("2026-11-25 19:00", tick=False):
        page = client.get(url)
        assert page.status_code == 200 and "Your views" in page.content.decode()
        words = "<script>alert(1)</script> She is happier since the new seat."
        done = client.post(url, {"views": words})
        assert done.status_code == 200 and "Thank you" in done.content.decode()
        assert "<script>" not in done.content.decode()
        again = client.post(url, {"views": "A second go"})
        assert again.status_code == 410 and "already been used" in again.content.decode()
        assert "already been used" in client.get(url).content.decode()
    request = ViewsRequest.objects.get(annual_review=world["review"], respondent="parent")
    assert request.views == words and request.views_source == "parent_link"
    assert request.received_on == date(2026, 11, 25) and request.reply_used_at is not None
    review = AnnualReview.objects.get(pk=world["review"].pk)
    assert "In the parent's own words" in review.parent_views and words in review.parent_views
    entry = AuditEntry.objects.get(action="send.views.replied_online")
    assert entry.actor is None and entry.reason == "parent via link"
    assert AuditEntry.objects.filter(action="send.review.parent_views_received", actor__isnull=True).exists()
    # A SEN support cycle's parent replies too: the cycle's page shows the words as the parent's own,
    # escaped, and the request is no longer outstanding.
    cycle = world["cycle_emailed"]
    cycle_mail = next(m for m in mail.outbox if m.to == ["parent@example.invalid"])
    with time_machine.travel("2026-11-26 09:00", tick=False):
        client.post(f"/send/views/reply/{LINK.search(cycle_mail.body).group(1)}/", {"views": "<b>Calmer</b>"})
        sendco_client = login(sendco)
        cycle_page = sendco_client.get(f"/send/cycles/{cycle.pk}/").content.decode()
        outstanding = sendco_client.get("/send/views/outstanding/").content.decode()
    assert "In the parent's own words" in cycle_page and "&lt;b&gt;Calmer&lt;/b&gt;" in cycle_page
    assert outstanding.count('data-testid="outstanding-row"') == 4


def test_a_link_expires_after_21_days_and_a_forged_link_is_refused(
    client, login, sendco, world, django_capture_on_commit_callbacks
):
    start = timezone.make_aware(timezone.datetime(2026, 11, 2, 9, 0))
    with time_machine.travel(start, tick=False), django_capture_on_commit_callbacks(execute=True):
        _bulk(login(sendco), weeks=8)
    client.logout()
    token = LINK.search(mail.outbox[0].body).group(1)
    with time_machine.travel(start + timedelta(days=21), tick=False):
        assert client.get(f"/send/views/reply/{token}/").status_code == 200
    with time_machine.travel(start + timedelta(days=21, minutes=1), tick=False):
        expired = client.post(f"/send/views/reply/{token}/", {"views": "Late"})
        assert expired.status_code == 410 and "This link has expired" in expired.content.decode()
    assert not ViewsRequest.objects.filter(views="Late").exists()
    forged = client.get(f"/send/views/reply/{token[:-3]}abc/")
    assert forged.status_code == 404 and "This link is not right" in forged.content.decode()


def test_upcoming_reviews_take_the_same_queries_as_pupils_grow(
    login, sendco, school, own_class, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            pupil = f.PupilFactory(school=school, registration_class=own_class)
            f.SupportCycleFactory(pupil=pupil, review_due=date(2026, 12, 1))
            _annual_review(pupil, sendco, date(2026, 12, 3))

    client = login(sendco)
    with time_machine.travel(NOW, tick=False):
        add(2)
        views_bulk.views_request_bulk(actor=sendco, school=school, weeks=4)
        with django_assert_max_num_queries(30) as few:
            client.get("/send/views/bulk/?weeks=4")
        with django_assert_max_num_queries(30) as few_outstanding:
            client.get("/send/views/outstanding/")
        add(10)
        views_bulk.views_request_bulk(actor=sendco, school=school, weeks=4)
        with django_assert_max_num_queries(len(few.captured_queries)):
            page = client.get("/send/views/bulk/?weeks=4").content.decode()
        with django_assert_max_num_queries(len(few_outstanding.captured_queries)):
            outstanding = client.get("/send/views/outstanding/").content.decode()
    assert page.count('data-testid="bulk-row"') == 24
    assert outstanding.count('data-testid="outstanding-row"') == 48


def test_only_the_sendco_can_ask_in_bulk(login, class_teacher, sendco):
    assert login(class_teacher).get("/send/views/bulk/").status_code == 403


def test_the_reminder_interval_and_office_address_are_send_settings(login, sendco, school):
    client = login(sendco)
    page = client.get("/send/settings/").content.decode()
    assert "Days before a views request is chased" in page and "School office e-mail" in page
    response = client.post(
        "/send/settings/",
        {
            "notional_threshold": "6000",
            "cycle_school_weeks": "12",
            "review_year_reading": "day_before",
            "part_time_max_school_weeks": "6",
            "part_time_review_days": "14",
            "views_reminder_days": "10",
            "office_email": "office@school.example",
        },
    )
    assert response.status_code == 302
    saved = SendSettings.objects.get(school=school)
    assert saved.views_reminder_days == 10 and saved.office_email == "office@school.example"
    assert SendSettings().views_reminder_days == 7  # the default
