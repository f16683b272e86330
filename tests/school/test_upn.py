import pytest

from school.upn import check_letter, is_valid_upn, upn_problem
from tests.factories import make_upn


@pytest.mark.parametrize(
    "body, letter",
    [
        ("801234567890", "Z"),  # the module docstring's worked example: 436 mod 23 = 22
        ("000000000000", "A"),  # all zeros sum to 0
        ("000000000001", "P"),  # 1 x 13 = 13 -> the 14th letter once I is skipped
    ],
)
def test_check_letter(body, letter):
    assert check_letter(body) == letter


def test_valid_and_invalid_upns():
    good = make_upn(42)
    assert is_valid_upn(good)
    wrong_letter = ("B" if good[0] != "B" else "C") + good[1:]
    assert "check letter" in upn_problem(wrong_letter)
    assert "13 characters" in upn_problem(good[:-1])
    assert "digits" in upn_problem(good[0] + "A" + good[2:])


def test_temporary_upn_may_end_in_a_letter_but_not_i_o_or_s():
    body = "80123456789"
    assert is_valid_upn(check_letter(body + "A") + body + "A")
    assert upn_problem("A" + body + "I") is not None
