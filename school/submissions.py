"""One-time tokens for create forms: a resubmit or a double post makes one row, never two.

A create form carries a token made when the page was served (``OneTimeTokenMixin`` adds the hidden
field ``submission_token``). ``submit_once`` claims the token and runs the create in one
transaction; the token is unique, so a second request with the same token waits for the first to
commit, fails on the constraint, and gets the first request's record back instead of a second row:

    obj, created = submit_once(actor=user, token=t, create=lambda: concern_raise(...))   # created
    obj, created = submit_once(actor=user, token=t, create=lambda: concern_raise(...))   # same obj, False

A create that fails validation rolls the claim back too, so the corrected form can be sent again
with the same token. A form posted without a token (a script, not our pages) is not deduplicated.
"""

from __future__ import annotations

import uuid

from django import forms
from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction

from .models import SubmissionToken

FIELD_NAME = "submission_token"
ALREADY_SAVED = "This was already saved when you first sent the form, so it was not saved a second time."


def _existing(token) -> models.Model | None:
    claim = SubmissionToken.objects.filter(token=token).first()
    if claim is None:
        return None
    if not claim.object_type:
        return claim  # a create that returned no record: the claim itself says it was done
    model = apps.get_model(claim.object_type)
    return model._base_manager.filter(pk=claim.object_id).first()


def submit_once(*, actor, token, create):
    """Run `create()` once per token. Returns (object, created)."""
    if not token:
        return create(), True
    try:
        with transaction.atomic():
            claim = SubmissionToken.objects.create(token=token, user=actor)
            obj = create()
            if isinstance(obj, models.Model) and obj.pk is not None:
                claim.object_type, claim.object_id = obj._meta.label_lower, str(obj.pk)
                claim.save(update_fields=["object_type", "object_id"])
            return obj, True
    except IntegrityError:
        # Either our token was already used (the row now exists and is committed) or the create
        # itself broke a constraint, which is not ours to hide.
        if not SubmissionToken.objects.filter(token=token).exists():
            raise
    existing = SubmissionToken.objects.get(token=token)
    if actor is not None and existing.user_id not in (None, actor.pk):
        raise PermissionDenied("This form was sent by someone else.")
    return _existing(token), False


def create_once(request, form, create):
    """For a view: take the token out of the form's cleaned data, run `create(cleaned_data)` once,
    and say so when the form had already been saved. Returns the created (or earlier) object."""
    token = form.cleaned_data.pop(FIELD_NAME, None)
    obj, created = submit_once(actor=request.user, token=token, create=lambda: create(form.cleaned_data))
    if not created:
        messages.info(request, ALREADY_SAVED)
    return obj


class OneTimeTokenMixin:
    """For a create form: a hidden one-time token, fresh each time the empty form is served.

    On a ModelForm editing a saved record it adds nothing (edits are guarded by their version)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk is not None:
            return
        self.fields[FIELD_NAME] = forms.UUIDField(
            widget=forms.HiddenInput, required=False, initial=uuid.uuid4
        )
