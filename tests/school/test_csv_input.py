"""The one reader every CSV import uses (school/csv_input.py): boundary tables, no database."""

from datetime import date

import pytest

from school.csv_input import FileRefused, RowError, decode, parse_date, parse_flag, read_table


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2018-05-01", date(2018, 5, 1)),
        ("2018-5-1", date(2018, 5, 1)),
        ("01/05/2018", date(2018, 5, 1)),  # day first, as Excel in a UK locale writes it
        ("1/5/2018", date(2018, 5, 1)),
        (" 31/12/2026 ", date(2026, 12, 31)),
        ("29/02/2024", date(2024, 2, 29)),
        ("29/02/2023", None),  # not a leap year
        ("31/04/2026", None),
        ("2026-13-01", None),
        ("13/13/2026", None),
        ("01-05-2018", None),  # no longer guessed: day or month first?
        ("01/05/18", None),  # two-digit year: no century guessed
        ("2018/05/01", None),
        ("1 May 2018", None),
        ("01/05/2018 00:00", None),
        ("", None),
    ],
)
def test_dates(text, expected):
    if expected is None:
        with pytest.raises(ValueError, match="is not a date; use YYYY-MM-DD or DD/MM/YYYY"):
            parse_date(text)
    else:
        assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        *[(word, True) for word in ("yes", "YES", "Y", "true", "T", "1", " yes ")],
        *[(word, False) for word in ("no", "N", "False", "f", "0", "", "  ")],
        *[(word, None) for word in ("perhaps", "2", "-1", "yes please", "oui")],
    ],
)
def test_flags(text, expected):
    if expected is None:
        with pytest.raises(ValueError, match="is not yes or no"):
            parse_flag(text)
    else:
        assert parse_flag(text) is expected


NAME = "upn,name\nA1,Zoë’s café\n"


@pytest.mark.parametrize(
    "data",
    [NAME.encode("utf-8"), NAME.encode("utf-8-sig"), NAME.encode("cp1252")],
    ids=["utf-8", "utf-8 with BOM", "windows-1252"],
)
def test_the_encodings_a_school_saves_are_read(data):
    assert decode(data) == NAME


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"upn\nA1\n\x81\n", "Line 3 holds bytes that are not text in UTF-8 or Windows-1252"),
        ("upn\nZoë\n".encode() + b"Zo\xeb\n", "Line 3 is not UTF-8 text although the lines before it are"),
        (NAME.encode("utf-16"), "UTF-16"),
    ],
    ids=["undefined in both", "damaged utf-8", "utf-16"],
)
def test_unreadable_bytes_refuse_the_file_and_say_where(data, words):
    with pytest.raises(FileRefused) as refused:
        decode(data)
    (error,) = refused.value.errors
    assert error.row == 0 and words in error.message and "CSV UTF-8" in error.message


def test_nothing_is_ever_replaced():
    # Every byte is either read as the letter it is or the file is refused: no U+FFFD anywhere.
    for byte in range(256):
        try:
            text = decode(b"upn\n" + bytes([byte]) + b"\n")
        except FileRefused:
            continue
        assert "\ufffd" not in text


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "The file is empty."),
        ("\n\n", "The file is empty."),
        (",,\n", "The file is empty."),
        ("upn\n", "Missing column: date."),
        ("date,name\n", "Missing column: upn."),
        ("upn,date,UPN\n", "Column appears twice: upn."),
        ("up\x00n,date\n", "contains a character that is not allowed (NUL)."),
    ],
)
def test_header_problems_refuse_the_file(text, words):
    with pytest.raises(FileRefused) as refused:
        read_table(text, required=("upn", "date"))
    assert words in str(refused.value)


def test_header_is_matched_in_any_case_order_and_spacing():
    table = read_table(
        "\ufeff Date ,UPN,\u202enote\nd,u,n\n", required=("upn", "date"), known={"upn", "date"}
    )
    assert table.columns == ["date", "upn", "note"]
    assert table.rows == [(2, {"date": "d", "upn": "u", "note": "n"})]
    assert table.unknown_columns == ["note"]


def test_rows_are_numbered_as_a_spreadsheet_shows_them():
    text = 'upn,note\nA1,"two\nlines"\n\n,\nA2,x,y\nA3\x07,\nA4,ok,\n'
    table = read_table(text, required=("upn",))
    # Row 2 holds a line break inside quotes (still one row); the blank line and "," are rows 3 and 4,
    # shown empty by a spreadsheet, and skipped.
    assert [number for number, _ in table.rows] == [2, 7]
    assert table.rows[1][1] == {"upn": "A4", "note": "ok"}  # a trailing empty cell is no extra value
    assert table.errors == [
        RowError(5, "", "has more values than the header has columns."),
        RowError(6, "", "contains a character that is not allowed (U+0007)."),
    ]


def test_short_rows_read_missing_cells_as_blank():
    assert read_table("upn,date,note\nA1\n", required=("upn",)).rows == [
        (2, {"upn": "A1", "date": "", "note": ""})
    ]


def test_direction_controls_are_removed_from_every_cell():
    (row,) = read_table("upn,name\nA1, Sm\u202eith \n", required=("upn",)).rows
    assert row[1]["name"] == "Smith"


def test_too_many_rows_refuse_the_file():
    text = "upn\n" + "A\n" * 4
    assert len(read_table(text, required=("upn",), max_rows=4).rows) == 4
    with pytest.raises(FileRefused, match="more than 3 rows"):
        read_table(text, required=("upn",), max_rows=3)


def test_a_cell_too_long_for_the_csv_reader_is_a_row_error_not_a_crash():
    text = 'upn,note\nA1,ok\nA2,"' + "x" * 200_000 + '"\nA3,later\n'
    table = read_table(text, required=("upn",))
    assert [number for number, _ in table.rows] == [2]
    assert table.errors[0].row == 3 and "cannot be read as CSV" in table.errors[0].message
