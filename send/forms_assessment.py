"""Forms for EHC needs assessments (send/views/assessments.py)."""

from __future__ import annotations

from django import forms

from school.editing import EditVersionMixin
from school.form_base import Form, ModelForm
from school.forms import DateInput, PupilChoiceField
from school.submissions import OneTimeTokenMixin

from .models_assessment import STEP_CHOICES, EhcNeedsAssessment
from .models_ehcp import LocalAuthority

DATE = DateInput()


class AssessmentStartForm(Form):
    pupil = PupilChoiceField(queryset=None, label="Pupil", empty_label="Choose a pupil")

    def __init__(self, *args, pupils, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = pupils.order_by("legal_last_name", "legal_first_name")  # type: ignore[attr-defined]


class AssessmentOpenForm(OneTimeTokenMixin, ModelForm):
    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["local_authority"].queryset = LocalAuthority.objects.filter(trust_id=school.trust_id)  # type: ignore[attr-defined]

    class Meta:
        model = EhcNeedsAssessment
        fields = ["local_authority", "requested_by", "request_date", "la_received_on", "notes"]
        widgets = {"request_date": DATE, "la_received_on": DATE, "notes": forms.Textarea(attrs={"rows": 2})}


class AssessmentStepsForm(EditVersionMixin, ModelForm):
    class Meta:
        model = EhcNeedsAssessment
        fields = [
            "la_received_on",
            "decision",
            "decided_on",
            "advice_requested_on",
            "advice_sent_on",
            "decision_not_to_issue_on",
            "draft_served_on",
            "comments_sent_on",
            "final_issued_on",
            "notes",
        ]
        widgets = {name: DATE for name in fields if name.endswith("_on")} | {
            "notes": forms.Textarea(attrs={"rows": 2})
        }


class ExceptionForm(OneTimeTokenMixin, Form):
    step = forms.ChoiceField(choices=STEP_CHOICES, label="Step")
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: the local authority asked for advice during the summer closure.",
    )


class EvidencePackForm(OneTimeTokenMixin, Form):
    """The 'Make the evidence pack' button: no fields, only the one-time token, so a double click
    makes one pack (school/submissions.py)."""
