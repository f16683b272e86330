"""The DfE attendance codes: every code's statistical treatment, dates and plain-English errors."""

import doctest
from datetime import date

import pytest

from attendance import codes
from attendance.codes import (
    CODES,
    CODES_2024_START,
    WITHDRAWN_CODES,
    Category,
    UnknownCode,
    choices,
    is_valid,
    lookup,
    normalise,
)

PRESENT = Category.PRESENT
AEA = Category.APPROVED_ACTIVITY
AUTH = Category.AUTHORISED
UNAUTH = Category.UNAUTHORISED
NOT_COUNTED = Category.NOT_COUNTED

# docs/rules.md section 1, transcribed by hand: (code, category, withdrawn on 19 August 2024?)
TREATMENT = [
    ("/", PRESENT, False),
    ("\\", PRESENT, False),
    ("L", PRESENT, False),
    ("K", AEA, False),
    ("V", AEA, False),
    ("P", AEA, False),
    ("W", AEA, False),
    ("B", AEA, False),
    ("C", AUTH, False),
    ("C1", AUTH, False),
    ("C2", AUTH, False),
    ("E", AUTH, False),
    ("I", AUTH, False),
    ("J1", AUTH, False),
    ("M", AUTH, False),
    ("R", AUTH, False),
    ("S", AUTH, False),
    ("T", AUTH, False),
    ("G", UNAUTH, False),
    ("N", UNAUTH, False),
    ("O", UNAUTH, False),
    ("U", UNAUTH, False),
    ("D", NOT_COUNTED, False),
    ("X", NOT_COUNTED, False),
    ("Q", NOT_COUNTED, False),
    ("Y1", NOT_COUNTED, False),
    ("Y2", NOT_COUNTED, False),
    ("Y3", NOT_COUNTED, False),
    ("Y4", NOT_COUNTED, False),
    ("Y5", NOT_COUNTED, False),
    ("Y6", NOT_COUNTED, False),
    ("Y7", NOT_COUNTED, False),
    ("Z", NOT_COUNTED, False),
    ("#", NOT_COUNTED, False),
    ("H", AUTH, True),
    ("F", AUTH, True),
    ("J", AEA, True),
    ("Y", NOT_COUNTED, True),
]

BEFORE = date(2024, 8, 18)
AFTER = date(2024, 8, 19)


def test_the_table_covers_every_code_exactly_once():
    table = [code for code, _, _ in TREATMENT]
    assert len(table) == len(set(table))
    assert {c for c, _, withdrawn in TREATMENT if not withdrawn} == set(CODES)
    assert {c for c, _, withdrawn in TREATMENT if withdrawn} == set(WITHDRAWN_CODES)


@pytest.mark.parametrize(("code", "category", "withdrawn"), TREATMENT)
def test_statistical_treatment_of_every_code(code, category, withdrawn):
    on = BEFORE if withdrawn else AFTER
    assert lookup(code, on=on).category is category
    assert codes.counts_as_present(code) is (category is PRESENT)
    assert codes.counts_as_approved_activity(code) is (category is AEA)
    assert codes.counts_as_attendance(code) is (category in (PRESENT, AEA))
    assert codes.counts_as_authorised(code) is (category is AUTH)
    assert codes.counts_as_unauthorised(code) is (category is UNAUTH)
    assert codes.is_not_counted(code) is (category is NOT_COUNTED)
    assert codes.counts_as_possible(code) is (category is not NOT_COUNTED)


@pytest.mark.parametrize(("code", "category", "withdrawn"), TREATMENT)
def test_database_sets_agree_with_the_table(code, category, withdrawn):
    sets = {
        PRESENT: codes.PRESENT_CODES,
        AEA: codes.APPROVED_ACTIVITY_CODES,
        AUTH: codes.AUTHORISED_CODES,
        UNAUTH: codes.UNAUTHORISED_CODES,
        NOT_COUNTED: codes.NOT_COUNTED_CODES,
    }
    assert [cat for cat, members in sets.items() if code in members] == [category]
    assert (code in codes.ATTENDANCE_CODES) is (category in (PRESENT, AEA))
    assert (code in codes.POSSIBLE_CODES) is (category is not NOT_COUNTED)


def test_penalty_and_late_code_sets():
    assert codes.PENALTY_UNAUTHORISED_CODES == {"G", "N", "O", "U"} == codes.UNAUTHORISED_CODES
    assert codes.LATE_CODES == {"L", "U"}
    assert "L" in codes.ATTENDANCE_CODES and "U" in codes.UNAUTHORISED_CODES


def test_each_unavoidable_cause_code_has_its_own_meaning():
    expected_words = {
        "Y1": "transport",
        "Y2": "disruption to travel",
        "Y3": "part of the school premises",
        "Y4": "whole school site",
        "Y5": "criminal justice",
        "Y6": "public health",
        "Y7": "other unavoidable",
    }
    for code, words in expected_words.items():
        assert words in CODES[code].meaning
    assert len({CODES[code].meaning for code in expected_words}) == 7


def test_every_code_has_a_meaning_and_a_plain_english_description_for_parents():
    for code in [*CODES.values(), *WITHDRAWN_CODES.values()]:
        assert code.meaning and code.description_for_parents.endswith(".")
        assert code.description_for_parents[0].isupper()


def test_codes_are_immutable():
    with pytest.raises(AttributeError):
        CODES["I"].category = Category.UNAUTHORISED


@pytest.mark.parametrize("code", ["H", "F", "J", "Y"])
def test_withdrawn_code_is_accepted_up_to_18_august_2024_and_refused_from_19_august(code):
    assert lookup(code, on=BEFORE) is WITHDRAWN_CODES[code]
    assert is_valid(code, on=BEFORE)
    assert not is_valid(code, on=AFTER)
    assert not is_valid(code, on=date(2025, 9, 3))
    with pytest.raises(UnknownCode, match="was withdrawn on 19 August 2024"):
        lookup(code, on=AFTER)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("H", "'H' was withdrawn on 19 August 2024; use G or C instead"),
        ("f", "'F' was withdrawn on 19 August 2024; use G or C instead"),
        ("J", "'J' was withdrawn on 19 August 2024; use J1 instead"),
        ("Y", "'Y' was withdrawn on 19 August 2024; use one of Y1 to Y7 instead"),
    ],
)
def test_withdrawn_code_message_says_what_to_use_instead(code, message):
    with pytest.raises(UnknownCode) as excinfo:
        lookup(code, on=AFTER)
    assert str(excinfo.value) == message
    assert isinstance(excinfo.value, ValueError)


def test_boundary_constant_is_the_day_the_2024_regulations_came_in():
    assert CODES_2024_START == date(2024, 8, 19)


def test_old_c_is_valid_on_both_sides_of_the_change():
    assert lookup("C", on=BEFORE).category is AUTH
    assert lookup("C", on=AFTER).category is AUTH


@pytest.mark.parametrize("code", sorted(CODES))
def test_current_codes_are_valid_before_and_after_the_change(code):
    assert is_valid(code, on=AFTER)
    assert is_valid(code, on=BEFORE)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("Q9", "'Q9' is not a DfE attendance code"),
        ("Y8", "'Y8' is not a DfE attendance code"),
        ("C3", "'C3' is not a DfE attendance code"),
        ("A", "'A' is not a DfE attendance code"),
        ("//", "'//' is not a DfE attendance code"),
        ("present", "'PRESENT' is not a DfE attendance code"),
        ("", "No attendance code was given"),
        ("   ", "No attendance code was given"),
    ],
)
def test_unknown_codes_are_refused_in_plain_english(raw, message):
    assert not is_valid(raw, on=AFTER)
    with pytest.raises(UnknownCode) as excinfo:
        lookup(raw, on=AFTER)
    assert str(excinfo.value) == message


@pytest.mark.parametrize("raw", ["Q9", "", "y8"])
def test_predicates_refuse_unknown_codes_rather_than_silently_drop_the_session(raw):
    with pytest.raises(UnknownCode):
        codes.counts_as_possible(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("c2 ", "C2"), (" i", "I"), ("y7\n", "Y7"), ("/", "/"), (" \\ ", "\\"), ("#", "#"), ("j1", "J1")],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected
    assert lookup(raw, on=AFTER).code == expected


def test_normalise_refuses_non_text():
    with pytest.raises(TypeError):
        normalise(None)


def test_choices_list_current_codes_in_dfe_order_with_their_meanings():
    listed = choices()
    assert [code for code, _ in listed] == [
        "/", "\\", "L", "K", "V", "P", "W", "B", "D", "C1", "M", "J1", "S", "X", "C2", "C",
        "T", "R", "I", "E", "Q", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "G", "N", "O", "U", "Z", "#",
    ]  # fmt: skip
    assert ("I", "I – illness (physical or mental health)") in listed
    assert not {code for code, _ in listed} & set(WITHDRAWN_CODES)


def test_worked_examples_in_the_docstrings_hold():
    result = doctest.testmod(codes)
    assert result.attempted > 0 and result.failed == 0
