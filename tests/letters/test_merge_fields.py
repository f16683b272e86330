"""Merge fields: unknown fields refused, values printed as escaped text in one pass, every default
letter uses known fields only, and addressees are grouped by address. No database."""

from datetime import date

import pytest

from letters import defaults
from letters.merge_fields import FIELDS, fields_used, format_value, substitute, unknown_fields
from letters.recipients import ContactRow, group_addressees
from letters.sanitise import clean_body


@pytest.mark.parametrize(
    ("text", "unknown"),
    [
        ("{pupil_first_name}", []),
        ("{ pupil_first_name }", []),
        ("{pupil_frist_name}", ["pupil_frist_name"]),
        ("{Pupil_First_Name}", ["Pupil_First_Name"]),
        ("{{ secret }}", ["secret"]),
        ("{% if pupil %}x{% endif %}", ["% if pupil %", "% endif %"]),
        ("{}", [""]),
        ("a lone { bracket and } another", [" bracket and "]),
        ("no fields at all", []),
        ("{school_name}{school_name}{nope}{nope}", ["nope"]),
    ],
)
def test_unknown_fields(text, unknown):
    assert unknown_fields(text) == [u.strip() for u in unknown]


@pytest.mark.parametrize(
    ("value", "html", "printed"),
    [
        ("<script>alert(1)</script>", True, "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("{{ secret }}", True, "{{ secret }}"),
        ("{school_name}", True, "{school_name}"),
        ("O'Brien & Sons", True, "O&#x27;Brien &amp; Sons"),
        ("O'Brien & Sons", False, "O'Brien & Sons"),
        (None, True, ""),
    ],
)
def test_values_print_literally_in_one_pass(value, html, printed):
    values = {"pupil_first_name": value, "school_name": "SHOULD NOT APPEAR"}
    assert substitute("{pupil_first_name}", values, html=html) == printed


def test_targets_are_a_list_with_escaped_text():
    targets = [{"text": "<b>On time</b>", "owner": "Parent", "review_on": date(2027, 1, 14)}]
    assert format_value(targets, html=True) == (
        "<ul><li>&lt;b&gt;On time&lt;/b&gt; (Parent, review 14 January 2027)</li></ul>"
    )


@pytest.mark.parametrize("code", defaults.CODES)
def test_every_default_letter_uses_known_fields_and_survives_sanitising(code):
    letter = defaults.DEFAULTS[code]
    assert unknown_fields(letter.subject) == [] and unknown_fields(letter.body_html) == []
    assert clean_body(letter.body_html) == letter.body_html
    assert letter.kind in {"attendance", "send"}
    assert set(fields_used(letter.body_html)) <= set(FIELDS)


def test_the_interface_codes_and_sanction_codes():
    assert set(defaults.CODES) == {
        "letter_1", "letter_2", "letter_2a", "letter_2b", "letter_2c", "letter_3", "letter_3a", "letter_3b",
        "letter_3c", "persistent_absence", "certificate_full", "certificate_improved", "termly_report",
        "notice_to_improve", "attendance_contract", "penalty_warning", "send_provision", "send_review_invite",
        "ehcp_review_invite", "ehcp_review_moved",
    }  # fmt: skip
    assert defaults.SANCTION_CODES == {"letter_3", "letter_3a", "notice_to_improve", "penalty_warning"}


def row(pk, last, address, postcode="ZZ1 1ZZ", title="Ms", language="English"):
    return ContactRow(pk, title, "Ann", last, address, postcode, language, f"{pk}@example.invalid")


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([], []),
        ([row(1, "Brown", "1 Oak Road")], [("Ms A Brown", (1,))]),
        # Same address written differently: one letter, both names.
        (
            [row(1, "Brown", "1 Oak Road"), row(2, "Green", "1 oak road, ", "zz11zz", title="Mr")],
            [("Ms A Brown and Mr A Green", (1, 2))],
        ),
        # Parents living apart: one letter each.
        (
            [row(1, "Brown", "1 Oak Road"), row(2, "Brown", "7 Elm Street")],
            [("Ms A Brown", (1,)), ("Ms A Brown", (2,))],
        ),
        # No address: a letter of their own each (never merged with each other).
        ([row(1, "Brown", "", ""), row(2, "Green", "", "")], [("Ms A Brown", (1,)), ("Ms A Green", (2,))]),
        ([row(1, "Brown", "1 Oak Road", title="")], [("Ann Brown", (1,))]),
    ],
)
def test_addressees_one_per_address(rows, expected):
    assert [(a.name, a.contact_ids) for a in group_addressees(rows)] == expected


def test_addressee_language_is_the_first_given():
    [addressee] = group_addressees(
        [row(1, "Brown", "1 Oak Road", language=""), row(2, "Nowak", "1 Oak Road", language="Polish")]
    )
    assert addressee.language == "Polish" and addressee.address == "1 Oak Road\nZZ1 1ZZ"
