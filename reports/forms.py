"""Forms of the reports app: they check shapes; reports/services.py checks the rules and saves."""

from __future__ import annotations

from django import forms

from school.editing import EditVersionMixin
from school.form_base import Form, ModelForm
from school.submissions import OneTimeTokenMixin

from .models import SECTION_FIELDS, SECTIONS, SenInformationReport


def year_choices(today, *, taken=()) -> list[tuple[int, str]]:
    """This academic year and the one before (a report is often written just after the year ends),
    leaving out the years that already have a report.

    >>> from datetime import date
    >>> year_choices(date(2026, 12, 10), taken={2026})
    [(2025, '2025/26')]
    """
    current = today.year if today.month >= 9 else today.year - 1
    return [(year, f"{year}/{(year + 1) % 100:02d}") for year in (current, current - 1) if year not in taken]


class SenInformationReportCreateForm(OneTimeTokenMixin, Form):
    year_start = forms.TypedChoiceField(label="Academic year", coerce=int)

    def __init__(self, *args, today, taken=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year_start"].choices = year_choices(today, taken=taken)


class SenInformationReportForm(EditVersionMixin, ModelForm):
    local_offer_url = forms.URLField(
        label="Link to the local offer",
        max_length=300,
        required=False,
        assume_scheme="https",
        help_text="The web address of the local authority's local offer.",
    )

    class Meta:
        model = SenInformationReport
        fields = [*SECTION_FIELDS[:-1], "local_offer_url", SECTION_FIELDS[-1]]
        widgets = {name: forms.Textarea(attrs={"rows": 6}) for name in SECTION_FIELDS}
        help_texts = {name: hint for name, _heading, hint in SECTIONS}


class SenInformationReportPublishForm(Form):
    note = forms.CharField(
        label="Why is it being published again?",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed from the second version on: parents and governors see it beside the version.",
    )
