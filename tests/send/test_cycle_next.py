"""The review as soon as it is due, its decision, and one step to close the cycle and start the next."""

import re
from datetime import date
from html.parser import HTMLParser

import pytest
import time_machine
from django.core.exceptions import ValidationError

from school.models import AuditEntry
from send import review_decisions, services
from send.models import CycleReview, CycleStageChange, SendRecord, SendStatusChange, SupportCycle, Target
from tests import factories as f


def _review_post(targets, **extra):
    data = {
        "reviewed_on": "2026-12-04",
        "next_steps": "Practise the help card at home",
        "attended": "Ella (pupil), Mrs Webb (mother), Mr Day (class teacher)",
        "led_by": "Mr Day",
        "decision": "stay",
        "pupil_views": "I like the help card",
        "parent_views": "She is calmer",
    }
    for target, (outcome, evidence) in targets.items():
        data[f"outcome_{target.pk}"] = outcome
        data[f"evidence_{target.pk}"] = evidence
    return data | extra


@time_machine.travel("2026-12-04 15:00", tick=False)  # the review date; the nightly move has not run yet
def test_the_teacher_records_the_review_as_soon_as_it_is_due(login, class_teacher, pupil):
    cycle = f.SupportCycleFactory(pupil=pupil, stage="do", review_due=date(2026, 12, 4))
    target = f.TargetFactory(cycle=cycle)
    client = login(class_teacher)
    page = client.get(f"/send/cycles/{cycle.pk}/").content.decode()
    assert f'href="/send/cycles/{cycle.pk}/review/"' in page
    form = client.get(f"/send/cycles/{cycle.pk}/review/").content.decode()
    assert "Saving it moves the cycle to Review." in form
    assert "Request an EHC needs assessment" in form and "Who led the review" in form

    response = client.post(
        f"/send/cycles/{cycle.pk}/review/",
        _review_post({target: ("partly", "3 of 5 lessons")}, decision="request_ehc"),
    )

    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.stage == "review" and cycle.reviewed_on == date(2026, 12, 4)
    review = CycleReview.objects.get(cycle=cycle)
    assert (review.led_by, review.decision) == ("Mr Day", "request_ehc")
    assert "Mrs Webb (mother)" in review.attended
    move = CycleStageChange.objects.get(cycle=cycle)
    assert (move.from_stage, move.to_stage, move.changed_by) == ("do", "review", class_teacher)
    page = client.get(f"/send/cycles/{cycle.pk}/").content.decode()
    assert "Decision:</strong> Request an EHC needs assessment." in page
    assert "Ask the local authority for an EHC needs assessment" in page
    assert "Mrs Webb (mother)" in page
    assert "Start the request for an EHC needs assessment" not in page  # the teacher cannot start it


@time_machine.travel("2026-12-03 15:00", tick=False)
def test_a_review_not_yet_due_cannot_be_recorded(login, class_teacher, pupil):
    cycle = f.SupportCycleFactory(pupil=pupil, stage="do", review_due=date(2026, 12, 4))
    target = f.TargetFactory(cycle=cycle)
    client = login(class_teacher)
    assert (
        f'href="/send/cycles/{cycle.pk}/review/"'
        not in client.get(f"/send/cycles/{cycle.pk}/").content.decode()
    )
    response = client.post(
        f"/send/cycles/{cycle.pk}/review/", _review_post({target: ("achieved", "")}, reviewed_on="2026-12-03")
    )
    assert response.status_code == 302
    assert SupportCycle.objects.get(pk=cycle.pk).stage == "do"
    assert not CycleReview.objects.exists()
    with pytest.raises(ValidationError, match="due on 4 December 2026"):
        services.cycle_review_record(
            actor=class_teacher,
            cycle=cycle,
            outcomes={target.pk: ("achieved", "")},
            reviewed_on=date(2026, 12, 3),
            pupil_views="",
            parent_views="",
            next_steps="x",
        )


def _reviewed(sendco, pupil, outcomes):
    cycle = f.SupportCycleFactory(pupil=pupil, stage="review", review_due=date(2026, 12, 4))
    targets = [f.TargetFactory(cycle=cycle, target=f"Target {i}") for i in range(len(outcomes))]
    services.cycle_review_record(
        actor=sendco,
        cycle=cycle,
        outcomes={t.pk: (o, f"evidence {i}") for i, (t, o) in enumerate(zip(targets, outcomes, strict=True))},
        reviewed_on=date(2026, 12, 4),
        pupil_views="",
        parent_views="",
        next_steps="Use the word mat in every lesson",
        decision="stay",
    )
    return cycle, targets


@time_machine.travel("2026-12-07 09:00", tick=False)
def test_close_and_start_the_next_cycle_carries_only_the_ticked_targets(login, sendco, pupil):
    cycle, (achieved, partly, not_achieved) = _reviewed(sendco, pupil, ["achieved", "partly", "not_achieved"])
    client = login(sendco)
    assert f'href="/send/cycles/{cycle.pk}/next/"' in client.get(f"/send/cycles/{cycle.pk}/").content.decode()
    form = client.get(f"/send/cycles/{cycle.pk}/next/").content.decode()
    # Only the unmet targets are offered, each with its outcome and evidence, and none is ticked.
    assert "Target 1 (Partly achieved). Evidence: evidence 1" in form
    assert "Target 2 (Not achieved). Evidence: evidence 2" in form
    assert "Target 0" not in form.split("<form")[1]
    assert "checked" not in form

    response = client.post(
        f"/send/cycles/{cycle.pk}/next/",
        {"start_date": "2026-12-07", "plan_type": "PLP", "carry_forward": [not_achieved.pk]},
    )

    new = SupportCycle.objects.get(pupil=pupil, number=2)
    assert response.status_code == 302 and response["Location"] == f"/send/cycles/{new.pk}/"
    assert SupportCycle.objects.get(pk=cycle.pk).stage == "closed"
    assert [t.carried_from_id for t in new.targets.all()] == [not_achieved.pk]
    assert new.assessment_evidence == (
        "Next steps agreed at the review of cycle 1 on 4 December 2026:\nUse the word mat in every lesson"
    )
    page = client.get(response["Location"]).content.decode()
    assert "1 target not yet achieved was carried forward." in page
    assert "Not achieved: evidence 2" in page  # last time's outcome and evidence beside the target
    old_page = client.get(f"/send/cycles/{cycle.pk}/").content.decode()
    assert "Decision:</strong> Stay on SEN support." in old_page
    assert AuditEntry.objects.filter(action="send.target.carried_forward").count() == 1


@time_machine.travel("2026-12-07 09:00", tick=False)
def test_nothing_ticked_carries_nothing_and_says_so(login, sendco, pupil):
    cycle, _ = _reviewed(sendco, pupil, ["partly"])
    client = login(sendco)
    response = client.post(f"/send/cycles/{cycle.pk}/next/", {"start_date": "2026-12-07", "plan_type": "IEP"})
    new = SupportCycle.objects.get(pupil=pupil, number=2)
    assert new.plan_type == "IEP" and not new.targets.exists()
    assert "No target was carried forward." in client.get(response["Location"]).content.decode()


@time_machine.travel("2026-12-07 09:00", tick=False)
def test_a_target_already_achieved_or_from_elsewhere_cannot_be_carried(sendco, pupil):
    cycle, (achieved, _) = _reviewed(sendco, pupil, ["achieved", "partly"])
    stranger = f.TargetFactory()
    for pk in (achieved.pk, stranger.pk):
        with pytest.raises(ValidationError, match="not yet achieved can be carried"):
            services.cycle_close_and_start_next(
                actor=sendco, cycle=cycle, start_date=date(2026, 12, 7), plan_type="PLP", carry_forward=[pk]
            )
    # Refused as one step: the cycle is still open at Review.
    assert SupportCycle.objects.get(pk=cycle.pk).stage == "review"
    assert SupportCycle.objects.filter(pupil=pupil).count() == 1


@time_machine.travel("2026-12-07 09:00", tick=False)
def test_closing_a_cycle_someone_else_closed_is_refused(login, sendco, headteacher, pupil):
    cycle, (partly,) = _reviewed(sendco, pupil, ["partly"])
    services.cycle_stage_move(actor=headteacher, cycle=cycle, to_stage="closed", from_stage="review")
    response = login(sendco).post(
        f"/send/cycles/{cycle.pk}/next/", {"start_date": "2026-12-07", "plan_type": "PLP"}
    )
    assert response.status_code == 302 and response["Location"] == f"/send/cycles/{cycle.pk}/"
    assert SupportCycle.objects.filter(pupil=pupil).count() == 1


def test_a_multi_element_plan_needs_its_own_parts_before_it_starts(sendco, pupil):
    cycle = f.SupportCycleFactory(pupil=pupil, stage="plan", plan_type="MEP")
    f.TargetFactory(cycle=cycle)
    with pytest.raises(ValidationError, match="behaviour of concern and proactive strategies and reactive"):
        services.cycle_stage_move(actor=sendco, cycle=cycle, to_stage="do")
    services.cycle_assessment_save(
        actor=sendco,
        cycle=cycle,
        mep_behaviour="Leaves the classroom",
        mep_proactive="Movement breaks",
        mep_reactive="Calm space",
    )
    assert services.cycle_stage_move(actor=sendco, cycle=cycle, to_stage="do").stage == "do"


def test_a_target_keeps_its_baseline(login, sendco, pupil):
    cycle = f.SupportCycleFactory(pupil=pupil, stage="plan")
    response = login(sendco).post(
        f"/send/cycles/{cycle.pk}/targets/new/",
        {
            "area_of_need": "communication",
            "target": "Ask for help with the help card",
            "baseline": "Asks for help once a week",
            "success_criteria": "Every lesson",
            "strategies": "Help card on desk",
            "responsible": "Class TA",
            "review_date": "2026-12-04",
        },
    )
    assert response.status_code == 302
    assert Target.objects.get(cycle=cycle).baseline == "Asks for help once a week"
    assert "Asks for help once a week" in login(sendco).get(f"/send/cycles/{cycle.pk}/").content.decode()


@pytest.mark.parametrize(
    ("code", "next_cycle", "register"),
    [
        ("stay", True, None),
        ("increase", True, None),
        ("request_ehc", True, None),
        ("monitoring", False, "monitoring"),
        ("off_register", False, "removed"),
    ],
)
def test_each_decision_says_what_follows(code, next_cycle, register):
    decision = review_decisions.DECISIONS[code]
    assert (decision.starts_next_cycle, decision.register_status) == (next_cycle, register)
    assert review_decisions.label(code) and review_decisions.next_step(code).endswith(".")


class _Nesting(HTMLParser):
    VOID = {"input", "br", "img", "meta", "link", "hr"}

    def __init__(self):
        super().__init__()
        self.stack, self.mismatches = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
        else:
            self.mismatches.append((tag, list(self.stack[-3:])))


def test_the_cycle_page_closes_each_section_it_opens(login, sendco, pupil):
    cycle = f.SupportCycleFactory(pupil=pupil, stage="do")
    body = login(sendco).get(f"/send/cycles/{cycle.pk}/").content.decode()
    parser = _Nesting()
    parser.feed(body[body.index('<div class="row g-3">') :])
    # The views card was closed with </div>, so the Assess card fell outside its column.
    assert not [m for m in parser.mismatches if m[0] in {"section", "div"}]


@time_machine.travel("2026-12-07 09:00", tick=False)
def test_the_review_record_and_the_mep_print_what_was_decided(login, sendco, pupil):
    import io

    from pypdf import PdfReader

    cycle, _ = _reviewed(sendco, pupil, ["partly"])
    CycleReview.objects.filter(cycle=cycle).update(led_by="Mrs Patel", attended="Mrs Webb (mother)")
    SupportCycle.objects.filter(pk=cycle.pk).update(plan_type="MEP", mep_reactive="Offer the calm space")
    client = login(sendco)

    def text(url):
        response = client.get(url)
        return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)

    review = text(f"/send/cycles/{cycle.pk}/review.pdf")
    assert "Mrs Patel" in review and "Mrs Webb (mother)" in review and "Stay on SEN support" in review
    plan = text(f"/send/cycles/{cycle.pk}/plan.pdf")
    assert "Reactive strategies" in plan and "Offer the calm space" in plan


@time_machine.travel("2026-12-07 09:00", tick=False)
def test_the_decision_offers_its_next_step_to_the_sendco(login, sendco, pupil):
    cycle, _ = _reviewed(sendco, pupil, ["achieved"])
    CycleReview.objects.filter(cycle=cycle).update(decision="request_ehc")
    page = login(sendco).get(f"/send/cycles/{cycle.pk}/").content.decode()
    assert (
        f'href="/send/pupils/{pupil.pk}/assessments/new/">Start the request for an EHC needs assessment'
        in page
    )
    CycleReview.objects.filter(cycle=cycle).update(decision="off_register")
    page = login(sendco).get(f"/send/cycles/{cycle.pk}/").content.decode()
    assert f'href="/send/pupils/{pupil.pk}/status/?to=removed">Record the move on the SEN register' in page


@time_machine.travel("2026-12-07 09:00", tick=False)
def test_move_to_monitoring_takes_the_pupil_from_sen_support_to_monitoring(login, sendco, pupil):
    """The review's "Move to monitoring" calls for Monitoring, not Removed (which "Come off the
    register" calls for): the pupil then shows under the Monitoring filter of the SEN register."""
    assert review_decisions.DECISIONS["monitoring"].register_status == "monitoring"
    assert review_decisions.DECISIONS["off_register"].register_status == "removed"
    f.SendRecordFactory(pupil=pupil, status="sen_support", primary_need="SLCN")
    cycle, _ = _reviewed(sendco, pupil, ["achieved"])
    CycleReview.objects.filter(cycle=cycle).update(decision="monitoring")
    client = login(sendco)
    page = client.get(f"/send/cycles/{cycle.pk}/").content.decode()
    link = f"/send/pupils/{pupil.pk}/status/?to=monitoring"
    assert f'href="{link}">Record the move to monitoring on the SEN register' in page
    form = client.get(link).content.decode()
    assert re.search(r'<option value="monitoring"[^>]*selected', form)
    data = {
        "to_status": "monitoring",
        "reason": "Targets met; keep watching",
        "expected_status": "sen_support",
    }
    # The open cycle is reviewed and closed first: otherwise its plan stays due for a pupil off SEN support.
    refused = client.post(link, data).content.decode()
    assert f"Review and close cycle {cycle.number} before moving the pupil to monitoring." in refused
    services.cycle_stage_move(actor=sendco, cycle=cycle, to_stage="closed", from_stage="review")
    assert client.post(link, data).status_code == 302
    assert SendRecord.objects.get(pupil=pupil).status == "monitoring"
    change = SendStatusChange.objects.get(record__pupil=pupil)
    assert (change.from_status, change.to_status) == ("sen_support", "monitoring")
    assert AuditEntry.objects.filter(action="send.register.status_changed").exists()
    monitoring = client.get("/send/register/", {"status": "monitoring"}).content.decode()
    assert pupil.legal_first_name in monitoring and "1 pupil." in monitoring
    sen_support = client.get("/send/register/", {"status": "sen_support"}).content.decode()
    assert pupil.legal_first_name not in sen_support
