"""Merge fields: the fixed list of values a letter template may print, and the pure functions that
check a template and fill it in.

Syntax staff type: a field's name in curly brackets, ``{pupil_first_name}``. There is no template
language: a value is always printed as text (HTML-escaped), never run, so a pupil named
``<script>alert(1)</script>`` or ``{{ secret }}`` appears on the page exactly as typed, and a value
that itself looks like a field (``{school_name}``) is not filled in again (one pass only).

Anything in curly brackets that is not a field in ``FIELDS`` is an error before saving
(``unknown_fields``): a typo such as ``{pupil_frist_name}``, or template code such as ``{{ x }}`` or
``{% if %}``, is refused with its name, rather than printed to a parent.

Values come from letters/merge_data.py (pupil, class, school, contact, the statistics engine's figures)
plus the ``extra`` a caller passes to letters.services.letter_produce. Keys callers may pass in
``extra`` (all optional; a missing one prints as an empty string):

* ``meeting_date`` (date), ``meeting_time`` (str), ``meeting_place`` (str);
* ``meeting_targets``: list of ``{"text", "owner", "review_on"}`` (``review_on`` a date or ISO string),
  printed as a bulleted list;
* ``period_start``, ``period_end`` (dates): a notice to improve's or a contract's period;
* ``penalty_amount`` (str, for example "£80");
* ``review_date`` (date): a SEND or EHCP review; ``provision_summary`` (str): the SEN provision made;
* ``staff_name`` (str): who to contact at school about this letter.

Worked example:

    >>> unknown_fields("Dear {contact_name}, {pupil_frist_name} was {{ absent }}.")
    ['pupil_frist_name', 'absent']
    >>> substitute("<p>Dear {contact_name},</p>", {"contact_name": "Ms <b>Brown</b>"})
    '<p>Dear Ms &lt;b&gt;Brown&lt;/b&gt;,</p>'
    >>> substitute("{pupil_first_name}", {"pupil_first_name": "{{ secret }} {school_name}",
    ...                                   "school_name": "X"})
    '{{ secret }} {school_name}'
    >>> substitute("Subject for {pupil_first_name}", {"pupil_first_name": "A&B"}, html=False)
    'Subject for A&B'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from html import escape

__all__ = ["FIELDS", "GROUPS", "MergeField", "fields_used", "unknown_fields", "substitute", "time_text"]


@dataclass(frozen=True)
class MergeField:
    key: str
    label: str
    group: str
    example: str = ""


_FIELDS = [
    # Pupil and class
    MergeField("pupil_first_name", "Pupil's first name", "Pupil", "Sam"),
    MergeField("pupil_last_name", "Pupil's last name", "Pupil", "Taylor"),
    MergeField("pupil_full_name", "Pupil's full name", "Pupil", "Sam Taylor"),
    MergeField("pupil_date_of_birth", "Pupil's date of birth", "Pupil", "4 May 2016"),
    MergeField("pupil_year_group", "Year group", "Pupil", "Year 5"),
    MergeField("class_name", "Registration class", "Pupil", "5T"),
    # School
    MergeField("school_name", "School name", "School", "Oak Hill Primary"),
    MergeField("school_address", "School address (one line)", "School", "1 School Lane, Townsville"),
    MergeField("school_contact", "School contact line", "School", "01234 567890"),
    MergeField("signatory_name", "Who signs the letter", "School", "Mrs J Patel"),
    MergeField("signatory_role", "Their role", "School", "Headteacher"),
    MergeField("staff_name", "Staff member to contact", "School", "Mr Green"),
    MergeField("letter_date", "Today's date", "School", "2 December 2026"),
    # Contact
    MergeField("contact_name", "Parent or carer's name(s)", "Parent or carer", "Ms A Taylor"),
    MergeField("contact_address", "Parent or carer's address (one line)", "Parent or carer", "2 Elm Road"),
    # Attendance, from the statistics engine
    MergeField("attendance_pct", "Attendance %", "Attendance", "91.5%"),
    MergeField("absence_pct", "Absence %", "Attendance", "8.5%"),
    MergeField("attendance_target", "School's attendance target %", "Attendance", "96%"),
    MergeField("sessions_possible", "Possible sessions", "Attendance", "140"),
    MergeField("sessions_attended", "Sessions attended", "Attendance", "128"),
    MergeField("sessions_missed", "Sessions missed", "Attendance", "12"),
    MergeField("sessions_authorised", "Authorised absences (sessions)", "Attendance", "8"),
    MergeField("sessions_unauthorised", "Unauthorised absences (sessions)", "Attendance", "4"),
    MergeField("lates", "Times late", "Attendance", "3"),
    MergeField("minutes_late", "Minutes late in total", "Attendance", "45"),
    MergeField("hours_lost", "Hours of learning lost", "Attendance", "39"),
    MergeField("minutes_lost", "Minutes of learning lost", "Attendance", "2,340"),
    MergeField("days_lost", "School days missed", "Attendance", "6"),
    MergeField(
        "unauthorised_last_10_weeks", "Unauthorised sessions in the last 10 school weeks", "Attendance", "6"
    ),
    # The same figures with their words, agreeing with the number in the letter's language
    # (letters/counted_words.py): "1 session missed", "12 sessions missed".
    MergeField(
        "sessions_missed_words", "Sessions missed, with the words", "Attendance", "12 sessions missed"
    ),
    MergeField("days_lost_words", "School days missed, with the words", "Attendance", "6 school days"),
    MergeField("hours_lost_words", "Hours of learning lost, with the words", "Attendance", "39 hours"),
    MergeField(
        "unauthorised_last_10_weeks_words",
        "Unauthorised sessions in the last 10 school weeks, with the words",
        "Attendance",
        "6 sessions",
    ),
    MergeField("figures_from", "Figures from (date)", "Attendance", "1 September 2026"),
    MergeField("figures_to", "Figures to (date)", "Attendance", "2 December 2026"),
    # Meetings
    MergeField("meeting_date", "Meeting date", "Meeting", "Tuesday 8 December 2026"),
    MergeField("meeting_time", "Meeting time", "Meeting", "9:15am"),
    MergeField("meeting_place", "Meeting place", "Meeting", "the school office"),
    MergeField("meeting_targets", "Targets agreed (a list)", "Meeting", "Arrive by 8:50 every day"),
    # Periods and measures
    MergeField("period_start", "Period starts", "Period", "7 December 2026"),
    MergeField("period_end", "Period ends", "Period", "29 January 2027"),
    MergeField("penalty_amount", "Penalty amount", "Period", "£80"),
    MergeField("review_date", "Review date", "SEND", "14 January 2027"),
    MergeField("provision_summary", "The SEN provision made", "SEND", "Small-group reading support"),
]

FIELDS: dict[str, MergeField] = {field.key: field for field in _FIELDS}
GROUPS: list[tuple[str, list[MergeField]]] = []
for _field in _FIELDS:
    if not GROUPS or GROUPS[-1][0] != _field.group:
        GROUPS.append((_field.group, []))
    GROUPS[-1][1].append(_field)

# Anything in curly brackets, up to the first closing bracket: "{pupil_first_name}", "{ x }", "{{ x }".
_TOKEN = re.compile(r"\{([^{}]{0,60})\}")


def _tokens(text: str) -> list[str]:
    return [match.group(1).strip() for match in _TOKEN.finditer(text)]


def fields_used(text: str) -> list[str]:
    """The known fields ``text`` uses, in order, once each.

    >>> fields_used("{pupil_first_name} {pupil_first_name} {school_name}")
    ['pupil_first_name', 'school_name']
    """
    seen: dict[str, None] = {}
    for token in _tokens(text):
        if token in FIELDS:
            seen.setdefault(token, None)
    return list(seen)


def unknown_fields(text: str) -> list[str]:
    """Everything in curly brackets that is not a merge field, once each, in order.

    A lone "{" with no closing bracket is harmless text and is allowed.

    >>> unknown_fields("{pupil_first_name} { school_name } {% if x %} {Pupil_first_name}")
    ['% if x %', 'Pupil_first_name']
    >>> unknown_fields("Costs {5 pounds} and a lone { bracket")
    ['5 pounds']
    """
    seen: dict[str, None] = {}
    for token in _tokens(text):
        if token not in FIELDS:
            seen.setdefault(token, None)
    return list(seen)


#: Django locale codes of the letter languages (letters.template_services.LANGUAGES), for dates in the
#: letter's own language ("8 grudnia 2026"); a language Django lacks prints dates in English.
LANGUAGE_CODES = {
    "Arabic": "ar",
    "Bengali": "bn",
    "French": "fr",
    "Gujarati": "gu",
    "Lithuanian": "lt",
    "Panjabi": "pa",
    "Polish": "pl",
    "Portuguese": "pt",
    "Romanian": "ro",
    "Spanish": "es",
    "Ukrainian": "uk",
    "Urdu": "ur",
    "Welsh": "cy",
}


def time_text(at) -> str:
    """A meeting's time as every letter prints it, in the GOV.UK style (send/review_meeting.py prints
    its invitations the same way); empty when there is no time.

    >>> from datetime import time
    >>> time_text(time(9, 15)), time_text(time(14, 0)), time_text(time(12, 0)), time_text(None)
    ('9:15am', '2pm', 'midday', '')
    """
    if at is None:
        return ""
    if at.hour == 12 and at.minute == 0:
        return "midday"
    hour = at.hour % 12 or 12
    suffix = "am" if at.hour < 12 else "pm"
    return f"{hour}{suffix}" if at.minute == 0 else f"{hour}:{at.minute:02d}{suffix}"


def date_text(value: date, *, language: str = "English", weekday: bool = False) -> str:
    """A date as a parent reads it, in the letter's language.

    >>> date_text(date(2026, 12, 8)), date_text(date(2026, 12, 8), weekday=True)
    ('8 December 2026', 'Tuesday 8 December 2026')
    """
    code = LANGUAGE_CODES.get(language)
    if code is None:
        return f"{value:%A} {value.day} {value:%B %Y}" if weekday else f"{value.day} {value:%B %Y}"
    from django.utils import translation
    from django.utils.formats import date_format

    with translation.override(code):
        return date_format(value, "l j E Y" if weekday else "j E Y")


def format_value(value, *, html: bool, language: str = "English") -> str:
    """A merge value as printed: dates as "2 December 2026", lists of targets as a list, else str().

    >>> format_value(date(2026, 12, 2), html=True)
    '2 December 2026'
    >>> format_value([{"text": "Be on time", "owner": "Sam", "review_on": "2027-01-14"}], html=True)
    '<ul><li>Be on time (Sam, review 14 January 2027)</li></ul>'
    >>> format_value(None, html=False)
    ''
    """
    if value is None:
        return ""
    if isinstance(value, date):
        return date_text(value, language=language)
    if isinstance(value, (list, tuple)):
        items = [_target_text(item, language) for item in value]
        if not html:
            return "; ".join(items)
        if not items:
            return ""
        return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"
    text = str(value)
    return escape(text) if html else text


def _target_text(item, language: str = "English") -> str:
    if not isinstance(item, dict):
        return str(item)
    text = str(item.get("text", ""))
    details = []
    if item.get("owner"):
        details.append(str(item["owner"]))
    review_on = item.get("review_on")
    if isinstance(review_on, str) and review_on:
        try:
            review_on = date.fromisoformat(review_on)
        except ValueError:
            pass
    if review_on:
        details.append(f"review {format_value(review_on, html=False, language=language)}")
    return f"{text} ({', '.join(details)})" if details else text


def substitute(text: str, values: dict, *, html: bool = True, language: str = "English") -> str:
    """``text`` with every known field replaced by its value, in one pass.

    ``html=True`` (a body): values are HTML-escaped. ``html=False`` (a subject, plain text): values are
    inserted as they are, and the page that prints the subject escapes it. Unknown fields are left as
    typed (a saved template has none: the editor refuses them).
    """

    def replace(match: re.Match) -> str:
        key = match.group(1).strip()
        if key not in FIELDS:
            return match.group(0)
        return format_value(values.get(key), html=html, language=language)

    return _TOKEN.sub(replace, text)
