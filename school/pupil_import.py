"""Reading a pupils-and-contacts CSV exported from the school's MIS. Pure: no database.

`parse_pupil_csv(text, class_names=..., create_classes=...)` returns every row it understood and every
problem it found, each with the row number a spreadsheet shows (the header is row 1). The service
`school.services_import.pupil_import_apply` writes nothing unless `errors` is empty.

Worked example:

    upn,first_name,last_name,date_of_birth,sex,year_group,class,admission_date,pupil_premium
    Z801234567890,Ada,Lovelace,2018-05-01,F,Year 3,Oak,2022-09-01,yes

gives one PupilRow with year_group 3, class "Oak", pupil_premium True (no errors if class Oak exists).
A row with "year_group" of "Year 14" is reported as `Row 2, year_group: ...`.

Rules chosen where a MIS export is ambiguous:
- A column present in the header is the truth for every row (blank means blank: no preferred name,
  no leaving date, flag off). A column absent from the header leaves that field as it is.
- An unknown class is an error unless `create_classes` is set; new classes take the lowest year
  group among their pupils.
- Columns we do not know are ignored and listed, so a full MIS export can be uploaded as it is.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import ngettext

from .text_input import disallowed_character, strip_bidi_controls
from .upn import upn_problem

REQUIRED_COLUMNS = ("upn", "first_name", "last_name", "date_of_birth", "sex", "year_group", "admission_date")
FLAG_COLUMNS = (
    "pupil_premium",
    "free_school_meals",
    "eal",
    "looked_after",
    "previously_looked_after",
    "young_carer",
    "service_child",
    "medical_condition",
)
OPTIONAL_PUPIL_COLUMNS = (
    "preferred_first_name",
    "preferred_last_name",
    "class",
    "leaving_date",
    *FLAG_COLUMNS,
)
CONTACT_SUFFIXES = (
    "first_name",
    "last_name",
    "relationship",
    "phone",
    "email",
    "parental_responsibility",
    "address",
    "postcode",
    "language",
)
CONTACT_SLOTS = (1, 2)
CONTACT_COLUMNS = tuple(f"contact{n}_{suffix}" for n in CONTACT_SLOTS for suffix in CONTACT_SUFFIXES)
KNOWN_COLUMNS = frozenset(REQUIRED_COLUMNS + OPTIONAL_PUPIL_COLUMNS + CONTACT_COLUMNS)

# CSV column -> Pupil field, where they differ.
PUPIL_FIELD_FOR_COLUMN = {"first_name": "legal_first_name", "last_name": "legal_last_name"}
COLUMN_FOR_FIELD = {v: k for k, v in PUPIL_FIELD_FOR_COLUMN.items()} | {"registration_class": "class"}

TRUE_WORDS = {"yes", "y", "true", "t", "1"}
FALSE_WORDS = {"no", "n", "false", "f", "0", ""}
SEX_WORDS = {"f": "F", "female": "F", "g": "F", "girl": "F", "m": "M", "male": "M", "b": "M", "boy": "M"}
YEAR_WORDS = {"n": -1, "nursery": -1, "r": 0, "reception": 0, "rec": 0}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")
MAX_LENGTHS = {
    "upn": 13,
    "first_name": 100,
    "last_name": 100,
    "preferred_first_name": 100,
    "preferred_last_name": 100,
    "class": 50,
    "relationship": 50,
    "phone": 30,
    "postcode": 10,
    "language": 50,
    "address": 500,
    "email": 254,
}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        where = f"Row {self.row}" if self.row else "File"
        return f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


@dataclass
class ContactRow:
    slot: int
    first_name: str
    last_name: str
    relationship: str
    fields: dict  # Contact fields present in the file (phone, email, address, postcode, preferred_language)
    parental_responsibility: bool | None  # None: column absent

    def key(self) -> tuple:
        """How one contact is recognised across rows (siblings) and re-imports."""
        return (
            self.first_name.casefold(),
            self.last_name.casefold(),
            self.fields.get("phone", "").replace(" ", ""),
            self.fields.get("email", "").casefold(),
        )


@dataclass
class PupilRow:
    row: int
    fields: dict  # Pupil model fields present in the file (not the class)
    class_name: str | None  # None: no class column; "" : no class
    contacts: list[ContactRow] = field(default_factory=list)

    @property
    def upn(self) -> str:
        return self.fields["upn"]


@dataclass
class ParsedFile:
    rows: list[PupilRow]
    errors: list[RowError]
    ignored_columns: list[str]
    new_classes: dict[str, int]  # name -> year group, when create_classes is on

    @property
    def is_valid(self) -> bool:
        return not self.errors


def decode(data: bytes) -> str:
    """MIS exports come as UTF-8 (often with a byte-order mark) or, from Excel, Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse_date(value: str) -> date:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f'"{value}" is not a date; use YYYY-MM-DD or DD/MM/YYYY.')


def parse_flag(value: str) -> bool:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f'"{value}" is not yes or no; use yes/no, true/false, 1/0 or leave it blank.')


def parse_year_group(value: str) -> int:
    word = value.strip().lower()
    if word in YEAR_WORDS:
        return YEAR_WORDS[word]
    word = word.removeprefix("year").removeprefix("yr").removeprefix("y").strip()
    if word.isdigit() and 1 <= int(word) <= 13:
        return int(word)
    raise ValueError(f'"{value}" is not a year group; use N, R, 1 to 13 or "Year 3".')


def parse_sex(value: str) -> str:
    try:
        return SEX_WORDS[value.strip().lower()]
    except KeyError:
        raise ValueError(f'"{value}" is not a recognised sex; use F or M.') from None


def _clean(value) -> str:
    # Direction controls could make a printed name or address read as something else (text_input.py).
    return strip_bidi_controls(value or "").strip()


def _bad_character(raw: dict) -> str | None:
    """The first character in the row that no field may hold (NUL would be an error from PostgreSQL)."""
    for value in raw.values():
        values = value if isinstance(value, list) else [value]  # extra cells arrive as a list
        for text in values:
            if text and (name := disallowed_character(text)):
                return name
    return None


class _RowReader:
    """Reads one CSV row, collecting errors instead of stopping at the first."""

    def __init__(self, row_number: int, raw: dict, errors: list[RowError]):
        self.row, self.raw, self.errors = row_number, raw, errors

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.row, column, message))

    def text(self, column: str, *, required: bool = False) -> str:
        value = _clean(self.raw.get(column))
        if required and not value:
            self.error(column, "is required.")
        limit = MAX_LENGTHS.get(column.split("_", 1)[1] if column.startswith("contact") else column)
        if limit and len(value) > limit:
            self.error(column, f"is longer than {limit} characters.")
        return value

    def parsed(self, column: str, parser, *, required: bool = False):
        value = _clean(self.raw.get(column))
        if not value and parser is not parse_flag:
            if required:
                self.error(column, "is required.")
            return None
        try:
            return parser(value)
        except ValueError as problem:
            self.error(column, str(problem))
            return None


def _read_contact(reader: _RowReader, slot: int, columns: set[str]) -> ContactRow | None:
    prefix = f"contact{slot}_"
    present = [suffix for suffix in CONTACT_SUFFIXES if prefix + suffix in columns]
    if not any(_clean(reader.raw.get(prefix + suffix)) for suffix in present):
        return None  # no contact in this slot
    first = reader.text(prefix + "first_name", required=True)
    last = reader.text(prefix + "last_name", required=True)
    relationship = reader.text(prefix + "relationship", required=True)
    fields = {}
    for suffix, model_field in (
        ("phone", "phone"),
        ("email", "email"),
        ("address", "address"),
        ("postcode", "postcode"),
        ("language", "preferred_language"),
    ):
        if prefix + suffix in columns:
            fields[model_field] = reader.text(prefix + suffix)
    if fields.get("email"):
        try:
            validate_email(fields["email"])
        except ValidationError:
            reader.error(prefix + "email", f'"{fields["email"]}" is not an email address.')
    if "postcode" in fields:
        fields["postcode"] = fields["postcode"].upper()
    responsibility = None
    if prefix + "parental_responsibility" in columns:
        responsibility = reader.parsed(prefix + "parental_responsibility", parse_flag)
    return ContactRow(slot, first, last, relationship, fields, responsibility)


def _read_row(reader: _RowReader, columns: set[str]) -> PupilRow:
    fields: dict = {}
    upn = reader.text("upn", required=True).upper()
    if upn:
        problem = upn_problem(upn)
        if problem:
            reader.error("upn", problem)
    fields["upn"] = upn
    fields["legal_first_name"] = reader.text("first_name", required=True)
    fields["legal_last_name"] = reader.text("last_name", required=True)
    for column in ("preferred_first_name", "preferred_last_name"):
        if column in columns:
            fields[column] = reader.text(column)
    fields["date_of_birth"] = reader.parsed("date_of_birth", parse_date, required=True)
    fields["sex"] = reader.parsed("sex", parse_sex, required=True)
    fields["year_group"] = reader.parsed("year_group", parse_year_group, required=True)
    fields["admission_date"] = reader.parsed("admission_date", parse_date, required=True)
    if "leaving_date" in columns:
        fields["leaving_date"] = reader.parsed("leaving_date", parse_date)
    for column in FLAG_COLUMNS:
        if column in columns:
            fields[column] = reader.parsed(column, parse_flag)
    dob, admitted, left = fields["date_of_birth"], fields["admission_date"], fields.get("leaving_date")
    if dob and admitted and admitted < dob:
        reader.error("admission_date", "is before the date of birth.")
    if admitted and left and left < admitted:
        reader.error("leaving_date", "is before the admission date.")
    class_name = reader.text("class") if "class" in columns else None
    contacts = [c for slot in CONTACT_SLOTS if (c := _read_contact(reader, slot, columns)) is not None]
    return PupilRow(reader.row, fields, class_name, contacts)


def parse_pupil_csv(text: str, *, class_names, create_classes: bool = False) -> ParsedFile:
    """Read the whole file. `class_names` are the school's existing class names (any case)."""
    errors: list[RowError] = []
    reader = csv.DictReader(io.StringIO(text))
    header = [(_clean(name)).lower() for name in (reader.fieldnames or [])]
    if not header:
        return ParsedFile([], [RowError(0, "", "The file is empty.")], [], {})
    if bad := disallowed_character("".join(header)):
        return ParsedFile([], [RowError(1, "", f"contains a character that is not allowed ({bad}).")], [], {})
    reader.fieldnames = header
    columns = set(header)
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        errors.append(
            RowError(
                1,
                "",
                ngettext("Missing required column: %s.", "Missing required columns: %s.", len(missing))
                % ", ".join(missing),
            )
        )
        return ParsedFile([], errors, [], {})
    duplicates = sorted({name for name in header if header.count(name) > 1 and name})
    if duplicates:
        errors.append(
            RowError(
                1,
                "",
                ngettext("Column appears twice: %s.", "Columns appear twice: %s.", len(duplicates))
                % ", ".join(duplicates),
            )
        )
        return ParsedFile([], errors, [], {})

    known = {name.casefold(): name for name in class_names}
    rows: list[PupilRow] = []
    seen_upns: dict[str, int] = {}
    new_classes: dict[str, int] = {}
    for number, raw in enumerate(reader, start=2):
        if None in raw:
            errors.append(RowError(number, "", "has more values than the header has columns."))
        if bad := _bad_character(raw):
            errors.append(RowError(number, "", f"contains a character that is not allowed ({bad})."))
            continue
        if not any(_clean(v) for k, v in raw.items() if k is not None):
            continue  # blank lines at the end of an export
        row = _read_row(_RowReader(number, raw, errors), columns)
        if row.upn:
            if row.upn in seen_upns:
                errors.append(RowError(number, "upn", f"{row.upn} is also on row {seen_upns[row.upn]}."))
            else:
                seen_upns[row.upn] = number
        if row.class_name:
            existing = known.get(row.class_name.casefold())
            if existing is not None:
                row.class_name = existing
            elif create_classes:
                year = row.fields.get("year_group")
                previous = new_classes.get(row.class_name)
                if year is not None:
                    new_classes[row.class_name] = year if previous is None else min(previous, year)
            else:
                errors.append(
                    RowError(
                        number,
                        "class",
                        f'There is no class called "{row.class_name}". Create it first, '
                        "or choose to create missing classes.",
                    )
                )
        rows.append(row)
    if not rows and not errors:
        errors.append(RowError(0, "", "The file has a header but no pupils."))
    ignored = [name for name in header if name and name not in KNOWN_COLUMNS]
    return ParsedFile(rows, errors, ignored, new_classes)
