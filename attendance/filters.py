"""django-filter sets for the attendance lists. Each takes the school so choices stay in it."""

import django_filters
from django import forms

from school.filters import year_group_choices
from school.models import Pupil, RegistrationClass

from .models import LeaveRequest, RegisterMark


def _styled(filterset):
    """Bootstrap's select styling on every field (django-filter builds plain widgets)."""
    for field in filterset.form.fields.values():
        field.widget.attrs.setdefault("class", "form-select")


class AbsenceListFilter(django_filters.FilterSet):
    severe = django_filters.ChoiceFilter(
        label="Show",
        choices=[
            ("persistent", "Persistent absence (10% or more)"),
            ("severe", "Severe absence (50% or more)"),
        ],
        method="keep",
        empty_label=None,
    )
    year_group = django_filters.ChoiceFilter(choices=[], empty_label="Every year")
    registration_class = django_filters.ModelChoiceFilter(
        queryset=RegistrationClass.objects.none(), empty_label="Every class", label="Class"
    )
    sen_provision = django_filters.ChoiceFilter(
        choices=Pupil._meta.get_field("sen_provision").choices,
        empty_label="Any SEND status",
        label="SEND status",
    )
    pupil_premium = django_filters.BooleanFilter(
        widget=forms.Select(choices=[("", "Any"), ("true", "Yes"), ("false", "No")])
    )

    class Meta:
        model = Pupil
        fields = ["severe", "year_group", "registration_class", "sen_provision", "pupil_premium"]

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["registration_class"].queryset = RegistrationClass.objects.filter(school=school)
        self.filters["year_group"].extra["choices"] = year_group_choices(school)
        _styled(self)

    def keep(self, queryset, name, value):
        return queryset  # read by the view: it chooses the threshold, not the pupils


class NQueueFilter(django_filters.FilterSet):
    registration_class = django_filters.ModelChoiceFilter(
        field_name="pupil__registration_class",
        queryset=RegistrationClass.objects.none(),
        empty_label="Every class",
        label="Class",
    )

    class Meta:
        model = RegisterMark
        fields = ["registration_class"]

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["registration_class"].queryset = RegistrationClass.objects.filter(school=school)
        _styled(self)


class LeaveFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=LeaveRequest.Status.choices, empty_label="Any status")

    class Meta:
        model = LeaveRequest
        fields = ["status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)
