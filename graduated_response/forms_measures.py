"""Forms for the formal measures on a case. They check types and shapes; the services in
graduated_response/measures.py check the rules (their errors are shown beside these fields)."""

from django import forms

from school.editing import EditVersionMixin
from school.form_base import Form, ModelForm
from school.forms import DateInput
from school.submissions import OneTimeTokenMixin

from . import transitions
from .models_measures import AttendanceContract, LegalStep, MeasureReview, NoticeToImprove

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class ContractForm(OneTimeTokenMixin, ModelForm):
    status = forms.ChoiceField(
        label="Status",
        choices=[
            ("proposed", "Proposed (offered to the family)"),
            ("agreed", "Agreed with the parents present"),
        ],
    )
    review_1 = forms.DateField(label="Review 1", required=False, widget=DateInput())
    review_2 = forms.DateField(label="Review 2", required=False, widget=DateInput())
    review_3 = forms.DateField(label="Review 3", required=False, widget=DateInput())

    class Meta:
        model = AttendanceContract
        fields = [
            "parties",
            "reasons_given",
            "parent_requirements",
            "school_requirements",
            "pupil_requirements",
            "support_offered",
            "start_on",
            "duration_months",
        ]
        widgets = {
            "start_on": DateInput(),
            **{
                n: forms.Textarea(attrs={"rows": 3})
                for n in (
                    "parties",
                    "reasons_given",
                    "parent_requirements",
                    "school_requirements",
                    "pupil_requirements",
                    "support_offered",
                )
            },
        }

    def review_dates(self):
        return [d for d in (self.cleaned_data.get(f"review_{i}") for i in (1, 2, 3)) if d]


class ContractEditForm(EditVersionMixin, ModelForm):
    new_review_on = forms.DateField(label="Add a review date (optional)", required=False, widget=DateInput())

    class Meta(ContractForm.Meta):
        pass


class _MoveForm(Form):
    """A status change from the state the page showed (school.editing.ensure_still)."""

    table = transitions.CONTRACT
    to = forms.ChoiceField(label="Change to")
    reason = forms.CharField(label="Note", required=False, max_length=1000)
    expected_status = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, current_status: str, read_status=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._read_status = read_status
        seen = self.data.get(self.add_prefix("expected_status")) if self.is_bound else None
        shown = seen if seen in self.table.labels else current_status
        self._offer(shown)
        self.fields["expected_status"].initial = current_status

    def _offer(self, status):
        self.fields["to"].choices = [(s, self.table.label(s)) for s in self.table.next_states(status)]

    def after_stale(self):
        current = self._read_status() if self._read_status else None
        if current is None:
            return
        self.data = self.data.copy()
        self.data[self.add_prefix("expected_status")] = current
        self._offer(current)


class ContractMoveForm(_MoveForm):
    table = transitions.CONTRACT


class LegalStepMoveForm(_MoveForm):
    table = transitions.LEGAL_STEP


class ReviewForm(EditVersionMixin, ModelForm):
    class Meta:
        model = MeasureReview
        fields = ["held_on", "outcome"]
        widgets = {"held_on": DateInput(), "outcome": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].required = True
        self.fields["outcome"].required = True


class NoticeToImproveForm(OneTimeTokenMixin, ModelForm):
    produce_letters = forms.BooleanField(
        label="Prepare the notice letter to each parent now",
        required=False,
        initial=True,
        help_text="One letter per home address, from the school's notice to improve template.",
    )

    class Meta:
        model = NoticeToImprove
        fields = [
            "issued_on",
            "period_start",
            "period_end",
            "record",
            "support_offered",
            "sufficient_improvement",
        ]
        widgets = {
            "issued_on": DateInput(),
            "period_start": DateInput(),
            "period_end": DateInput(),
            "record": forms.Textarea(attrs={"rows": 3}),
            "support_offered": forms.Textarea(attrs={"rows": 3}),
            "sufficient_improvement": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"period_end": "The improvement period is 3 to 6 weeks (21 to 42 days)."}


class NoticeOutcomeForm(Form):
    outcome = forms.ChoiceField(
        choices=[
            ("improved", "Improved"),
            ("not_improved", "Not improved: consider a penalty notice"),
            ("withdrawn", "Withdrawn"),
        ]
    )
    note = forms.CharField(
        label="Note", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    expected_status = forms.CharField(widget=forms.HiddenInput, initial="in_period")


class PenaltyNoticeForm(OneTimeTokenMixin, Form):
    parent = forms.ModelChoiceField(
        label="Parent",
        queryset=None,
        help_text="Each parent with parental responsibility is counted separately.",
    )
    issued_on = forms.DateField(label="Issued on", widget=DateInput())
    sent_by = forms.ChoiceField(
        label="Sent by",
        choices=[("post", "First-class post"), ("hand", "By hand")],
        help_text="Used to work out when it is deemed received, if you leave the next date empty.",
    )
    received_on = forms.DateField(label="Received on (optional)", required=False, widget=DateInput())
    reference = forms.CharField(label="Local authority's reference (optional)", required=False, max_length=50)

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents


class ReceiptForm(EditVersionMixin, Form):
    received_on = forms.DateField(label="Received on", widget=DateInput())


class PaymentForm(Form):
    paid_on = forms.DateField(label="Paid on", widget=DateInput())
    amount = forms.DecimalField(label="Amount paid (£)", min_value=1, max_digits=6, decimal_places=2)
    expected_status = forms.CharField(widget=forms.HiddenInput, initial="issued")


class UnpaidForm(Form):
    on = forms.DateField(label="Recorded as unpaid on", widget=DateInput())
    expected_status = forms.CharField(widget=forms.HiddenInput, initial="issued")


class WithdrawNoticeForm(Form):
    reason = forms.CharField(
        label="Why it is withdrawn", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    expected_status = forms.CharField(widget=forms.HiddenInput)


class ProsecuteForm(Form):
    on = forms.DateField(label="Referred on", widget=DateInput())
    notes = forms.CharField(
        label="Notes", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    expected_status = forms.CharField(widget=forms.HiddenInput, initial="unpaid")


class LegalStepForm(OneTimeTokenMixin, ModelForm):
    status = forms.ChoiceField(
        choices=[("proposed", "Being considered"), ("active", "Made (an order) or referred (prosecution)")]
    )

    class Meta:
        model = LegalStep
        fields = ["kind", "started_on", "ends_on", "next_review_on", "notes"]
        widgets = {
            "started_on": DateInput(),
            "ends_on": DateInput(),
            "next_review_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "ends_on": "An education supervision order lasts one year unless you give another date; "
            "reviews every 3 months are added.",
        }


class ExtendForm(EditVersionMixin, Form):
    ends_on = forms.DateField(label="Extend to", widget=DateInput())
