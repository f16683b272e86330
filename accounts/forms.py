from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

from school.form_base import Form, ModelForm

from .models import LegalHold


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
    class Meta:
        model = LegalHold
        fields = ["reason"]
        help_texts = {"reason": "For example: a claim, an inquiry or a tribunal that needs these records."}


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
