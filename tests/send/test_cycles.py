"""Assess, plan, do, review: stages, targets, reviews, carry-forward, views requests, due and overdue."""

import io
from datetime import date

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from school.models import AuditEntry
from send import services
from send.models import SupportCycle, Target, ViewsRequest
from send.selectors import reviews_due, views_completion
from tests import factories as f


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _reviewed_cycle(pupil, user, outcomes):
    cycle = services.cycle_start(actor=user, pupil=pupil, start_date=date(2026, 9, 7), plan_type="PLP")
    targets = [
        services.target_save(
            actor=user,
            cycle=cycle,
            area_of_need="cognition",
            target=f"Target {i}",
            success_criteria="4 of 5",
            strategies=f"Strategy {i}",
            provision="Group",
            responsible="TA",
            review_date=date(2026, 12, 4),
        )
        for i in range(len(outcomes))
    ]
    for stage in ("plan", "do", "review"):
        services.cycle_stage_move(actor=user, cycle=cycle, to_stage=stage)
    services.cycle_review_record(
        actor=user,
        cycle=cycle,
        outcomes={t.pk: (o, f"evidence {t.target}") for t, o in zip(targets, outcomes, strict=True)},
        reviewed_on=date(2026, 12, 4),
        pupil_views="I like reading with Mr B",
        parent_views="Happier at home",
        next_steps="Keep going",
    )
    services.cycle_stage_move(actor=user, cycle=cycle, to_stage="closed")
    return cycle, targets


@time_machine.travel("2026-12-07 09:00", tick=False)  # after the review on 4 December
def test_new_cycle_carries_forward_unmet_targets(pupil, sendco):
    old, targets = _reviewed_cycle(pupil, sendco, ["achieved", "partly", "not_achieved"])
    new = services.cycle_start(
        actor=sendco,
        pupil=pupil,
        start_date=date(2027, 1, 5),
        plan_type="PLP",
        review_due=date(2027, 3, 26),
        carry_forward=[targets[1].pk, targets[2].pk],
    )
    assert new.number == 2 and new.previous == old
    carried = list(new.targets.order_by("id"))
    assert [t.carried_from_id for t in carried] == [targets[1].pk, targets[2].pk]
    assert [t.target for t in carried] == ["Target 1", "Target 2"]
    assert [t.strategies for t in carried] == ["Strategy 1", "Strategy 2"]
    assert all(t.outcome == "" and t.review_date == date(2027, 3, 26) for t in carried)
    entries = AuditEntry.objects.filter(action="send.target.carried_forward")
    assert sorted(int(e.object_id) for e in entries) == sorted(t.pk for t in carried)


def test_only_one_open_cycle(pupil, sendco):
    services.cycle_start(actor=sendco, pupil=pupil, start_date=date(2026, 9, 7), plan_type="IEP")
    with pytest.raises(ValidationError, match="Close the current cycle"):
        services.cycle_start(actor=sendco, pupil=pupil, start_date=date(2026, 10, 7), plan_type="IEP")


def test_stage_table_refuses_skips_and_needs_targets_and_review(pupil, sendco):
    cycle = services.cycle_start(actor=sendco, pupil=pupil, start_date=date(2026, 9, 7), plan_type="IEP")
    with pytest.raises(ValidationError, match="not to Review"):
        services.cycle_stage_move(actor=sendco, cycle=cycle, to_stage="review")
    services.cycle_stage_move(actor=sendco, cycle=cycle, to_stage="plan")
    with pytest.raises(ValidationError, match="at least one target"):
        services.cycle_stage_move(actor=sendco, cycle=cycle, to_stage="do")
    f.TargetFactory(cycle=cycle)
    services.cycle_stage_move(actor=sendco, cycle=cycle, to_stage="do")
    services.cycle_stage_move(actor=sendco, cycle=cycle, to_stage="review")
    with pytest.raises(ValidationError, match="Record the review"):
        services.cycle_stage_move(actor=sendco, cycle=cycle, to_stage="closed")
    assert SupportCycle.objects.get(pk=cycle.pk).stage == "review"
    assert AuditEntry.objects.filter(action="send.cycle.stage_changed").count() == 3


@time_machine.travel("2026-12-07 09:00", tick=False)  # after the review on 4 December
def test_review_needs_every_outcome(login, sendco, pupil):
    cycle = f.SupportCycleFactory(pupil=pupil, stage="review")
    a, b = f.TargetFactory(cycle=cycle), f.TargetFactory(cycle=cycle)
    client = login(sendco)
    response = client.post(
        f"/send/cycles/{cycle.pk}/review/",
        {
            "reviewed_on": "2026-12-04",
            "next_steps": "Continue",
            "led_by": "Ms Khan",
            "decision": "stay",
            f"outcome_{a.pk}": "achieved",
            f"outcome_{b.pk}": "",
        },
    )
    assert response.status_code == 200 and Target.objects.get(pk=a.pk).outcome == ""
    response = client.post(
        f"/send/cycles/{cycle.pk}/review/",
        {
            "reviewed_on": "2026-12-04",
            "next_steps": "Continue",
            "led_by": "Ms Khan",
            "decision": "stay",
            "pupil_views": "Fun",
            "parent_views": "Good",
            f"outcome_{a.pk}": "achieved",
            f"outcome_{b.pk}": "partly",
            f"evidence_{b.pk}": "3 of 5 times",
        },
    )
    assert response.status_code == 302
    assert Target.objects.get(pk=b.pk).outcome_evidence == "3 of 5 times"
    assert AuditEntry.objects.filter(action="send.target.reviewed").count() == 2
    assert AuditEntry.objects.filter(action="send.cycle.reviewed", pupil=pupil).exists()


@time_machine.travel("2026-11-23 09:00", tick=False)
def test_reviews_due_and_overdue_for_teacher_and_sendco(
    school, own_class, other_class, class_teacher, sendco
):
    mine = f.PupilFactory(school=school, registration_class=own_class)
    theirs = f.PupilFactory(school=school, registration_class=other_class)
    overdue = f.SupportCycleFactory(pupil=mine, review_due=date(2026, 11, 22))
    due_today = f.SupportCycleFactory(pupil=theirs, review_due=date(2026, 11, 23))
    due_edge = f.SupportCycleFactory(
        pupil=f.PupilFactory(school=school, registration_class=own_class), review_due=date(2026, 12, 7)
    )  # today + 14 days: still "due soon"
    f.SupportCycleFactory(
        pupil=f.PupilFactory(school=school, registration_class=own_class), review_due=date(2026, 12, 8)
    )  # 15 days: not yet
    f.SupportCycleFactory(
        pupil=f.PupilFactory(school=school, registration_class=own_class),
        review_due=date(2026, 11, 1),
        stage="closed",
    )  # closed: never overdue
    today = date(2026, 11, 23)
    sendco_view = reviews_due(user=sendco, school=school, today=today)
    assert sendco_view["overdue"] == [overdue]
    assert sendco_view["due_soon"] == [due_today, due_edge]
    teacher_view = reviews_due(user=class_teacher, school=school, today=today)
    assert teacher_view["overdue"] == [overdue] and teacher_view["due_soon"] == [due_edge]


@time_machine.travel("2026-11-23 09:00", tick=False)
def test_views_requests_email_and_completion(
    login, sendco, pupil, school, django_capture_on_commit_callbacks
):
    f.PupilContactFactory(pupil=pupil, priority=2, contact__email="second@example.invalid")
    first = f.PupilContactFactory(pupil=pupil, priority=1, contact__email="first@example.invalid").contact
    f.PupilContactFactory(
        pupil=pupil, priority=0, parental_responsibility=False, contact__email="nopr@example.invalid"
    )
    cycle = f.SupportCycleFactory(pupil=pupil, review_due=date(2026, 12, 1))
    client = login(sendco)
    with pytest.raises(Exception):  # noqa: B017 - the pupil is never e-mailed
        services.views_request_send(actor=sendco, cycle=cycle, respondent="pupil", method="email")
    with django_capture_on_commit_callbacks(execute=True):
        with_email = client.post(
            f"/send/cycles/{cycle.pk}/views/new/", {"respondent": "parent", "method": "email"}
        )
    assert with_email.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["first@example.invalid"]
    assert pupil.display_name in mail.outbox[0].subject
    parent_request = ViewsRequest.objects.get(cycle=cycle, respondent="parent")
    assert parent_request.contact == first and parent_request.sent_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/send/cycles/{cycle.pk}/views/new/", {"respondent": "pupil", "method": "printed"})
    pupil_request = ViewsRequest.objects.get(cycle=cycle, respondent="pupil")
    assert parent_request.letter is None  # e-mailed: no printed letter
    form = pdf_text(client.get(f"/letters/{pupil_request.letter_id}/letter.pdf"))
    assert "My views" in form and "What would help me?" in form
    assert views_completion(school=school, today=date(2026, 11, 23)) == {
        "cycles": 1,
        "parent_in": 0,
        "pupil_in": 0,
        "asked": 2,
    }
    tomorrow = client.post(
        f"/send/views/{parent_request.pk}/", {"views": "Much calmer at home", "received_on": "2026-11-24"}
    )
    assert "The date the views arrived cannot be in the future." in tomorrow.content.decode()
    client.post(
        f"/send/views/{parent_request.pk}/", {"views": "Much calmer at home", "received_on": "2026-11-23"}
    )
    assert views_completion(school=school, today=date(2026, 11, 23))["parent_in"] == 1
    page = client.get(f"/send/cycles/{cycle.pk}/").content.decode()
    assert "In</span>" in page and "Asked</span>" in page
    assert AuditEntry.objects.filter(action="send.views.requested").count() == 2
    assert AuditEntry.objects.filter(action="send.views.received").count() == 1


def test_parent_without_email_gets_a_clear_message(login, sendco, pupil):
    cycle = f.SupportCycleFactory(pupil=pupil)
    response = login(sendco).post(
        f"/send/cycles/{cycle.pk}/views/new/", {"respondent": "parent", "method": "email"}
    )
    assert response.status_code == 200 and "Use the printed form" in response.content.decode()
    assert not ViewsRequest.objects.exists() and not mail.outbox


@time_machine.travel("2026-12-07 09:00", tick=False)  # after the review on 4 December
def test_plan_and_review_pdfs_hold_the_targets(login, sendco, teaching_assistant, pupil):
    cycle, targets = _reviewed_cycle(pupil, sendco, ["achieved", "partly"])
    Target.objects.filter(pk=targets[0].pk).update(target="Read <script>alert(1)</script> 20 words")
    plan = pdf_text(login(teaching_assistant).get(f"/send/cycles/{cycle.pk}/plan.pdf"))
    assert "Personalised learning plan" in plan and pupil.display_name in plan
    squashed = "".join(plan.split())  # table cells wrap lines
    assert "Read<script>alert(1)</script>20words" in squashed  # shown as text, not run as markup
    assert "Strategy 1" in plan
    review = pdf_text(login(sendco).get(f"/send/cycles/{cycle.pk}/review.pdf"))
    assert "Review record" in review and "Happier at home" in review
    assert "Partlyachieved" in "".join(review.split())


@time_machine.travel("2026-11-23 09:00", tick=False)
def test_printed_parents_form_is_one_page_and_signs_off(
    login, sendco, pupil, django_capture_on_commit_callbacks
):
    cycle = f.SupportCycleFactory(pupil=pupil)
    client = login(sendco)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/send/cycles/{cycle.pk}/views/new/", {"respondent": "parent", "method": "printed"})
    request_ = ViewsRequest.objects.get(cycle=cycle, respondent="parent")
    response = client.get(f"/letters/{request_.letter_id}/letter.pdf")
    data = b"".join(response.streaming_content)
    pages = PdfReader(io.BytesIO(data)).pages
    assert len(pages) == 1  # the signature line does not spill onto a page of its own
    assert "Signed:" in pages[0].extract_text() and "Thank you for your help." in pages[0].extract_text()


@time_machine.travel("2026-12-01 09:00", tick=False)
def test_back_to_planning_starts_a_new_round_with_a_new_review_date(login, school, sendco, pupil):
    cycle = services.cycle_start(
        actor=sendco, pupil=pupil, start_date=date(2026, 9, 7), plan_type="PLP", review_due=date(2026, 11, 27)
    )
    target = f.TargetFactory(cycle=cycle)
    for stage in ("plan", "do", "review"):
        services.cycle_stage_move(actor=sendco, cycle=cycle, to_stage=stage)
    services.cycle_review_record(
        actor=sendco,
        cycle=cycle,
        outcomes={target.pk: ("partly", "3 of 5")},
        reviewed_on=date(2026, 11, 27),
        pupil_views="OK",
        parent_views="OK",
        next_steps="Rework the plan",
    )
    client = login(sendco)
    client.post(f"/send/cycles/{cycle.pk}/stage/", {"to_stage": "plan"})
    cycle.refresh_from_db()
    assert cycle.stage == "plan" and cycle.reviewed_on is None
    new_due = services.default_review_due(school, date(2026, 12, 1))
    assert cycle.review_due == new_due > date(2026, 12, 1)
    body = client.get(f"/send/cycles/{cycle.pk}/").content.decode()
    assert "review held 27 Nov" not in body
    assert f"review due {new_due:%-d %b %Y}" in body
    assert reviews_due(user=sendco, school=school, today=date(2026, 12, 1))["overdue"] == []
    # The review held on 27 November stays on record.
    move = AuditEntry.objects.filter(action="send.cycle.stage_changed").latest("pk")
    assert move.before["reviewed_on"] == "2026-11-27"
    assert AuditEntry.objects.filter(action="send.cycle.reviewed", pupil=pupil).exists()
