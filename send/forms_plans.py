"""Forms for EHC plans, local authorities and Section F lines: field shapes only; the services in
send/services/ehc_plans.py hold the rules."""

from __future__ import annotations

from django import forms
from django.conf import settings

from school.editing import EditVersionMixin
from school.form_base import Form, ModelForm, apply_text_rules
from school.forms import DateInput, PupilChoiceField
from school.submissions import OneTimeTokenMixin

from . import register_status
from .models import EhcPlan, Intervention, LocalAuthority, PlanProvisionLine

DATE = DateInput()
SECTION_TEXT = {
    name: forms.Textarea(attrs={"rows": 4})
    for name in ("needs_summary", "outcomes", "provision_summary", "health_and_care")
}
# A plan's sections run to pages; the paragraph default of the form base is too short for them.
SECTION_CHARS = 20_000


def _section_fields(form) -> None:
    for name in SECTION_TEXT:
        model_field = EhcPlan._meta.get_field(name)
        form.fields[name] = forms.CharField(
            label=model_field.verbose_name[0].upper() + model_field.verbose_name[1:],
            required=False,
            max_length=SECTION_CHARS,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=(
                "The plan's summary. Add each piece of provision as a Section F line on the plan's page, "
                "so its delivery can be checked."
                if name == "provision_summary"
                else ""
            ),
        )
        apply_text_rules(form.fields[name])


def _document_field(label: str) -> forms.FileField:
    limit = settings.MAX_UPLOAD_BYTES // (1024 * 1024) or 1
    return forms.FileField(
        label=label,
        required=False,
        help_text=f"The final plan as the local authority sent it: PDF, Word (.docx), JPEG or PNG, up to {limit} MB.",
    )


class LocalAuthorityForm(EditVersionMixin, OneTimeTokenMixin, ModelForm):
    class Meta:
        model = LocalAuthority
        fields = ["name", "sen_team_email", "sen_team_phone"]

    def _post_clean(self):
        # The service checks the name is unique in the trust and saves.
        pass


class EhcPlanForm(OneTimeTokenMixin, ModelForm):
    """Record a final plan. The pupil list holds pupils in the user's scope without a plan in force."""

    pupil = PupilChoiceField(queryset=None, label="Pupil")
    document_file = _document_field("Plan document (optional)")

    class Meta:
        model = EhcPlan
        fields = [
            "local_authority",
            "la_officer_name",
            "la_officer_email",
            "issue_date",
            "needs_summary",
            "outcomes",
            "provision_summary",
            "health_and_care",
            "annual_funding",
            "funding_notes",
        ]
        widgets = {"issue_date": DATE, **SECTION_TEXT}

    def __init__(self, *args, pupils, trust, **kwargs):
        super().__init__(*args, **kwargs)
        _section_fields(self)
        self.fields["pupil"].queryset = pupils
        self.fields["local_authority"].queryset = LocalAuthority.objects.filter(trust=trust)
        self.fields[
            "issue_date"
        ].help_text = "The date on the final plan. The register shows EHC plan from this date."
        self.order_fields(["pupil"])

    def _post_clean(self):
        pass


class EhcPlanEditForm(EditVersionMixin, ModelForm):
    document_file = _document_field("Replace the plan document (optional)")

    class Meta:
        model = EhcPlan
        fields = [
            "local_authority",
            "la_officer_name",
            "la_officer_email",
            "needs_summary",
            "outcomes",
            "provision_summary",
            "health_and_care",
            "annual_funding",
            "funding_notes",
        ]
        widgets = SECTION_TEXT

    def __init__(self, *args, trust, **kwargs):
        super().__init__(*args, **kwargs)
        _section_fields(self)
        self.fields["local_authority"].queryset = LocalAuthority.objects.filter(trust=trust)

    def _post_clean(self):
        pass


class EhcPlanCeaseForm(Form):
    ceased_on = forms.DateField(label="Date the plan ceased", widget=DATE)
    reason = forms.CharField(label="Why the plan ceased", max_length=300)
    then_status = forms.ChoiceField(
        label="The pupil's register status from that date",
        choices=[
            (register_status.SEN_SUPPORT, "SEN support"),
            (register_status.REMOVED, "Removed from the register (needs met; monitored)"),
        ],
        widget=forms.RadioSelect,
        initial=register_status.SEN_SUPPORT,
    )


class PlanLineForm(EditVersionMixin, OneTimeTokenMixin, ModelForm):
    class Meta:
        model = PlanProvisionLine
        fields = [
            "description",
            "sessions_per_week",
            "minutes_per_session",
            "weeks_per_year",
            "delivered_by",
            "interventions",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "interventions": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interventions"].queryset = Intervention.objects.filter(school=school).order_by("name")

    def _post_clean(self):
        pass
