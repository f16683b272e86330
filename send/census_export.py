"""The SEN register in school-census shape, as CSV that spreadsheets cannot execute (pure).

Columns: UPN, SEN provision (N/K/E), primary need, secondary need (census need-type codes).
A cell starting with =, +, -, @, tab or carriage return would run as a formula in Excel or LibreOffice,
so it is prefixed with an apostrophe (OWASP "CSV injection").

    >>> safe_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> to_csv([("A123456789012", "K", "SLCN", "")]).splitlines()[1]
    'A123456789012,K,SLCN,'
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from school.spreadsheet import safe_cell

HEADER = ("UPN", "SEN provision", "Primary need", "Secondary need")


def to_csv(rows: Iterable[tuple]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()
