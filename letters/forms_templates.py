"""Forms of the template editor and the letterhead settings."""

from __future__ import annotations

from django import forms

from school.form_base import Form
from school.forms import pupil_label

from .template_services import LANGUAGES, check_text


class TemplateVersionForm(Form):
    subject = forms.CharField(max_length=200, help_text="The letter's heading. Merge fields may be used.")
    body_html = forms.CharField(
        label="Letter text",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 14, "data-trix-source": "1"}),
        help_text="Type merge fields in curly brackets, for example {pupil_first_name}.",
    )
    expected_number = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        # An unknown merge field is refused here, beside its field, before anything is saved.
        for field, messages in check_text(
            subject=data.get("subject", ""), body_html=data.get("body_html", "")
        ).items():
            for message in messages:
                self.add_error(field, message)
        return data


class TranslationStartForm(Form):
    language = forms.ChoiceField(
        choices=[(lang, lang) for lang in LANGUAGES if lang != "English"],
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class PreviewForm(TemplateVersionForm):
    pupil = forms.TypedChoiceField(coerce=int, label="Preview with this pupil")
    language = forms.ChoiceField(choices=[(lang, lang) for lang in LANGUAGES], required=False)

    def __init__(self, *args, pupils=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupil"].choices = [(p.pk, pupil_label(p)) for p in pupils]


class LetterheadForm(Form):
    address = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=500, required=False)
    signatory_name = forms.CharField(max_length=200, required=False, label="Who signs letters")
    signatory_role = forms.CharField(max_length=200, required=False, label="Their role")
    contact_line = forms.CharField(
        max_length=300, required=False, help_text="Telephone, e-mail and website, shown at the foot."
    )
    attendance_target = forms.DecimalField(
        min_value=0,
        max_value=100,
        decimal_places=1,
        label="Attendance target (%)",
        help_text="Shown on the termly report beside each child's attendance.",
    )
    logo = forms.FileField(required=False, help_text="A PNG or JPEG, smaller than 200 KB.")
    remove_logo = forms.BooleanField(required=False, label="Remove the logo")
