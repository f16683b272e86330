"""The base of every form in the project: the text rules of school/text_input.py, applied once.

Every text field (forms.CharField and its subclasses, including a model TextField's) gets:
- a maximum length: the model's, or MAX_PARAGRAPH for a paragraph box and MAX_LINE for a one-line
  box when nothing else says; refused beside the field in plain English when exceeded;
- the maximum shown beside it ("Up to 2,000 characters.");
- bidirectional-override characters stripped from what was typed (they could make a printed name or
  address read as something else), except fields that refuse them instead (usernames).
Password boxes and hidden values are left exactly as they came.

tests/school/test_text_limits.py checks that every form class in the project inherits from here.
"""

from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator

from .text_input import (
    MAX_LINE,
    MAX_PARAGRAPH,
    length_hint,
    refuse_bidi_controls,
    strip_bidi_controls,
    too_long_message,
)

# What is typed as a secret stays exactly as typed; hidden values are the page's own, not typed text.
UNTOUCHED_WIDGETS = (forms.PasswordInput, forms.HiddenInput)


def _limit_for(field: forms.CharField) -> int:
    if field.max_length is not None:
        return int(field.max_length)
    return MAX_PARAGRAPH if isinstance(field.widget, forms.Textarea) else MAX_LINE


def _stripping(to_python):
    def to_python_without_bidi(value):
        value = to_python(value)
        return strip_bidi_controls(value) if isinstance(value, str) else value

    return to_python_without_bidi


def apply_text_rules(field: forms.Field) -> None:
    if not isinstance(field, forms.CharField) or isinstance(field.widget, UNTOUCHED_WIDGETS):
        return
    limit = _limit_for(field)
    field.max_length = limit
    field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
    field.validators.append(
        MaxLengthValidator(limit, message=too_long_message(limit)[:-1] + " (it has %(show_value)d).")
    )
    field.widget.attrs.update(field.widget_attrs(field.widget))
    hint = length_hint(limit)
    if hint not in str(field.help_text):
        text = str(field.help_text).strip()
        if text and text[-1] not in ".?!":  # "For example: Mother, both parents. Up to 200 characters."
            text += "."
        field.help_text = f"{text} {hint}".strip()
    if refuse_bidi_controls not in field.validators:
        field.to_python = _stripping(field.to_python)


class TextRules:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            apply_text_rules(field)


class Form(TextRules, forms.Form):
    pass


class ModelForm(TextRules, forms.ModelForm):
    pass
