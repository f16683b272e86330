"""The annual SEN information report's status table (pure data, school.transitions).

A report starts as a draft. Publishing it freezes a numbered version (its text and figures); changing
the text after that puts the report back to draft while the published version stays readable, and
publishing again makes the next version, with a note of why.

    >>> REPORT.check(DRAFT, PUBLISHED)
    >>> REPORT.check(PUBLISHED, PUBLISHED)   # again, with today's figures and a note of why
    >>> REPORT.check("", PUBLISHED)
    Traceback (most recent call last):
    ...
    school.transitions.IllegalMove: ['A SEN information report moves from new to Draft, not to Published.']
"""

from __future__ import annotations

from school.transitions import Transitions

DRAFT = "draft"
PUBLISHED = "published"

LABELS = {DRAFT: "Draft", PUBLISHED: "Published"}
CHOICES = list(LABELS.items())

REPORT = Transitions(
    name="SEN information report",
    labels=LABELS,
    moves={
        "": {DRAFT: "drafted from the school's figures"},
        DRAFT: {PUBLISHED: "published for parents and governors"},
        PUBLISHED: {
            DRAFT: "changes started after publishing",
            PUBLISHED: "published again with today's figures",
        },
    },
)
