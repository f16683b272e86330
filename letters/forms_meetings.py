"""Forms for meetings: plan, record (seed 004 Appendix 5, in sections), not attended, cancel, add a
target, review a target, produce a letter. They check shapes; letters/meetings.py checks the rules."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from school.editing import EditVersionMixin
from school.form_base import Form, ModelForm
from school.forms import DateInput, TimeInput
from school.submissions import OneTimeTokenMixin

from .meetings import RECORD_FIELDS
from .models_meetings import Meeting, MeetingTarget

#: The record page's sections, in the order of the seed's meeting record (Appendix 5).
RECORD_SECTIONS = [
    ("Who was there", ["held_on", "present", "services_involved"]),
    ("What we are worried about", ["worried_education", "worried_health", "worried_care"]),
    ("What is going well", ["going_well_education", "going_well_health", "going_well_care"]),
    ("Next steps", ["next_steps_education", "next_steps_health", "next_steps_care"]),
    ("Voices", ["parent_voice", "child_voice", "additional_information"]),
    ("Outcome of the joint review", ["outcome", "outcome_note"]),
]

_SHORT_LABELS = {
    "worried_education": "Education",
    "worried_health": "Health",
    "worried_care": "Care",
    "going_well_education": "Education",
    "going_well_health": "Health",
    "going_well_care": "Care",
    "next_steps_education": "Education",
    "next_steps_health": "Health",
    "next_steps_care": "Care",
}


class MeetingPlanForm(OneTimeTokenMixin, ModelForm):
    invite = forms.BooleanField(
        required=False,
        label="Write the invitation letter to the parents now (a SAM or a SAP)",
    )

    class Meta:
        model = Meeting
        fields = ["kind", "planned_on", "planned_time", "place"]
        labels = {"kind": "Meeting", "planned_on": "Date", "planned_time": "Time (optional)"}
        widgets = {"planned_on": DateInput(), "planned_time": TimeInput()}

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = [c for c in Meeting.Kind.choices if c[0] in kinds]


class MeetingRecordForm(EditVersionMixin, ModelForm):
    """The meeting record. A planned meeting's form moves it to held (the service checks it is still
    planned); a held meeting's form corrects the record (the service checks its version)."""

    class Meta:
        model = Meeting
        fields = ["held_on", *RECORD_FIELDS]
        widgets = {
            "held_on": DateInput(),
            **{name: forms.Textarea(attrs={"rows": 3}) for name in RECORD_FIELDS if name != "outcome"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].required = True
        if not self.instance.held_on and not self.is_bound:
            self.initial["held_on"] = min(self.instance.planned_on, timezone.localdate())
        for name, label in _SHORT_LABELS.items():
            self.fields[name].label = label
        if self.instance.is_joint_review:
            self.fields["outcome"].required = True
        else:
            del self.fields["outcome"], self.fields["outcome_note"]
        self.stale = False

    def version_objects(self) -> tuple:
        # Only a held record is edited against a version; a planned one is moved (ensure_still).
        return (self.instance,) if self.instance.status == Meeting.Status.HELD else ()

    def after_stale(self) -> None:
        self.stale = True

    def sections(self):
        """(heading, bound fields) for the template, skipping the outcome for attendance meetings."""
        shown = []
        for heading, names in RECORD_SECTIONS:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                shown.append((heading, fields))
        return shown


class NotAttendedForm(Form):
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), label="Note (optional)"
    )
    send_letter = forms.BooleanField(
        required=False, initial=True, label="Write the \u201cdid not attend\u201d letter to the parents"
    )

    def after_stale(self) -> None:
        self.stale = True


class CancelForm(Form):
    reason = forms.CharField(
        max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), label="Why is it cancelled?"
    )

    def after_stale(self) -> None:
        self.stale = True


class TargetForm(OneTimeTokenMixin, ModelForm):
    class Meta:
        model = MeetingTarget
        fields = ["text", "owner", "review_on"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2}), "review_on": DateInput()}


class TargetReviewForm(Form):
    status = forms.ChoiceField(
        label="Was the target met?",
        choices=[(MeetingTarget.Status.MET, "Met"), (MeetingTarget.Status.NOT_MET, "Not met")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), label="Review note"
    )

    def after_stale(self) -> None:
        self.stale = True


class MeetingLetterForm(Form):
    purpose = forms.ChoiceField(label="Letter", choices=())

    def __init__(self, *args, available=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = list(available)
