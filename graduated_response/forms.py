from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone

from school.editing import EditVersionMixin
from school.form_base import Form, ModelForm
from school.forms import DateInput
from school.models import Membership
from school.submissions import OneTimeTokenMixin

from .models import TIER_CHOICES, CommunicationLog, TierAction


class CommunicationLogForm(OneTimeTokenMixin, ModelForm):
    class Meta:
        model = CommunicationLog
        fields = ["kind", "happened_on", "with_whom", "summary"]
        widgets = {
            "happened_on": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_happened_on(self):
        day = self.cleaned_data["happened_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future.")
        return day


class ActionDoneForm(Form):
    note = forms.CharField(required=False, max_length=2000, label="Note (optional)")


class TierBandsForm(EditVersionMixin, Form):
    """One From/To pair per tier; the service checks that bands tile 0.0-100.0."""

    min_possible_sessions = forms.IntegerField(
        label="Minimum possible sessions before a pupil is placed in a tier", min_value=1, max_value=400
    )
    step_down_weeks = forms.IntegerField(
        label="School weeks in a better band before a case steps down", min_value=1, max_value=20
    )
    # Left out of a post (an older page), the school's setting stays as it is.
    ehcp_review_from_tier = forms.TypedChoiceField(
        label="Ask for an early review of an EHC plan when attendance falls into",
        choices=[(tier, f"Tier {tier} or worse") for tier in range(1, 6)],
        coerce=int,
        required=False,
        empty_value=None,
        help_text="When a pupil with an EHC plan enters this tier or a worse one, the nightly checks ask "
        "for an early review of the plan. Moves between better tiers ask for nothing.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for tier, label in TIER_CHOICES:
            for end in ("low", "high"):
                self.fields[f"tier_{tier}_{end}"] = forms.DecimalField(
                    label=f"{label} {'from' if end == 'low' else 'to'} (%)",
                    min_value=Decimal("0.0"),
                    max_value=Decimal("100.0"),
                    decimal_places=1,
                    max_digits=4,
                )

    def tier_rows(self):
        return [
            {"tier": tier, "label": label, "low": self[f"tier_{tier}_low"], "high": self[f"tier_{tier}_high"]}
            for tier, label in TIER_CHOICES
        ]

    def ranges(self):
        return {
            tier: (self.cleaned_data[f"tier_{tier}_low"], self.cleaned_data[f"tier_{tier}_high"])
            for tier, _ in TIER_CHOICES
        }


class TierActionForm(EditVersionMixin, OneTimeTokenMixin, ModelForm):
    """One checklist action. Several of these sit on one page, so each gets its own prefix (which
    keeps the ids unique) from the view: ``add-<tier>`` or ``action-<pk>``."""

    class Meta:
        model = TierAction
        fields = ["text", "responsible_role", "target_school_days", "order"]
        labels = {
            "text": "What should be done",
            "responsible_role": "Who does it",
            "target_school_days": "Within (school days)",
            "order": "Position in the list",
        }
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        from .services import ASSIGNABLE_ROLES, MAX_TARGET_SCHOOL_DAYS

        super().__init__(*args, **kwargs)
        self.fields["responsible_role"].choices = [(r.value, r.label) for r in ASSIGNABLE_ROLES]
        days = self.fields["target_school_days"]
        # Replace the model field's own bounds (0 and the database's largest integer), so a bad value
        # gets one message that says what is allowed, not two that disagree.
        days.validators = [MinValueValidator(1), MaxValueValidator(MAX_TARGET_SCHOOL_DAYS)]
        days.widget.attrs.update(min=1, max=MAX_TARGET_SCHOOL_DAYS)
        order = self.fields["order"]
        order.validators = [MinValueValidator(0), MaxValueValidator(999)]
        order.widget.attrs.update(min=0, max=999)
        order.required = False
        order.help_text = "Lower numbers come first; leave empty to keep its place, or to add it at the end."

    def clean_order(self):
        order = self.cleaned_data["order"]
        if order is None and self.instance.pk:
            return self.instance.order  # editing: an empty position keeps the action where it is
        return order


class KeyAdultForm(EditVersionMixin, Form):
    cases = forms.ModelMultipleChoiceField(queryset=None, widget=forms.MultipleHiddenInput)
    key_adult = forms.ModelChoiceField(
        queryset=None,
        label="Key adult",
        empty_label="Choose…",
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, cases, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = cases
        from school.models import User

        staff_ids = (
            Membership.objects.filter(school=school, is_active=True)
            .exclude(role="governor")
            .values("user_id")
        )
        self.fields["key_adult"].queryset = User.objects.filter(pk__in=staff_ids).order_by(
            "last_name", "first_name"
        )


class AlertsForm(Form):
    alerts = forms.ModelMultipleChoiceField(
        queryset=None, error_messages={"required": "Choose at least one alert."}
    )

    outcome = forms.CharField(
        label="What was done",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=(
            "For example: LA told on 2 Dec by phone. Needed for no contact, 10 continuous days and "
            "15 days of illness."
        ),
    )

    def __init__(self, *args, alerts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["alerts"].queryset = alerts
