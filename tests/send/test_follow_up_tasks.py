"""Triage promises come back as tasks: observation, progress meeting, parents' meeting and the
monitoring review become dated tasks on the SENDCo's My work; the raiser is told the decision."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from letters.models import Email
from school.models import AuditEntry
from send import follow_up_tasks as rules
from send.models import FollowUpTask, FollowUpTaskChange, SendRecord
from tests import factories as f

pytestmark = pytest.mark.django_db

RAISED = datetime(2026, 11, 23, 10, tzinfo=UTC)


def _triage(client, concern, **data):
    return client.post(f"/send/concerns/{concern.pk}/triage/", data)


@pytest.fixture
def concern(pupil, class_teacher):
    return f.ConcernFactory(pupil=pupil, raised_by=class_teacher, raised_at=RAISED)


@time_machine.travel("2026-11-30 10:00", tick=False)
def test_triage_promises_become_tasks_on_the_sendcos_my_work(login, sendco, class_teacher, concern, pupil):
    class_teacher.email = "teacher@school.invalid"
    class_teacher.save()
    client = login(sendco)
    response = _triage(
        client,
        concern,
        observe="on",
        observe_on="2026-12-02",
        discuss_at_progress_meeting="on",
        progress_meeting_on="2026-12-09",
        meet_parents="on",
        parents_meeting_on="2026-12-10",
        outcome="monitor",
        monitoring_review_by="2027-01-15",
    )
    assert response.status_code == 302
    tasks = {t.kind: t for t in FollowUpTask.objects.filter(concern=concern)}
    assert {k: (t.due_on.isoformat(), t.assigned_to) for k, t in tasks.items()} == {
        "observation": ("2026-12-02", sendco),
        "progress_meeting": ("2026-12-09", sendco),
        "parents_meeting": ("2026-12-10", sendco),
        "monitoring_review": ("2027-01-15", sendco),
        "outcome": ("2026-11-30", class_teacher),
    }
    assert AuditEntry.objects.filter(action="send.followuptask.created").count() == 5
    # Monitoring has its review-by date, on the register list too.
    assert SendRecord.objects.get(pupil=pupil).monitoring_review_by == date(2027, 1, 15)
    register = client.get("/send/register/?status=monitoring").content.decode()
    assert "15 Jan 2027" in register and 'data-testid="monitoring-review"' in register
    # The SENDCo's My work lists the four promises with their dates; not the teacher's outcome item.
    page = client.get("/cases/my-work/").content.decode()
    assert page.count('data-testid="follow-up-task"') == 4
    assert "Observe the pupil" in page and "2 Dec 2026" in page and "Meet the parents" in page
    # The teacher who raised it is told in-app, and by e-mail through the outbox.
    teacher_page = login(class_teacher).get("/cases/my-work/").content.decode()
    assert teacher_page.count('data-testid="follow-up-task"') == 1
    assert "Decision: Monitor" in teacher_page
    email = Email.objects.get(kind="concern_outcome")
    assert email.to == "teacher@school.invalid" and email.pupil == pupil
    assert "has been triaged" in email.subject and "My work" in email.body


@time_machine.travel("2026-11-30 10:00", tick=False)
def test_monitor_with_no_date_is_reviewed_after_six_weeks(login, sendco, concern, pupil):
    _triage(login(sendco), concern, outcome="monitor")
    assert SendRecord.objects.get(pupil=pupil).monitoring_review_by == date(2027, 1, 11)
    task = FollowUpTask.objects.get(concern=concern, kind="monitoring_review")
    assert task.due_on == date(2027, 1, 11)


@time_machine.travel("2026-11-30 10:00", tick=False)
def test_review_by_date_must_be_after_today_and_only_for_monitor(login, sendco, concern):
    client = login(sendco)
    page = _triage(client, concern, outcome="monitor", monitoring_review_by="2026-11-30").content.decode()
    assert "Give a date after today." in page
    page = _triage(
        client, concern, outcome="no_further_action", monitoring_review_by="2027-01-15"
    ).content.decode()
    assert "for the Monitor outcome only" in page
    assert not FollowUpTask.objects.exists()


@time_machine.travel("2026-11-30 10:00", tick=False)
def test_no_further_action_tells_the_raiser_only(login, sendco, class_teacher, concern):
    _triage(login(sendco), concern, outcome="no_further_action")
    assert list(FollowUpTask.objects.values_list("kind", "assigned_to")) == [("outcome", class_teacher.pk)]
    assert not SendRecord.objects.exists()


@time_machine.travel("2026-11-30 10:00", tick=False)
def test_done_from_my_work_leaves_my_work_and_twice_is_once(login, sendco, concern):
    client = login(sendco)
    _triage(client, concern, observe="on", observe_on="2026-12-02", outcome="no_further_action")
    task = FollowUpTask.objects.get(kind="observation")
    response = client.post(
        f"/send/tasks/{task.pk}/done/", {"note": "Seen in phonics", "next": "/cases/my-work/"}
    )
    assert response.status_code == 302 and response["Location"] == "/cases/my-work/"
    task.refresh_from_db()
    assert task.status == "done" and task.done_by == sendco and task.note == "Seen in phonics"
    assert 'data-testid="follow-up-task"' not in client.get("/cases/my-work/").content.decode()
    again = client.post(f"/send/tasks/{task.pk}/done/", {"next": "https://evil.invalid/"}, follow=True)
    assert "It is already Done" in again.content.decode()
    assert again.redirect_chain[0][0] == f"/send/concerns/{concern.pk}/"  # never off the site
    assert FollowUpTaskChange.objects.filter(task=task).count() == 1
    assert AuditEntry.objects.filter(action="send.followuptask.done").count() == 1


@time_machine.travel("2026-11-30 10:00", tick=False)
def test_teacher_marks_the_outcome_read_but_not_the_sendcos_tasks(login, sendco, class_teacher, concern):
    _triage(login(sendco), concern, observe="on", observe_on="2026-12-02", outcome="no_further_action")
    observation = FollowUpTask.objects.get(kind="observation")
    outcome = FollowUpTask.objects.get(kind="outcome")
    client = login(class_teacher)
    assert client.post(f"/send/tasks/{observation.pk}/done/").status_code == 404
    assert client.post(f"/send/tasks/{outcome.pk}/done/").status_code == 302
    assert FollowUpTask.objects.get(pk=outcome.pk).status == "done"
    assert FollowUpTask.objects.get(pk=observation.pk).status == "open"
    assert client.get(f"/send/tasks/{observation.pk}/withdraw/").status_code == 403


@time_machine.travel("2026-11-30 10:00", tick=False)
def test_withdraw_with_a_reason_and_restore(login, sendco, concern):
    client = login(sendco)
    _triage(client, concern, meet_parents="on", parents_meeting_on="2026-12-10", outcome="no_further_action")
    task = FollowUpTask.objects.get(kind="parents_meeting")
    assert (
        "This field is required"
        in client.post(f"/send/tasks/{task.pk}/withdraw/", {"reason": "  "}).content.decode()
    )
    response = client.post(f"/send/tasks/{task.pk}/withdraw/", {"reason": "Parents met at the gate instead"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "withdrawn" and task.withdrawal_reason == "Parents met at the gate instead"
    detail = client.get(f"/send/concerns/{concern.pk}/").content.decode()
    assert "Parents met at the gate instead" in detail and "Restore" in detail
    assert 'data-testid="follow-up-task"' not in client.get("/cases/my-work/").content.decode()
    client.post(f"/send/tasks/{task.pk}/restore/")
    task.refresh_from_db()
    assert task.status == "open" and task.withdrawal_reason == ""
    assert [c.to_status for c in FollowUpTaskChange.objects.filter(task=task)] == ["withdrawn", "open"]


@time_machine.travel("2026-11-30 10:00", tick=False)
def test_another_schools_sendco_cannot_reach_a_task(login, sendco, concern, other_school):
    _triage(login(sendco), concern, observe="on", observe_on="2026-12-02", outcome="no_further_action")
    task = FollowUpTask.objects.get(kind="observation")
    outsider = f.UserFactory()
    f.MembershipFactory(user=outsider, school=other_school, role="sendco")
    client = login(outsider)
    assert client.post(f"/send/tasks/{task.pk}/done/").status_code == 404
    assert client.post(f"/send/tasks/{task.pk}/withdraw/", {"reason": "x"}).status_code == 404


@time_machine.travel("2026-11-30 10:00", tick=False)
def test_my_work_queries_do_not_grow_with_tasks(
    login, sendco, school, own_class, django_assert_max_num_queries
):
    client = login(sendco)

    def add(n):
        for _ in range(n):
            c = f.ConcernFactory(
                pupil=f.PupilFactory(school=school, registration_class=own_class), raised_at=RAISED
            )
            _triage(client, c, observe="on", observe_on="2026-12-02", outcome="no_further_action")

    add(1)
    client.get("/cases/my-work/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/cases/my-work/")
    add(4)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/cases/my-work/").content.decode()
    assert page.count('data-testid="follow-up-task"') == 5
    assert len(many.captured_queries) == len(few.captured_queries)


def test_follow_ups_rule_boundaries():
    day = date(2026, 11, 30)
    only_outcome = rules.follow_ups(
        observe_on=None,
        progress_meeting_on=None,
        parents_meeting_on=None,
        monitoring_review_by=None,
        triaged_on=day,
    )
    assert [(p.kind, p.for_raiser) for p in only_outcome] == [("outcome", True)]
    assert rules.default_monitoring_review_by(day) == date(2027, 1, 11)
    assert rules.STATUSES.allowed("open", "done") and not rules.STATUSES.allowed("done", "open")
    assert rules.STATUSES.allowed("withdrawn", "open") and not rules.STATUSES.allowed("done", "withdrawn")


@time_machine.travel("2026-11-30 10:00", tick=False)
def test_a_sendco_triaging_their_own_concern_gets_no_outcome_item_or_email(login, sendco, pupil):
    own = f.ConcernFactory(pupil=pupil, raised_by=sendco, raised_at=RAISED)
    _triage(login(sendco), own, observe="on", observe_on="2026-12-02", outcome="no_further_action")
    assert list(FollowUpTask.objects.values_list("kind", flat=True)) == ["observation"]
    assert not Email.objects.exists()


@time_machine.travel("2026-11-30 10:00", tick=False)
def test_leaving_monitoring_clears_its_review_by_date(login, sendco, concern, pupil):
    client = login(sendco)
    _triage(client, concern, outcome="monitor", monitoring_review_by="2027-01-15")
    client.post(
        f"/send/pupils/{pupil.pk}/status/",
        {"to_status": "removed", "reason": "Caught up", "expected_status": "monitoring"},
    )
    record = SendRecord.objects.get(pupil=pupil)
    assert record.status == "removed" and record.monitoring_review_by is None
