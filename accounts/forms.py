from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

from school import editing
from school.editing import EditVersionMixin
from school.form_base import Form, ModelForm
from school.forms import DateInput

from . import record_request_status
from .models import LegalHold, RecordItemDecision, RecordRequest


class CodeForm(Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split())


class EnrolForm(CodeForm):
    code = forms.CharField(
        label="Code from your app",
        max_length=10,
        help_text="Scan the QR code (or type the key), then enter the 6-digit code your app shows.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class LegalHoldForm(ModelForm):
    """Places a hold. It carries the version of the pupil's holds when it was opened (0 for none), so
    a hold someone else placed or lifted meanwhile is shown rather than silently added to
    (school.editing). EditVersionMixin cannot carry it: before the first hold there is no record."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    class Meta:
        model = LegalHold
        fields = ["reason"]
        help_texts = {"reason": "For example: a claim, an inquiry or a tribunal that needs these records."}

    def __init__(self, *args, holds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[editing.FIELD_NAME].initial = editing.current_version(*holds)


class RetentionDeleteForm(Form):
    confirm = forms.BooleanField(
        label="I understand this permanently deletes this pupil's records from the system.", required=True
    )


class SignInForm(AuthenticationForm):
    """Django's sign-in form, but an over-long username is refused before anyone tries to log in
    with it (Django sets max_length on the field without adding a validator, and the lockout
    records store at most 255 characters)."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        limit = self.fields["username"].max_length or 150
        self.fields["username"].validators.append(MaxLengthValidator(limit))


class RecordRequestForm(EditVersionMixin, ModelForm):
    class Meta:
        model = RecordRequest
        fields = ["kind", "requester_name", "requester_relationship", "received_on", "identity_checked"]
        widgets = {"received_on": DateInput()}
        help_texts = {
            "received_on": "The day the written request reached the school. The deadline counts from it.",
        }

    def _post_clean(self):
        pass  # the service validates the whole request (and works out the due date)


class RecordRequestExtendForm(Form):
    reason = forms.CharField(
        label="Why the request is complex",
        max_length=500,
        help_text="The law allows two further months only for a complex request. Tell the requester why.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RecordRequestMoveForm(Form):
    to_status = forms.ChoiceField(
        label="New status", choices=(), widget=forms.Select(attrs={"class": "form-select"})
    )
    note = forms.CharField(
        label="Note",
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "aria-describedby": "move-note-help"}),
        help_text="Required when refusing: the reason you give the requester.",
    )

    # The status this form was opened at: a move someone else made since is refused (school.editing).
    expected_status = forms.ChoiceField(
        choices=record_request_status.CHOICES, required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, current_status: str, **kwargs):
        super().__init__(*args, **kwargs)
        seen = self.data.get(self.add_prefix("expected_status")) if self.is_bound else None
        # Offer the moves from the status the user saw, so a stale form reaches the service, which
        # says who moved the request, instead of failing as "not one of the choices".
        shown = seen if seen in record_request_status.LABELS else current_status
        allowed = record_request_status.STATUS.next_states(shown)
        self.fields["to_status"].choices = [(s, record_request_status.LABELS[s]) for s in allowed]
        self.fields["expected_status"].initial = current_status


class RecordItemDecisionForm(Form):
    item_key = forms.CharField(max_length=100, widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=RecordItemDecision.Decision.choices, widget=forms.RadioSelect)
    # The decision the page showed ("" for none yet): a decision someone else made since is refused.
    expected_decision = forms.ChoiceField(
        choices=[("", "None"), *RecordItemDecision.Decision.choices], required=False, widget=forms.HiddenInput
    )

    def clean_expected_decision(self):
        # None when the field was not posted at all (a caller that is not the page): nothing to check.
        if self.add_prefix("expected_decision") not in self.data:
            return None
        return self.cleaned_data["expected_decision"]
