"""Reviews are kept as history: a second review of a cycle adds a record; the page and PDF show both."""

from datetime import date

from school.models import AuditEntry
from send import services
from send.models import CycleReview
from tests.send.test_cycles import pdf_text


def _cycle_at_review(pupil, user):
    cycle = services.cycle_start(actor=user, pupil=pupil, start_date=date(2026, 9, 7), plan_type="PLP")
    target = services.target_save(
        actor=user,
        cycle=cycle,
        area_of_need="communication",
        target="Read 20 words",
        success_criteria="4 of 5",
        strategies="Flash cards",
        provision="Daily reading",
        responsible="TA",
        review_date=date(2026, 11, 20),
    )
    for stage in ("plan", "do", "review"):
        services.cycle_stage_move(actor=user, cycle=cycle, to_stage=stage)
    return cycle, target


def _review(user, cycle, target, *, on, outcome, parent_views, next_steps):
    services.cycle_review_record(
        actor=user,
        cycle=cycle,
        outcomes={target.pk: (outcome, f"evidence {on:%d %B}")},
        reviewed_on=on,
        pupil_views="I like reading",
        parent_views=parent_views,
        next_steps=next_steps,
    )


def test_a_second_review_keeps_the_first_on_the_page_and_in_the_pdf(login, sendco, pupil):
    cycle, target = _cycle_at_review(pupil, sendco)
    _review(
        sendco,
        cycle,
        target,
        on=date(2026, 11, 23),
        outcome="partly",
        parent_views="Early days",
        next_steps="Meet again in a week",
    )
    _review(
        sendco,
        cycle,
        target,
        on=date(2026, 11, 30),
        outcome="achieved",
        parent_views="Much happier",
        next_steps="New targets next cycle",
    )

    reviews = list(CycleReview.objects.filter(cycle=cycle))
    assert [r.reviewed_on for r in reviews] == [date(2026, 11, 23), date(2026, 11, 30)]
    assert [r.outcomes[0]["outcome"] for r in reviews] == ["partly", "achieved"]
    assert AuditEntry.objects.filter(action="send.review.recorded").count() == 2

    client = login(sendco)
    page = client.get(f"/send/cycles/{cycle.pk}/").content.decode()
    assert "Early days" in page and "Meet again in a week" in page
    assert "Much happier" in page and "New targets next cycle" in page
    assert page.index("Much happier") < page.index("Early days")  # newest first

    text = "".join(pdf_text(client.get(f"/send/cycles/{cycle.pk}/review.pdf")).split())
    assert "Earlydays" in text and "Meetagaininaweek" in text and "Partlyachieved" in text
    assert "Muchhappier" in text and "Newtargetsnextcycle" in text


def test_after_back_to_planning_the_earlier_review_stays_on_the_cycle_page(login, sendco, pupil):
    cycle, target = _cycle_at_review(pupil, sendco)
    _review(
        sendco,
        cycle,
        target,
        on=date(2026, 11, 23),
        outcome="partly",
        parent_views="First round",
        next_steps="Re-plan",
    )
    for stage in ("plan", "do", "review"):  # Back to planning, then a second round
        services.cycle_stage_move(actor=sendco, cycle=cycle, to_stage=stage)
    _review(
        sendco,
        cycle,
        target,
        on=date(2026, 11, 30),
        outcome="achieved",
        parent_views="Second round",
        next_steps="Close",
    )

    page = login(sendco).get(f"/send/cycles/{cycle.pk}/").content.decode()
    assert "Reviews, newest first" in page
    assert page.index("Second round") < page.index("First round")
    assert "Latest" in page and "Earlier round (1)" in page
