"""Cells that a spreadsheet shows as text, never runs as a formula (CSV injection).

Every CSV the product writes (attendance export, census SEN register) passes each cell through
`safe_cell`. Worked example: ``=HYPERLINK("http://x")`` becomes ``'=HYPERLINK("http://x")``, which
Excel and LibreOffice display as the literal text; ``42`` and ``Oak`` are unchanged.
"""

# Characters that make Excel or LibreOffice treat a cell as a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
