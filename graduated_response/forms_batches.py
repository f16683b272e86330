"""The form that runs a letter batch (graduated_response/views_batches.py)."""

from __future__ import annotations

from django import forms

from school.form_base import Form
from school.submissions import OneTimeTokenMixin

#: The letters that make sense for a whole set of pupils at once, by template code (letters.defaults).
# Letters that need nothing but the pupil, the family and the figures. Letters 2 and 3 invite each
# family to its own meeting (date, time, place), so they are written from the meeting on the case, not
# in a batch, where they would print a blank meeting.
BATCH_CODES = [
    ("letter_1", "Letter 1: our concerns about attendance"),
    ("persistent_absence", "Persistent absence letter"),
    ("certificate_full", "Attendance certificate: 100%"),
    ("certificate_improved", "Attendance certificate: improved attendance"),
    ("termly_report", "Termly attendance report, with a chart"),
]


class BatchChooseForm(Form):
    """Which letter to review for the chosen set (a GET form)."""

    code = forms.ChoiceField(
        label="Letter", choices=BATCH_CODES, widget=forms.Select(attrs={"class": "form-select"})
    )


class BatchRunForm(OneTimeTokenMixin, Form):
    """Run the reviewed batch: the pupils shown on the review page, the letter, and whether to e-mail.

    A double press makes one batch (the one-time token)."""

    code = forms.ChoiceField(choices=BATCH_CODES, widget=forms.HiddenInput)
    pupil_ids = forms.CharField(widget=forms.HiddenInput, max_length=30000)
    description = forms.CharField(
        label="Name of this batch",
        max_length=300,
        help_text="Shown in the list of batches.",
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    email_parents = forms.BooleanField(
        label="Also e-mail each letter to the parent (as a PDF), where we have their e-mail address",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def clean_pupil_ids(self) -> list[int]:
        raw = [part.strip() for part in self.cleaned_data["pupil_ids"].split(",") if part.strip()]
        if not raw or not all(part.isdigit() for part in raw):
            raise forms.ValidationError("Choose the pupils again: the list was not recognised.")
        return [int(part) for part in raw]
