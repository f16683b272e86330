"""The nightly run raises alerts for SEND deadlines: due in the next 14 days, and overdue (one more
alert for the same step), idempotently, without a query per pupil, whatever one source does."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from graduated_response.models import Alert
from graduated_response.nightly import nightly_checks_run
from graduated_response.send_deadline_alerts import HORIZON_DAYS, alert_kind, deadline_draft, period_key
from graduated_response.triggers import Kind
from send.deadlines import Deadline, registered
from tests import factories as f
from tests.send.deadline_fakes import broken_source, steps_source

LONDON = ZoneInfo("Europe/London")
NIGHT = date(2026, 12, 2)


def run_on(school, day):
    with time_machine.travel(datetime(day.year, day.month, day.day, 23, 0, tzinfo=LONDON), tick=False):
        return nightly_checks_run(school=school, on=day)


def send_alerts():
    return Alert.objects.filter(kind__in=[Kind.SEND_DEADLINE_DUE, Kind.SEND_DEADLINE_OVERDUE])


# --- the rule, without the database -----------------------------------------------------------------
def step(due, *, kind="ehcp.review.invitations", key="review:7"):
    return Deadline(kind=kind, title="t", due=due, pupil_id=1, pupil_name="A B", url="/x/", key=key)


@pytest.mark.parametrize(
    "due, kind",
    [
        (NIGHT - timedelta(days=400), Kind.SEND_DEADLINE_OVERDUE),
        (NIGHT - timedelta(days=1), Kind.SEND_DEADLINE_OVERDUE),
        (NIGHT, Kind.SEND_DEADLINE_DUE),  # due today is not overdue yet
        (NIGHT + timedelta(days=HORIZON_DAYS), Kind.SEND_DEADLINE_DUE),
        (NIGHT + timedelta(days=HORIZON_DAYS + 1), None),
        (date(2029, 3, 1), None),
    ],
)
def test_alert_kind(due, kind):
    assert alert_kind(step(due), NIGHT) == kind


def test_period_key_fits_the_column_and_keeps_kind_key_and_date_apart():
    short = period_key(step(NIGHT))
    assert short == "ehcp.review.invitations|review:7|2026-12-02"
    long = period_key(step(NIGHT, kind="ehcp.assessment." + "x" * 60, key="assessment:123456"))
    assert len(long) <= 60 and long.endswith("|2026-12-02")
    other = period_key(step(NIGHT, kind="ehcp.assessment." + "x" * 60, key="assessment:123457"))
    assert long != other
    assert period_key(step(NIGHT)) != period_key(step(NIGHT + timedelta(days=1)))


def test_the_alert_reads_as_sentences_with_one_full_stop_each():
    # Read on the demo: "The part-time timetable ends: end it, or extend it within the limit for Joseph
    # Oakley was due on ..." and a rule's own full stop doubled ("... from each review..").
    ends = Deadline(
        kind="part_time.end",
        title="The part-time timetable ends: end it, or extend it within the limit",
        due=date(2026, 11, 11),
        pupil_id=1,
        pupil_name="Joseph Oakley",
        url="/x/",
        key="part_time:2",
        rule="The end date agreed at the implementation meeting.",
    )
    message = deadline_draft(ends, NIGHT).message
    assert message == (
        "Joseph Oakley: The part-time timetable ends: end it, or extend it within the limit. "
        "It was due on 11 November 2026 and is overdue. "
        "How the date is counted: The end date agreed at the implementation meeting."
    )
    review = Deadline(
        kind="ehcp.review.due",
        title="Annual review due",
        due=date(2026, 12, 8),
        pupil_id=1,
        pupil_name="Esme Marsh",
        url="/x/",
        key="plan:3",
        local_authority="Westbrook Borough Council",
        rule="Within 12 months of the last review meeting (the day before the same date next year).",
    )
    message = deadline_draft(review, NIGHT).message
    assert message.startswith(
        "Esme Marsh (Westbrook Borough Council): Annual review due. It is due on 8 December"
    )
    assert ".." not in message


# --- the nightly run ---------------------------------------------------------------------------------
@pytest.mark.django_db
def test_due_and_overdue_steps_are_alerted_to_their_roles_with_the_step_link(school, pupil):
    source = steps_source(
        {
            pupil.pk: [
                ("ehcp.review.invitations", NIGHT + timedelta(days=5), "Eastmoor Council"),
                ("ehcp.review.report", NIGHT - timedelta(days=3), "Eastmoor Council"),
                ("ehcp.review.meeting", NIGHT + timedelta(days=20), "Eastmoor Council"),  # not yet
            ]
        }
    )
    with registered(source):
        assert run_on(school, NIGHT).status == "succeeded"
    alerts = {a.figures["deadline_kind"]: a for a in send_alerts()}
    assert set(alerts) == {"ehcp.review.invitations", "ehcp.review.report"}
    due, overdue = alerts["ehcp.review.invitations"], alerts["ehcp.review.report"]
    assert due.kind == Kind.SEND_DEADLINE_DUE and overdue.kind == Kind.SEND_DEADLINE_OVERDUE
    assert due.pupil_id == pupil.pk and due.roles == ["sendco", "headteacher"]
    assert due.figures["url"] == reverse("send:pupil_send", args=[pupil.pk])
    assert due.created_on == NIGHT
    assert "is due on 7 December 2026" in due.message and "Eastmoor Council" in due.message
    assert "was due on 29 November 2026 and is overdue" in overdue.message
    assert "6 weeks from the day" in due.message


@pytest.mark.django_db
def test_two_nights_in_a_row_add_no_duplicates_and_a_step_gone_overdue_gets_one_more(school, pupil):
    source = steps_source({pupil.pk: [("ehcp.review.invitations", NIGHT + timedelta(days=1), "")]})
    with registered(source):
        run_on(school, NIGHT)
        run_on(school, NIGHT + timedelta(days=1))  # due that day: still "due"
        assert list(send_alerts().values_list("kind", flat=True)) == [Kind.SEND_DEADLINE_DUE]
        run_on(school, NIGHT + timedelta(days=2))  # now overdue: one more alert
        run_on(school, NIGHT + timedelta(days=3))
    assert sorted(send_alerts().values_list("kind", flat=True)) == [
        Kind.SEND_DEADLINE_DUE,
        Kind.SEND_DEADLINE_OVERDUE,
    ]


@pytest.mark.django_db
def test_the_same_night_again_adds_nothing(school, pupil):
    source = steps_source({pupil.pk: [("ehcp.review.invitations", NIGHT, "")]})
    with registered(source):
        run_on(school, NIGHT)
        with time_machine.travel(datetime(2026, 12, 2, 23, 30, tzinfo=LONDON), tick=False):
            nightly_checks_run(school=school, on=NIGHT, force=True)
    assert send_alerts().count() == 1


@pytest.mark.django_db
def test_a_failing_source_does_not_stop_the_others_or_the_run(school, pupil, caplog):
    good = steps_source({pupil.pk: [("ehcp.review.invitations", NIGHT + timedelta(days=2), "")]})
    with registered(broken_source, good):
        run = run_on(school, NIGHT)
    assert run.status == "succeeded"
    assert send_alerts().count() == 1
    assert "broken_source failed" in caplog.text


@pytest.mark.django_db
def test_the_run_makes_the_same_number_of_queries_for_3_and_15_steps(school, own_class):
    def queries_with(n: int, day: date) -> int:
        pupils = f.PupilFactory.create_batch(n, school=school, registration_class=own_class)
        plan = {p.pk: [("ehcp.review.invitations", day + timedelta(days=3), "")] for p in pupils}
        with registered(steps_source(plan)), CaptureQueriesContext(connection) as queries:
            run_on(school, day)
        assert send_alerts().filter(created_on=day).count() == n
        return len(queries)

    assert queries_with(3, NIGHT) == queries_with(15, NIGHT + timedelta(days=1))


@pytest.mark.django_db
def test_the_sendco_sees_the_alert_with_its_label_and_a_link_to_the_step(school, pupil, sendco, login):
    source = steps_source({pupil.pk: [("ehcp.review.invitations", NIGHT - timedelta(days=1), "")]})
    with registered(source):
        run_on(school, NIGHT)
    content = login(sendco).get(reverse("graduated_response:my_work")).content.decode()
    assert "SEND deadline overdue" in content
    assert f'href="{reverse("send:pupil_send", args=[pupil.pk])}" data-testid="alert-step"' in content


@pytest.mark.django_db
def test_a_step_link_to_another_site_is_not_shown(school, pupil):
    alert = Alert(school=school, pupil=pupil, kind=Kind.SEND_DEADLINE_DUE, figures={"url": "//evil.example/"})
    assert alert.step_url == ""
    alert.figures = {"url": "https://evil.example/"}
    assert alert.step_url == ""
    alert.figures = {"url": "/send/pupils/1/"}
    assert alert.step_url == "/send/pupils/1/"


def database_error_source(school, *, today, until):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table_for_deadlines")
    return []


@pytest.mark.django_db
def test_a_source_failing_in_the_database_does_not_abort_the_nights_transaction(school, pupil):
    # On PostgreSQL a failed statement aborts the whole transaction unless it ran in a savepoint.
    good = steps_source({pupil.pk: [("ehcp.review.invitations", NIGHT + timedelta(days=2), "")]})
    with registered(database_error_source, good):
        run = run_on(school, NIGHT)
    assert run.status == "succeeded", run.errors
    assert send_alerts().count() == 1


@pytest.mark.django_db
def test_an_item_about_another_schools_pupil_is_not_alerted_here(school, pupil, other_school_pupil):
    source = steps_source({pupil.pk: [("a.b", NIGHT, "")], other_school_pupil.pk: [("a.b", NIGHT, "")]})

    def leaky(school_, *, today, until):
        return source(school_, today=today, until=until) + source(
            other_school_pupil.school, today=today, until=until
        )

    with registered(leaky):
        run_on(school, NIGHT)
    assert list(send_alerts().values_list("pupil_id", flat=True)) == [pupil.pk]
