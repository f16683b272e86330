"""The DfE Unique Pupil Number (UPN) check letter.

A UPN is 13 characters: a check letter followed by 12 characters (LA number, establishment
number, year, serial; the last may be a letter for temporary UPNs). The check letter is computed by
multiplying the digits in positions 2-13 by weights 2..13, summing, taking the remainder mod 23 and
indexing into the letters A-Z without I, O and S.

Worked example: the body "801234567890" gives
8*2 + 0*3 + 1*4 + 2*5 + 3*6 + 4*7 + 5*8 + 6*9 + 7*10 + 8*11 + 9*12 + 0*13 = 436;
436 mod 23 = 22; CHECK_LETTERS[22] = "Z", so "Z801234567890" is a valid UPN.
"""

CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: no I, O or S
# In the last position a temporary UPN may carry a letter, worth its index in CHECK_LETTERS.


def _value(char: str, position: int) -> int:
    if char.isdigit():
        return int(char)
    if position == 13 and char in CHECK_LETTERS:
        return CHECK_LETTERS.index(char)
    raise ValueError(char)


def check_letter(body: str) -> str:
    """Return the check letter for the 12 characters that follow it."""
    if len(body) != 12:
        raise ValueError("A UPN has 12 characters after its check letter.")
    total = sum(_value(char, index + 2) * (index + 2) for index, char in enumerate(body))
    return CHECK_LETTERS[total % 23]


def upn_problem(upn: str) -> str | None:
    """None when `upn` is valid, otherwise a plain-English reason."""
    upn = (upn or "").strip().upper()
    if len(upn) != 13:
        return "A UPN is 13 characters long: a letter followed by 12 characters."
    if not upn[1:12].isdigit():
        return "Characters 2 to 12 of a UPN must be digits."
    try:
        expected = check_letter(upn[1:])
    except ValueError:
        return "The last character of a UPN must be a digit or a letter other than I, O or S."
    if upn[0] != expected:
        return f"The check letter does not match: a UPN ending {upn[1:]} starts with {expected}."
    return None


def is_valid_upn(upn: str) -> bool:
    return upn_problem(upn) is None
