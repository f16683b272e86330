"""Forms for attendance pages. The register itself has one row per pupil, parsed by ``parse_register``."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from school.form_base import Form, ModelForm
from school.forms import ClosureDayForm, DateInput
from school.models import Contact, Session
from school.submissions import OneTimeTokenMixin

from . import codes
from .models import AbsenceCall, CallAttempt, LeaveRequest
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
            problem = minutes_problem(raw_minutes)
            if problem:
                errors.setdefault(pupil_id, []).append(problem)
            else:
                minutes = int(raw_minutes)
        entries.append(RegisterEntry(pupil_id=pupil_id, code=code, minutes_late=minutes))
    return entries, versions, errors, (data.get("reason") or "").strip()


#: The most minutes late a register accepts: a whole school day.
MAX_MINUTES_LATE = 600


def minutes_problem(raw: str) -> str | None:
    """What is wrong with the minutes late typed, in words the person can act on (None if nothing).

    >>> minutes_problem("12") is None
    True
    >>> minutes_problem("-5")
    'Minutes late cannot be negative (you typed -5).'
    >>> minutes_problem("900")
    'Minutes late can be at most 600 (10 hours); you typed 900.'
    >>> minutes_problem("ten")
    'Minutes late must be a whole number, such as 10 (you typed ten).'
    """
    text = raw.strip()
    if text.startswith("-") and text[1:].isdigit():
        return f"Minutes late cannot be negative (you typed {text})."
    if not text.isdigit():
        return f"Minutes late must be a whole number, such as 10 (you typed {text[:10]})."
    if int(text) > MAX_MINUTES_LATE:
        return f"Minutes late can be at most {MAX_MINUTES_LATE} (10 hours); you typed {int(text)}."
    return None


def _code_choices(allowed):
    return [(c, label) for c, label in codes.choices() if c in allowed]


class AmendMarkForm(Form):
    code = forms.CharField(max_length=3, help_text="The DfE code, for example I, M or O.")
    minutes_late = forms.IntegerField(
        min_value=0,
        max_value=600,
        required=False,
        help_text="Only for L or U.",
        error_messages={
            "min_value": "Minutes late cannot be negative.",
            "max_value": "Minutes late can be at most 600 (10 hours).",
            "invalid": "Minutes late must be a whole number, such as 10.",
        },
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
        # The office rings the priority-1 contact first, so that is who usually called back.
        if not self.is_bound:
            first = self.fields["caller_contact"].queryset.order_by("priority", "id").first()
            if first is not None:
                self.initial.setdefault("caller_contact", first.pk)

    def clean(self):
        data = super().clean()
        if not data.get("caller_contact") and not (data.get("caller_name") or "").strip():
            self.add_error("caller_name", "Choose a contact or type who called.")
        return data


class CallAttemptForm(OneTimeTokenMixin, Form):
    """One click on the first-day calls list: the contact rung, what happened, the day of absence."""

    contact = forms.ModelChoiceField(queryset=None)
    outcome = forms.ChoiceField(choices=CallAttempt.Outcome.choices)
    absence_date = forms.DateField(widget=DateInput())

    def __init__(self, *args, pupil, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = Contact.objects.filter(pupil_links__pupil=pupil)


class NConvertForm(Form):
    """The N queue's bulk change to O: the absences ticked and the reason kept with each amendment."""

    absence = forms.MultipleChoiceField(
        choices=(),
        label="Absences to change to O",
        error_messages={"required": "Tick at least one absence to change to O."},
    )
    reason = forms.CharField(max_length=500, label="Reason kept in the register's history")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each box carries the ids of one absence's N marks ("12,13"); the service checks each mark.
        self.fields["absence"].choices = [(v, v) for v in self.data.getlist("absence")] if self.data else []

    def clean_absence(self):
        ids = []
        for value in self.cleaned_data["absence"]:
            for part in value.split(","):
                if not part.isdigit():
                    raise forms.ValidationError("Tick the absences again: one of them was not understood.")
                ids.append(int(part))
        return ids


class LeaveRequestForm(OneTimeTokenMixin, ModelForm):
    class Meta:
        model = LeaveRequest
        fields = [
            "requested_by_contact",
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

    def __init__(self, *args, pupil=None, **kwargs):
        super().__init__(*args, **kwargs)
        contact = self.fields["requested_by_contact"]
        links = pupil.contact_links.select_related("contact").order_by("priority", "id") if pupil else []
        contact.queryset = Contact.objects.filter(pk__in=[link.contact_id for link in links])
        names = {link.contact_id: f"{link.contact} ({link.relationship})" for link in links}
        contact.label_from_instance = lambda c: names.get(c.pk, str(c))
        contact.empty_label = "Someone not listed (type their name)"
        if links and not self.is_bound:
            self.initial.setdefault("requested_by_contact", links[0].contact_id)
        self.fields["requested_by"].required = False
        # C2 stays a model choice for requests made before part-time timetables were kept in the SEND
        # pages; a new request cannot ask for it (attendance.services.leave.C2_REFUSAL says where to go).
        self.fields["code"].choices = [c for c in self.fields["code"].choices if c[0] != "C2"]
        self.fields["code"].help_text = (
            "A part-time timetable (C2) is not leave: the SENDCo or the headteacher records it on the "
            "pupil's SEND page."
        )

    def clean(self):
        data = super().clean()
        if not data.get("requested_by_contact") and not (data.get("requested_by") or "").strip():
            self.add_error("requested_by", "Choose the contact asking, or type their name.")
        return data


class LeaveDecisionForm(Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        label="Note to keep with the decision",
    )


class ImportMarksForm(OneTimeTokenMixin, Form):
    """A marks file to import; its one-time token makes a double click one import, not two."""

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
