"""The SEN register list's filter form (send/views/register_list.py): field validation only."""

from __future__ import annotations

from django import forms

from school.form_base import Form
from school.models import YearGroup

from . import cycle_stages, needs, register_status
from .selectors_register import NO_CYCLE, NO_NEED, REVIEW_WINDOWS, SORTS, RegisterFilters

STATUS_CHOICES = [
    ("", "Every status"),
    ("on_register", "On the register (SEN support or EHC plan)"),
    *register_status.STATUS_CHOICES,
]


class RegisterFilterForm(Form):
    status = forms.ChoiceField(label="Status", choices=STATUS_CHOICES, required=False)
    need = forms.ChoiceField(label="Need", required=False)
    registration_class = forms.ModelChoiceField(
        label="Class", queryset=None, required=False, empty_label="All classes"
    )
    year_group = forms.TypedChoiceField(label="Year", required=False, coerce=int, empty_value=None)
    stage = forms.ChoiceField(
        label="Cycle stage",
        required=False,
        choices=[
            ("", "Any stage"),
            *[(s, label) for s, label in cycle_stages.STAGE_CHOICES if s != cycle_stages.CLOSED],
            (NO_CYCLE, "No open cycle"),
        ],
    )
    review = forms.ChoiceField(
        label="Next review", required=False, choices=[("", "Any date"), *REVIEW_WINDOWS.items()]
    )
    intervention = forms.ModelChoiceField(
        label="Provision", queryset=None, required=False, empty_label="Any provision"
    )
    pupil_premium = forms.BooleanField(label="Pupil premium", required=False)
    looked_after = forms.BooleanField(label="Looked after", required=False)
    sort = forms.ChoiceField(
        label="Sort by", required=False, choices=[(k, label) for k, (label, _) in SORTS.items()]
    )

    def __init__(self, *args, classes, interventions, year_groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registration_class"].queryset = classes
        self.fields["intervention"].queryset = interventions
        # Only the school's own year groups: a primary school is not offered Year 11.
        self.fields["year_group"].choices = [("", "All years")] + [
            (y, YearGroup(y).label) for y in year_groups
        ]
        self.fields["need"].choices = [
            ("", "Any need"),
            *[(code, f"{code}: {label}") for code, label, _ in needs.NEED_TYPES],
            (NO_NEED, "No need recorded"),
        ]

    def filters(self) -> RegisterFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return RegisterFilters(
            status=data.get("status") or "",
            need=data.get("need") or "",
            registration_class_id=getattr(data.get("registration_class"), "pk", None),
            year_group=data.get("year_group"),
            stage=data.get("stage") or "",
            review=data.get("review") or "",
            intervention_id=getattr(data.get("intervention"), "pk", None),
            pupil_premium=bool(data.get("pupil_premium")),
            looked_after=bool(data.get("looked_after")),
            sort=data.get("sort") or "name",
        )

    def described(self) -> list[str]:
        """The filters in force, in words, for the PDF's heading ("Status: Monitoring")."""
        out = []
        for name, bound in ((n, self[n]) for n in self.fields if n != "sort"):
            value = self.cleaned_data.get(name)
            if value in (None, "", False):
                continue
            field = self.fields[name]
            if isinstance(field, forms.BooleanField):
                out.append(field.label)
            elif isinstance(field, forms.ModelChoiceField):
                out.append(f"{field.label}: {value}")
            else:
                out.append(f"{field.label}: {dict(field.choices).get(bound.data, value)}")
        return out
