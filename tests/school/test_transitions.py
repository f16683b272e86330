"""One transition helper for every status: the table refuses illegal moves in plain English, and every
move writes a history row (the cycle's stage wrote none before)."""

import pytest
import time_machine
from django.urls import reverse

from graduated_response import transitions as case_transitions
from school.transitions import IllegalMove
from send import cycle_stages
from send import services as send_services
from send.models import CycleStageChange
from tests import factories as f


@pytest.mark.parametrize(
    ("table", "from_state", "to_state", "allowed"),
    [
        (cycle_stages.STAGES, "assess", "plan", True),
        (cycle_stages.STAGES, "plan", "do", True),
        (cycle_stages.STAGES, "do", "review", True),
        (cycle_stages.STAGES, "review", "plan", True),
        (cycle_stages.STAGES, "review", "closed", True),
        (cycle_stages.STAGES, "assess", "do", False),
        (cycle_stages.STAGES, "closed", "plan", False),
        (case_transitions.CASE, "", "open", True),
        (case_transitions.CASE, "open", "closed", True),
        (case_transitions.CASE, "closed", "open", False),
        (case_transitions.CASE, "", "closed", False),
    ],
)
def test_boundary_table(table, from_state, to_state, allowed):
    assert table.allowed(from_state, to_state) is allowed
    if allowed:
        table.check(from_state, to_state)
    else:
        with pytest.raises(IllegalMove):
            table.check(from_state, to_state)


def test_final_states_explain_what_to_do_instead():
    with pytest.raises(IllegalMove, match="Start a new cycle from its review"):
        cycle_stages.STAGES.check("closed", "plan")
    with pytest.raises(IllegalMove, match="A new case opens if attendance falls again"):
        case_transitions.CASE.check("closed", "open")


@time_machine.travel("2026-11-23 10:00")
def test_every_stage_move_of_a_cycle_leaves_a_history_row_shown_on_the_cycle(login, sendco, pupil):
    cycle = f.SupportCycleFactory(pupil=pupil, stage="assess")
    send_services.cycle_stage_move(actor=sendco, cycle=cycle, to_stage="plan")
    with pytest.raises(IllegalMove):
        send_services.cycle_stage_move(actor=sendco, cycle=cycle, to_stage="review")
    rows = list(
        CycleStageChange.objects.filter(cycle=cycle).values_list("from_stage", "to_stage", "changed_by")
    )
    assert rows == [("assess", "plan", sendco.pk)]
    page = login(sendco).get(reverse("send:cycle_detail", args=[cycle.pk])).content.decode()
    assert "Assess to Plan" in page
