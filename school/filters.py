"""django-filter sets. Views never filter by hand: selectors build these and return the result."""

import django_filters
from django import forms
from django.db.models import Q

from . import policy
from .models import AuditEntry, Pupil, RegistrationClass, YearGroup

FLAG_CHOICES = [(name, Pupil._meta.get_field(name).verbose_name.capitalize()) for name in Pupil.FLAG_FIELDS]


def year_group_choices(school) -> list[tuple[int, str]]:
    """The year groups the school has (a class in it, or a pupil on roll in it), in order, for every
    year filter: a primary school is not offered Year 11. One query. A school with neither yet is
    offered every year group.

    Every list that filters by year takes its choices from here."""
    years = set(
        RegistrationClass.objects.filter(school=school)
        .values_list("year_group", flat=True)
        .union(
            Pupil.objects.filter(school=school, leaving_date__isnull=True).values_list(
                "year_group", flat=True
            )
        )
    )
    if not years:
        return list(YearGroup.choices)
    return [(value, label) for value, label in YearGroup.choices if value in years]


class PupilFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Name or UPN", method="filter_search")
    year_group = django_filters.ChoiceFilter(label="Year", choices=[], empty_label="Any year")
    registration_class = django_filters.ModelChoiceFilter(
        label="Class", queryset=None, empty_label="Any class"
    )
    flags = django_filters.MultipleChoiceFilter(
        label="Has all of", choices=FLAG_CHOICES, method="filter_flags", widget=forms.CheckboxSelectMultiple
    )
    sen_provision = django_filters.ChoiceFilter(
        label="SEN provision", choices=Pupil._meta.get_field("sen_provision").choices, empty_label="Any"
    )
    include_leavers = django_filters.BooleanFilter(
        label="Include pupils no longer on roll", method="filter_noop", widget=forms.CheckboxInput
    )

    class Meta:
        model = Pupil
        fields = ["q", "year_group", "registration_class", "flags", "sen_provision"]

    def __init__(self, *args, user, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["registration_class"].queryset = policy.classes_in_scope(user, school)
        self.filters["year_group"].extra["choices"] = year_group_choices(school)

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # Every word must match some name part, so "ada lov" finds Ada Lovelace.
        words = Q()
        for word in value.split():
            words &= (
                Q(legal_first_name__icontains=word)
                | Q(legal_last_name__icontains=word)
                | Q(preferred_first_name__icontains=word)
                | Q(preferred_last_name__icontains=word)
            )
        return queryset.filter(Q(upn__iexact=value) | words)

    def filter_flags(self, queryset, name, value):
        return queryset.filter(**{flag: True for flag in value if flag in Pupil.FLAG_FIELDS})

    def filter_noop(self, queryset, name, value):
        return queryset  # applied by the selector, which needs the date


class AuditFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(label="Action", choices=[], empty_label="Any action")
    pupil = django_filters.NumberFilter(label="Pupil", widget=forms.HiddenInput)

    class Meta:
        model = AuditEntry
        fields = ["action", "pupil"]

    def __init__(self, *args, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["action"].extra["choices"] = [(a, a) for a in actions]
