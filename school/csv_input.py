"""Reading a CSV file someone uploaded: the one way every importer decodes it, checks its header,
reads its dates and yes/no cells, and reports a problem with the row number a spreadsheet shows.
Pure: no database. The pupil import (school.pupil_import) and the marks import (attendance.transfer)
both read through here, so a file that one accepts the other reads the same way.

Rules, and why:

- **Text.** UTF-8, with or without a byte-order mark (what "CSV UTF-8" in Excel and every MIS export
  writes). A file that is not UTF-8 at all is read as Windows-1252, because "CSV (Comma delimited)" in
  Excel on Windows still saves that, and school offices open an export in Excel and save it again.
  Bytes are never replaced: a byte neither encoding defines, a file that is UTF-8 in some lines but not
  others (damaged, or two files pasted together), and a UTF-16 file ("Unicode Text") are refused with
  the line to look at. A guessed letter in a child's name would be printed on letters home.
- **Characters.** NUL and the other control characters PostgreSQL or a page cannot hold are an error
  for their row (never a server error); direction controls (text_input.py) are removed from every cell.
- **Header.** The first row names the columns, in any case and order, spaces around them ignored. A
  missing required column or a column named twice refuses the file; unknown columns are listed and
  ignored, so a whole MIS export can be uploaded as it is.
- **Rows.** Numbered as a spreadsheet shows them (the header is row 1). Rows with nothing in them are
  skipped (Excel leaves them at the end); a row with more cells than the header is an error.
- **Dates.** ``YYYY-MM-DD`` (ISO: what SIMS, Arbor and Bromcom data exports and our own exports
  write) or ``DD/MM/YYYY`` (what Excel in a UK locale shows and saves, day first), always with a
  four-digit year. Nothing else: ``01-05-2018`` reads as 5 January to anyone used to American
  systems, and ``01/05/18`` leaves the century to a guess, so both are refused rather than guessed.
- **Yes/no.** yes/no, y/n, true/false, t/f, 1/0, in any case; a blank cell is no.

Worked example:

>>> table = read_table("UPN, Date ,note\\nA1,2026-11-16,x\\n,,\\nA2,16/11/2026,\\x00\\n", required=("upn", "date"))
>>> [(number, cells["upn"], parse_date(cells["date"])) for number, cells in table.rows]
[(2, 'A1', datetime.date(2026, 11, 16))]
>>> [str(error) for error in table.errors]
['Row 4: contains a character that is not allowed (NUL).']
>>> parse_flag("Y"), parse_flag("")
(True, False)
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import ngettext

from .text_input import disallowed_character, strip_bidi_controls

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
TRUE_WORDS = frozenset({"yes", "y", "true", "t", "1"})
FALSE_WORDS = frozenset({"no", "n", "false", "f", "0", ""})
SAVE_AS_ADVICE = 'In Excel choose "Save As", then "CSV UTF-8 (Comma delimited)", and upload the file again.'

# A valid UTF-8 sequence of two to four bytes. Windows-1252 text almost never holds one, so a file with
# such sequences that still fails to decode as UTF-8 is damaged UTF-8, not Windows-1252.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True)
class RowError:
    """One problem: `row` 0 is the whole file, 1 the header, 2 on a row as a spreadsheet numbers it.

    >>> str(RowError(3, "sex", "is required."))
    'Row 3, sex: is required.'
    >>> str(RowError(0, "", "The file is empty."))
    'File: The file is empty.'
    """

    row: int
    column: str
    message: str

    def __str__(self):
        where = f"Row {self.row}" if self.row else "File"
        return f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class FileRefused(ValueError):
    """The file cannot be read at all (its encoding or its header): no row in it was looked at."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(str(error) for error in errors))


@dataclass
class Table:
    columns: list[str]  # the header, lower case, in the file's order
    rows: list[tuple[int, dict[str, str]]]  # (row number, cell by column) for each row without problems
    errors: list[RowError] = field(default_factory=list)  # rows left out of `rows`, and why
    unknown_columns: list[str] = field(default_factory=list)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode(data: bytes) -> str:
    """The text of an uploaded file, or FileRefused saying which line holds bytes we cannot read.

    >>> decode("upn,name\\nA1,Zoë\\n".encode("utf-8-sig"))
    'upn,name\\nA1,Zoë\\n'
    >>> decode("A1,Zoë".encode("cp1252"))
    'A1,Zoë'
    >>> decode(b"upn\\nA1\\n\\x81\\n")
    Traceback (most recent call last):
    ...
    school.csv_input.FileRefused: File: Line 3 holds bytes that are not text in UTF-8 or Windows-1252. \
In Excel choose "Save As", then "CSV UTF-8 (Comma delimited)", and upload the file again.
    """
    if data.startswith(_UTF16_MARKS):
        raise FileRefused(
            [RowError(0, "", f'The file is saved as UTF-16 ("Unicode Text"). {SAVE_AS_ADVICE}')]
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as not_utf8:
        if _UTF8_SEQUENCE.search(data):
            line = _line_of(data, not_utf8.start)
            message = (
                f"Line {line} is not UTF-8 text although the lines before it are: the file may be damaged "
                f"or pasted together from two files. {SAVE_AS_ADVICE}"
            )
            raise FileRefused([RowError(0, "", message)]) from None
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as not_cp1252:
        line = _line_of(data, not_cp1252.start)
        message = f"Line {line} holds bytes that are not text in UTF-8 or Windows-1252. {SAVE_AS_ADVICE}"
        raise FileRefused([RowError(0, "", message)]) from None


def parse_date(value: str) -> date:
    """A date in one of DATE_FORMATS, or ValueError with words to show beside the row.

    >>> parse_date(" 2018-05-01 "), parse_date("1/5/2018")
    (datetime.date(2018, 5, 1), datetime.date(2018, 5, 1))
    >>> parse_date("01-05-2018")
    Traceback (most recent call last):
    ...
    ValueError: "01-05-2018" is not a date; use YYYY-MM-DD or DD/MM/YYYY.
    """
    text = value.strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f'"{text}" is not a date; use YYYY-MM-DD or DD/MM/YYYY.')


def parse_flag(value: str) -> bool:
    """Yes or no; a blank cell is no.

    >>> parse_flag("perhaps")
    Traceback (most recent call last):
    ...
    ValueError: "perhaps" is not yes or no; use yes/no, true/false, 1/0 or leave it blank.
    """
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f'"{value}" is not yes or no; use yes/no, true/false, 1/0 or leave it blank.')


def _cell(value: str | None) -> str:
    # Direction controls could make a printed name or address read as something else (text_input.py).
    return strip_bidi_controls(value or "").strip()


def _not_allowed(cells: Sequence[str]) -> str | None:
    for text in cells:
        if name := disallowed_character(text):
            return name
    return None


def read_table(
    text: str,
    *,
    required: Sequence[str],
    known: Collection[str] | None = None,
    max_rows: int | None = None,
) -> Table:
    """Check the header and read every row. FileRefused if the file as a whole cannot be read; a
    problem in one row is in `errors` and that row is left out of `rows`. `known` (all columns the
    importer reads, when it cares) decides which columns are listed as unknown."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    try:
        header = [_cell(name).lower() for name in next(reader, [])]
    except csv.Error as problem:
        raise FileRefused([RowError(1, "", f"cannot be read as CSV ({problem}).")]) from None
    if not any(header):
        raise FileRefused([RowError(0, "", "The file is empty.")])
    if bad := _not_allowed(header):
        raise FileRefused([RowError(1, "", f"contains a character that is not allowed ({bad}).")])
    missing = [column for column in required if column not in header]
    if missing:
        message = ngettext("Missing column: %s.", "Missing columns: %s.", len(missing)) % ", ".join(missing)
        message += " The first row must name the columns."
        raise FileRefused([RowError(1, "", message)])
    duplicates = sorted({name for name in header if name and header.count(name) > 1})
    if duplicates:
        raise FileRefused(
            [
                RowError(
                    1,
                    "",
                    ngettext("Column appears twice: %s.", "Columns appear twice: %s.", len(duplicates))
                    % ", ".join(duplicates),
                )
            ]
        )

    table = Table(columns=header, rows=[])
    if known is not None:
        table.unknown_columns = [name for name in header if name and name not in known]
    number = 1
    try:
        for number, raw in enumerate(reader, start=2):
            if max_rows is not None and number - 1 > max_rows:
                raise FileRefused([RowError(0, "", f"The file has more than {max_rows:,} rows; split it.")])
            if bad := _not_allowed(raw):
                # NUL would reach PostgreSQL and fail the whole request; it is this row's problem instead.
                table.errors.append(
                    RowError(number, "", f"contains a character that is not allowed ({bad}).")
                )
                continue
            cells = [_cell(value) for value in raw]
            if not any(cells):
                continue  # blank lines at the end of an export
            if len(cells) > len(header) and any(cells[len(header) :]):
                table.errors.append(RowError(number, "", "has more values than the header has columns."))
                continue
            values = dict(zip(header, cells, strict=False))
            table.rows.append((number, {name: values.get(name, "") for name in header if name}))
    except csv.Error as problem:
        # Such as a cell longer than the csv module allows: the reader cannot go on past it.
        table.errors.append(
            RowError(number + 1, "", f"cannot be read as CSV ({problem}); nothing after it was read.")
        )
    return table
