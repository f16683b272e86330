"""Forms for attendance pages. The register itself has one row per pupil, parsed by ``parse_register``."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from school.form_base import Form, ModelForm
from school.forms import ClosureDayForm, DateInput
from school.models import Session
from school.submissions import OneTimeTokenMixin

from . import codes
from .models import AbsenceCall, LeaveRequest
from .services import CALL_CODES, RegisterEntry


def parse_register(data, pupil_ids) -> tuple[list[RegisterEntry], dict[int, int], dict[int, list[str]], str]:
    """Read ``code-<id>``, ``minutes-<id>`` and ``version-<id>`` for each pupil of the register.

    Returns (entries, expected versions, errors beside rows, reason).
    """
    entries, versions, errors = [], {}, {}
    for pupil_id in pupil_ids:
        code = data.get(f"code-{pupil_id}", "")
        raw_minutes = (data.get(f"minutes-{pupil_id}") or "").strip()
        try:
            versions[pupil_id] = int(data.get(f"version-{pupil_id}") or 0)
        except ValueError:
            versions[pupil_id] = -1  # a tampered version can never match, so it is shown as a conflict
        minutes = None
        if raw_minutes:
            if not raw_minutes.isdigit():
                errors.setdefault(pupil_id, []).append("Minutes late must be a whole number of minutes.")
            elif int(raw_minutes) > 600:
                errors.setdefault(pupil_id, []).append("Minutes late can be at most 600 (10 hours).")
            else:
                minutes = int(raw_minutes)
        entries.append(RegisterEntry(pupil_id=pupil_id, code=code, minutes_late=minutes))
    return entries, versions, errors, (data.get("reason") or "").strip()


def _code_choices(allowed):
    return [(c, label) for c, label in codes.choices() if c in allowed]


class AmendMarkForm(Form):
    code = forms.CharField(max_length=3, help_text="The DfE code, for example I, M or O.")
    minutes_late = forms.IntegerField(
        min_value=0, max_value=600, required=False, help_text="Only for L or U."
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), help_text="Kept in the register's history."
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class AbsenceCallForm(OneTimeTokenMixin, Form):
    caller_contact = forms.ModelChoiceField(
        queryset=None, required=False, label="Who called", empty_label="Someone not listed (type their name)"
    )
    caller_name = forms.CharField(max_length=200, required=False, label="Caller's name, if not listed")
    method = forms.ChoiceField(choices=AbsenceCall.Method.choices)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Reason given")
    code = forms.ChoiceField(choices=(), label="Code it becomes")
    first_date = forms.DateField(widget=DateInput(), label="From")
    first_session = forms.ChoiceField(choices=Session.choices, initial=Session.AM)
    last_date = forms.DateField(widget=DateInput(), label="To")
    last_session = forms.ChoiceField(choices=Session.choices, initial=Session.PM)
    expected_return = forms.DateField(widget=DateInput(), required=False)

    def __init__(self, *args, pupil, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caller_contact"].queryset = pupil.contact_links.select_related("contact").all()
        self.fields["caller_contact"].label_from_instance = lambda link: (
            f"{link.contact} ({link.relationship})"
        )
        self.fields["code"].choices = _code_choices(CALL_CODES)

    def clean(self):
        data = super().clean()
        if not data.get("caller_contact") and not (data.get("caller_name") or "").strip():
            self.add_error("caller_name", "Choose a contact or type who called.")
        return data


class LeaveRequestForm(OneTimeTokenMixin, ModelForm):
    class Meta:
        model = LeaveRequest
        fields = [
            "requested_by",
            "start_date",
            "start_session",
            "end_date",
            "end_session",
            "code",
            "reason",
            "retrospective",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "reason": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # C2 stays a model choice for requests made before part-time timetables were kept in the SEND
        # pages; a new request cannot ask for it (attendance.services.leave.C2_REFUSAL says where to go).
        self.fields["code"].choices = [c for c in self.fields["code"].choices if c[0] != "C2"]
        self.fields["code"].help_text = (
            "A part-time timetable (C2) is not leave: the SENDCo or the headteacher records it on the "
            "pupil's SEND page."
        )


class LeaveDecisionForm(Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        label="Note to keep with the decision",
    )


class ImportMarksForm(Form):
    file = forms.FileField(
        label="CSV file", help_text="Columns: upn, date, session, code, minutes_late (optional)."
    )


class PeriodForm(Form):
    start = forms.DateField(widget=DateInput(), required=False, label="From")
    end = forms.DateField(widget=DateInput(), required=False, label="To")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end date must be on or after the start date.")
        return data


class ClosureAddForm(ClosureDayForm):
    """The calendar's closure form, plus the count of marks the person agreed to recode."""

    marks_seen = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


class ReconciliationDayForm(Form):
    """The day to reconcile: today unless another is chosen; never a day still to come."""

    on = forms.DateField(label="Day", widget=DateInput(), required=False)

    def clean_on(self):
        day = self.cleaned_data["on"] or timezone.localdate()
        if day > timezone.localdate():
            raise forms.ValidationError("Choose today or an earlier day.")
        return day
