"""Forms for EHC plan reviews: field validation only; send/services/reviews.py holds the rules.

A form that moves a review to its next step carries the status the page showed (``expected_status``),
so a step already taken by someone else is refused rather than taken twice (school.editing.ensure_still).
"""

from __future__ import annotations

from django import forms

from school.editing import EditVersionMixin
from school.form_base import Form
from school.forms import DateInput, TimeInput
from school.submissions import OneTimeTokenMixin

from .models import AnnualReview, ReviewInvitee

DATE = DateInput()


class StepForm(Form):
    """Carries the review's status when the page was served."""

    expected_status = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, review: AnnualReview, **kwargs):
        super().__init__(*args, **kwargs)
        self.review = review
        self.fields["expected_status"].initial = review.status

    def clean_expected_status(self):
        return self.cleaned_data.get("expected_status") or None


class MeetingFields(forms.Form):
    meeting_date = forms.DateField(label="Date of the review meeting", widget=DATE)
    meeting_time = forms.TimeField(label="Time", widget=TimeInput())
    meeting_place = forms.CharField(
        label="Place", max_length=200, help_text="For example: the SENDCo's room."
    )


SCHEDULE_KINDS = [
    (AnnualReview.Kind.ANNUAL, "Annual review"),
    (AnnualReview.Kind.PHASE_TRANSFER, "Phase transfer review"),
    (AnnualReview.Kind.EARLY, "Early review"),
    (AnnualReview.Kind.EMERGENCY, "Emergency review"),
    (AnnualReview.Kind.INTERIM, "Interim review"),
]


class ReviewScheduleForm(OneTimeTokenMixin, Form):
    kind = forms.ChoiceField(label="Kind of review", choices=SCHEDULE_KINDS)
    meeting_date = MeetingFields.base_fields["meeting_date"]
    meeting_time = MeetingFields.base_fields["meeting_time"]
    meeting_place = MeetingFields.base_fields["meeting_place"]
    requested_by = forms.CharField(
        label="Asked for by",
        max_length=120,
        required=False,
        help_text="For an early, emergency or interim review: who asked for it.",
    )
    reason = forms.CharField(
        label="Why the review is needed now",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Needed for an early, emergency or interim review.",
    )


class ReviewRequestForm(OneTimeTokenMixin, Form):
    kind = forms.ChoiceField(
        label="Kind of review",
        choices=[(k.value, k.label) for k in AnnualReview.ON_REQUEST_KINDS],
    )
    requested_by = forms.CharField(
        label="Asked for by", max_length=120, help_text="The parents, the school, the local authority..."
    )
    reason = forms.CharField(label="Why the review is needed now", widget=forms.Textarea(attrs={"rows": 3}))


class ReviewMeetingForm(StepForm):
    meeting_date = MeetingFields.base_fields["meeting_date"]
    meeting_time = MeetingFields.base_fields["meeting_time"]
    meeting_place = MeetingFields.base_fields["meeting_place"]


class MeetingMoveForm(StepForm):
    meeting_date = forms.DateField(label="New date of the review meeting", widget=DATE)
    meeting_time = MeetingFields.base_fields["meeting_time"]
    meeting_place = MeetingFields.base_fields["meeting_place"]
    reason = forms.CharField(
        label="Why the meeting moved",
        max_length=300,
        help_text="Kept with the review, for example: the LA officer cannot come that day.",
    )

    def __init__(self, *args, review: AnnualReview, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "meeting_date": review.meeting_date,
                "meeting_time": review.meeting_time,
                "meeting_place": review.meeting_place,
            },
        )
        super().__init__(*args, review=review, **kwargs)


class InviteeForm(OneTimeTokenMixin, Form):
    role = forms.ChoiceField(
        label="Role", choices=[c for c in ReviewInvitee.Role.choices if c[0] != ReviewInvitee.Role.PARENT]
    )
    name = forms.CharField(label="Name", max_length=150)
    organisation = forms.CharField(label="Organisation", max_length=150, required=False)
    email = forms.EmailField(label="E-mail", required=False)
    postal_address = forms.CharField(
        label="Postal address", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class InvitationsForm(StepForm):
    override_reason = forms.CharField(
        label="Reason for giving less than 2 weeks' notice",
        max_length=300,
        required=False,
        help_text="Only when the meeting is less than 2 weeks away; kept with the review.",
    )


class AdviceForm(EditVersionMixin, Form):
    advice_requested_on = forms.DateField(label="Advice asked for on", widget=DATE, required=False)
    advice_circulated_on = forms.DateField(
        label="Advice circulated to everyone invited on", widget=DATE, required=False
    )


class MeetingRecordForm(StepForm):
    pupil_views = forms.CharField(
        label="The pupil's views", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    parent_views = forms.CharField(
        label="The parents' views", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    professional_views = forms.CharField(
        label="Professionals' views", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    recommended_amendments = forms.CharField(
        label="Recommended amendments to the plan", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, outcomes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes = outcomes
        for i, outcome in enumerate(outcomes):
            self.fields[f"progress_{i}"] = forms.CharField(
                label=f"Progress towards: {outcome}",
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
            )

    def clean(self):
        data = super().clean()
        data["outcome_progress"] = [
            {"outcome": outcome, "progress": data.pop(f"progress_{i}", "")}
            for i, outcome in enumerate(self.outcomes)
        ]
        return data


class ReportForm(StepForm):
    report_sent_on = forms.DateField(label="Report sent to everyone invited on", widget=DATE)


class DecisionForm(StepForm):
    la_decision = forms.ChoiceField(
        label="The local authority's decision", choices=AnnualReview.Decision.choices
    )
    la_decision_on = forms.DateField(label="Decided on", widget=DATE)


class AmendedPlanForm(StepForm):
    amended_plan_on = forms.DateField(label="Amended plan issued on", widget=DATE)
