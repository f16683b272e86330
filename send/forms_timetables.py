"""Forms for part-time timetables. They check types and shapes; send/services/part_time.py checks the
protocol's rules and says what is wrong beside the field."""

from __future__ import annotations

from django import forms

from school.editing import EditVersionMixin
from school.form_base import Form
from school.forms import DateInput
from school.submissions import OneTimeTokenMixin

from . import part_time_rules as rules

SESSION_CHOICES = [
    (f"{weekday}-{session}", rules.session_label(weekday, session))
    for weekday in range(len(rules.WEEKDAYS))
    for session in rules.SESSIONS
]
# Shown so that choosing it is answered in plain English; the service always refuses it.
REASON_CHOICES = [("", "Choose…"), *rules.REASONS, (rules.BEHAVIOUR, "To manage behaviour (never allowed)")]


def parse_sessions(values) -> list[tuple[int, str]]:
    """["0-AM", "2-PM"] from the checkbox grid -> [(0, "AM"), (2, "PM")]."""
    out = []
    for value in values or []:
        weekday, _, session = str(value).partition("-")
        out.append((int(weekday), session))
    return out


def session_values(agreed) -> list[str]:
    return [f"{w}-{s}" for w, s in agreed]


class SessionsWidget(forms.CheckboxSelectMultiple):
    def id_for_label(self, id_, index=None):
        # The error summary links to the field's label target: Monday morning, the grid's first box.
        return f"{id_}_0" if id_ and index is None else super().id_for_label(id_, index)


class SessionsField(forms.MultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=SESSION_CHOICES,
            widget=SessionsWidget,
            required=False,
            label="Sessions the pupil attends each week",
            help_text="Tick the sessions the pupil is in school. Every other session is coded C2 in the register.",
            **kwargs,
        )

    def clean(self, value):
        return parse_sessions(super().clean(value))


class TimetableOpenForm(OneTimeTokenMixin, Form):
    reason = forms.ChoiceField(
        label="Exceptional circumstance",
        choices=REASON_CHOICES,
        required=False,
        help_text="A part-time timetable is only for exceptional circumstances, and never to manage behaviour.",
    )
    reason_detail = forms.CharField(
        label="What makes it necessary",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="The needs behind it, and what has been tried to keep the pupil in school full-time.",
    )
    start_date = forms.DateField(
        label="First day on the part-time timetable", widget=DateInput(), required=False
    )
    end_date = forms.DateField(
        label="Last day on the part-time timetable",
        widget=DateInput(),
        required=False,
    )
    sessions = SessionsField()
    parental_agreement_by = forms.CharField(
        label="Parent or carer who signed the agreement", max_length=200, required=False
    )
    parental_agreement_on = forms.DateField(
        label="Date the agreement was signed", widget=DateInput(), required=False
    )
    risk_assessment_on = forms.DateField(
        label="Risk assessment completed on", widget=DateInput(), required=False
    )
    la_notified_on = forms.DateField(label="Local authority notified on", widget=DateInput(), required=False)
    interim_review_called_on = forms.DateField(
        label="Interim or early annual review called on",
        widget=DateInput(),
        required=False,
        help_text="Needed when the pupil has an EHC plan.",
    )
    virtual_school_consulted_on = forms.DateField(
        label="Virtual school consulted on",
        widget=DateInput(),
        required=False,
        help_text="Needed when the pupil is looked after.",
    )

    def __init__(self, *args, max_weeks: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end_date"].help_text = (
            f"At most {max_weeks} school weeks from the start (the school's protocol; holidays do not count). "
            + self.fields["end_date"].help_text
        ).strip()


class TimetableReviewForm(EditVersionMixin, Form):
    held_on = forms.DateField(label="Review held on", widget=DateInput(), required=False)
    notes = forms.CharField(
        label="Progress and what was agreed",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Progress against the steps back to full-time, and the views of the pupil and parents.",
    )
    sessions = SessionsField()
    end_date = forms.DateField(
        label="Last day on the part-time timetable",
        widget=DateInput(),
        required=False,
        help_text="Change it to end sooner, or later within the limit from the start.",
    )


class TimetableEndForm(EditVersionMixin, Form):
    ended_on = forms.DateField(
        label="Last day on the part-time timetable", widget=DateInput(), required=False
    )
    note = forms.CharField(
        label="How it ended",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="For example: back full-time from Monday; or why it stopped early.",
    )


def sessions_grid(form) -> list[dict]:
    """Rows Monday-Friday, each with its morning and afternoon checkbox (for the picker's table)."""
    field = form["sessions"]
    if form.is_bound:
        chosen = set(form.data.getlist(field.html_name)) if hasattr(form.data, "getlist") else set()
    else:
        chosen = set(session_values(form.initial.get("sessions", [])))
    return grid_rows(chosen, id_prefix=str(field.auto_id))


def grid_rows(chosen: set[str], *, id_prefix: str = "id_sessions") -> list[dict]:
    rows = []
    for weekday, day in enumerate(rules.WEEKDAYS):
        cells = []
        for session, half in (("AM", "morning"), ("PM", "afternoon")):
            value = f"{weekday}-{session}"
            cells.append(
                {
                    "value": value,
                    # Django's own numbering (id_sessions_0 ... _9), so the error summary's link to
                    # the field lands on Monday morning.
                    "id": f"{id_prefix}_{weekday * 2 + (session == 'PM')}",
                    "label": f"{day} {half}",
                    "checked": value in chosen,
                }
            )
        rows.append({"day": day, "cells": cells})
    return rows
