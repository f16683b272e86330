"""A logging filter that removes secrets and pupil identifiers from every log record.

Errors are logged with their message and traceback; those can carry a password from a form, a
session or CSRF token from a header, or a UPN from a database error ("Key (upn)=(A938...)").
The filter formats the record once, replaces such values with "[removed]", and keeps the rest.

    >>> scrub("login failed password=hunter2 for A938200119001")
    'login failed password=[removed] for [UPN removed]'

A private calendar link's token is in its path ("Not Found: /send/deadlines/<token>.ics"):

    >>> scrub("Not Found: /send/deadlines/Zq3-x_9aB.ics")
    'Not Found: /send/deadlines/[removed].ics'
"""

import logging
import re

REMOVED = "[removed]"
_SECRET_NAMES = r"password\d?|passwd|pwd|secret|token|otp_token|csrfmiddlewaretoken|csrftoken|sessionid|api[_-]?key|authorization|cookie"
_PATTERNS = [
    (re.compile(r"(?i)\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+"), lambda m: f"{m.group(1)} {REMOVED}"),
    # name=value, name: value, "name": "value", 'name': 'value'
    (
        re.compile(rf"""(?i)(["']?\b(?:{_SECRET_NAMES})\b["']?\s*[:=]\s*)(["']?)([^\s"',;&}}]+)"""),
        lambda m: f"{m.group(1)}{m.group(2)}{REMOVED}",
    ),
    # The token of a private calendar link (send/views/deadlines.py), which is its whole credential.
    (re.compile(r"(/deadlines/)[A-Za-z0-9_-]+(\.ics)"), lambda m: f"{m.group(1)}{REMOVED}{m.group(2)}"),
    # Unique pupil numbers: a letter, 11 digits, then a digit or letter (temporary UPNs).
    (re.compile(r"\b[A-Z]\d{11}[0-9A-Z]\b"), lambda m: "[UPN removed]"),
]


def scrub(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class ScrubSensitiveData(logging.Filter):
    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the template, drop the arguments
            message = str(record.msg)
        record.msg, record.args = scrub(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True
