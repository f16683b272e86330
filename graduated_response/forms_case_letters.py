"""The case page's "Prepare letters" form (graduated_response/views_case_letters.py)."""

from django import forms

from school.form_base import Form
from school.submissions import OneTimeTokenMixin

from .case_letters import CASE_PAGE_CODES


class CaseLettersForm(OneTimeTokenMixin, Form):
    """A create form: its one-time token makes a double submit prepare one set of letters."""

    code = forms.ChoiceField(label="Letter", choices=list(CASE_PAGE_CODES.items()))
    trigger = forms.CharField(
        label="Why it is going (shown in the communication log)",
        max_length=200,
        help_text="For example: entered Tier 2 on 3 Nov.",
    )
