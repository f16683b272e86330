import pytest

from school.spreadsheet import safe_cell


@pytest.mark.parametrize(
    "value, shown",
    [
        ('=HYPERLINK("http://127.0.0.1/")', '\'=HYPERLINK("http://127.0.0.1/")'),
        ("+44 1632 960000", "'+44 1632 960000"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("Oak", "Oak"),
        (42, "42"),
        (None, ""),
        ("a=b", "a=b"),
    ],
)
def test_cells_that_start_a_formula_are_shown_as_text(value, shown):
    assert safe_cell(value) == shown
