"""django-filter set for the attendance officer's case list. Applied inside selectors.case_list."""

import django_filters
from django import forms

from school import policy
from school.filters import year_group_choices
from school.models import Pupil

from .models import TIER_CHOICES, Case

SEN_CHOICES = Pupil._meta.get_field("sen_provision").choices


class CaseFilter(django_filters.FilterSet):
    tier = django_filters.ChoiceFilter(
        field_name="current_tier", label="Tier", choices=TIER_CHOICES[1:], empty_label="Any tier"
    )
    year_group = django_filters.ChoiceFilter(
        field_name="pupil__year_group", label="Year", choices=[], empty_label="Any year"
    )
    registration_class = django_filters.ModelChoiceFilter(
        field_name="pupil__registration_class", label="Class", queryset=None, empty_label="Any class"
    )
    sen_provision = django_filters.ChoiceFilter(
        field_name="pupil__sen_provision", label="SEND status", choices=SEN_CHOICES, empty_label="Any"
    )
    pupil_premium = django_filters.BooleanFilter(
        field_name="pupil__pupil_premium",
        label="Pupil premium",
        widget=forms.Select(choices=[("", "Any"), ("true", "Yes"), ("false", "No")]),
    )

    class Meta:
        model = Case
        fields = ["tier", "year_group", "registration_class", "sen_provision", "pupil_premium"]

    def __init__(self, *args, user, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["registration_class"].queryset = policy.classes_in_scope(user, school)
        self.filters["year_group"].extra["choices"] = year_group_choices(school)
