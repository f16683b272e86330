"""Forms for returns to the local authority: record a return as sent, choose a month's return."""

from django import forms
from django.utils import timezone

from school.editing import EditVersionMixin
from school.form_base import Form, ModelForm
from school.forms import DateInput

from .models_returns import LAReturn


class LAReturnSentForm(ModelForm):
    """Closing a return moves it from open to sent: the service refuses it if someone else did first."""

    class Meta:
        model = LAReturn
        fields = ["sent_on", "sent_how", "sent_note"]
        labels = {
            "sent_on": "Sent to the local authority on",
            "sent_how": "How it was sent",
            "sent_note": "Note (optional), for example the officer's name or a reference",
        }
        widgets = {"sent_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sent_on"].required = True
        self.fields["sent_how"].required = True
        self.fields["sent_on"].initial = timezone.localdate()

    def clean_sent_on(self):
        day = self.cleaned_data["sent_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The day it was sent cannot be in the future.")
        return day


class MonthForm(Form):
    month = forms.DateField(
        label="Month",
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text="For example 2026-11.",
    )

    def clean_month(self):
        month = self.cleaned_data["month"]
        if month > timezone.localdate():
            raise forms.ValidationError("Choose this month or an earlier one.")
        return month


class PreviousSchoolSettingForm(EditVersionMixin, Form):
    count = forms.TypedChoiceField(
        label="Unauthorised sessions recorded at a pupil's previous school",
        choices=[
            ("no", "Do not count them: only sessions at this school count towards 10 in 10 school weeks"),
            ("yes", "Count them towards 10 in 10 school weeks (they never enter this school's figures)"),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
