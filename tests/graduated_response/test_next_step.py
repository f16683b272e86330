"""The next-letter rule (graduated_response/next_step.py): a boundary table, no database."""

from decimal import Decimal

import pytest

from graduated_response.case_letters import CODE_TITLES
from graduated_response.next_step import History, suggest
from letters.defaults import CODES

L1 = frozenset({"letter_1"})
L12 = frozenset({"letter_1", "letter_2"})
L12b = L12 | {"letter_2b"}


@pytest.mark.parametrize(
    ("history", "code"),
    [
        (History(tier=0), None),
        (History(tier=1), None),
        (History(tier=1, attendance_pct=Decimal("93.0")), None),
        (History(tier=2), "letter_1"),
        (History(tier=3), "letter_1"),
        (History(tier=5), "letter_1"),  # never a panel letter as the first word
        (History(tier=2, produced=L1), "letter_2"),
        (History(tier=3, produced=L1), "letter_2"),
        # persistent absence: 90.0% or less; 90.1% is not
        (History(tier=2, produced=L1, attendance_pct=Decimal("90.1")), "letter_2"),
        (History(tier=3, produced=L1, attendance_pct=Decimal("90.0")), "persistent_absence"),
        (History(tier=3, produced=L1 | {"persistent_absence"}, attendance_pct=Decimal("85.0")), "letter_2"),
        # the SAM's follow-ups
        (History(tier=2, produced=L12, sam="planned"), None),
        (History(tier=2, produced=L12, sam="not_attended"), "letter_2a"),
        (History(tier=2, produced=L12, sam="held"), "letter_2b"),
        (History(tier=2, produced=L12b, sam="held"), None),
        (History(tier=2, produced=L12b, sam="held", sam_targets_met=True), "letter_2c"),
        (History(tier=1, produced=L12b, sam="held", sam_targets_met=True), "letter_2c"),
        (History(tier=1, produced=L12b | {"letter_2c"}, sam="held", sam_targets_met=True), None),
        # Letter 3 from Tier 4, after the SAM
        (History(tier=3, produced=L12b, sam="held"), None),
        (History(tier=4, produced=L12, sam="planned"), None),
        (History(tier=4, produced=L12b, sam="held"), "letter_3"),
        (History(tier=4, produced=L12 | {"letter_2a"}, sam="not_attended"), "letter_3"),
        (History(tier=5, produced=L12b, sam="held"), "letter_3"),
        # the SAP's follow-ups come before the SAM's
        (History(tier=4, produced=L12b | {"letter_3"}, sam="held", sap="not_attended"), "letter_3a"),
        (History(tier=4, produced=L12b | {"letter_3"}, sam="held", sap="held"), "letter_3b"),
        (
            History(
                tier=4,
                produced=L12b | {"letter_3", "letter_3b"},
                sam="held",
                sap="held",
                sap_targets_met=True,
            ),
            "letter_3c",
        ),
        (History(tier=4, produced=L12b | {"letter_3", "letter_3b"}, sam="held", sap="held"), None),
    ],
)
def test_the_next_letter(history, code):
    suggestion = suggest(history)
    assert suggestion.code == code
    assert suggestion.reason.endswith(".")


def test_every_suggestion_is_a_template_code():
    for tier in range(6):
        for produced in (frozenset(), L1, L12, L12b):
            for sam in (None, "planned", "held", "not_attended"):
                code = suggest(History(tier=tier, produced=produced, sam=sam)).code
                assert code is None or code in CODES


def test_the_case_page_names_every_template_and_no_other():
    assert set(CODE_TITLES) == set(CODES)
