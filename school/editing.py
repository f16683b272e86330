"""Stale saves are refused: the one mechanism for every edit form of an existing record.

The version of a record is the id of the latest audit row that changed it. Every change to a record
about a child is audited in the same transaction as the change (school.audit), so a newer audit row
means exactly "someone saved this after you opened the form", and the row says who, when and what.
No schema change is needed, and every model that is audited takes part.

An edit form carries the version it was opened at (``EditVersionMixin`` adds the hidden field
``expected_version``); the edit service calls ``ensure_unchanged(obj, expected_version=...)`` first,
inside its transaction. That locks the row (SELECT ... FOR UPDATE), so of two saves at once the
second waits for the first to commit and then sees its audit row:

    form = TargetForm(instance=target)            # expected_version = latest audit id, e.g. 41
    ...                                           # Jane saves the target: audit row 42
    target_save(..., instance=target, expected_version=41)
    -> StaleEdit: "Someone else changed this while you were editing: Jane Smith (SENDCo) at 10:42
       changed Target from 'Read 10 words' to 'Read 20 words'. Your changes were not saved; ..."

The refused form is shown again with the user's own values and the new version, so saving again
after checking is a deliberate choice to overwrite.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Max, Model, Q
from django.utils import timezone

from .models import AuditEntry

FIELD_NAME = "expected_version"
MAX_VALUE_CHARS = 80
MAX_FIELDS_NAMED = 4


def _rows_for(objs) -> Q:
    match = Q(pk__in=[])
    for obj in objs:
        match |= Q(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    # Views and downloads of a record are audited too, with neither before nor after: not changes.
    return match & (Q(sealed_before__isnull=False) | Q(sealed_after__isnull=False))


def current_version(*objs: Model) -> int:
    """The id of the latest audit row that changed any of `objs` (0 if none has been audited)."""
    saved = [obj for obj in objs if obj is not None and obj.pk is not None]
    if not saved:
        return 0
    latest = AuditEntry.objects.filter(_rows_for(saved)).order_by("-id").values_list("id", flat=True).first()
    return latest or 0


def current_versions(objs) -> dict:
    """{pk: version} for many records of one model in one query (a page of several edit forms)."""
    objs = [obj for obj in objs if obj.pk is not None]
    if not objs:
        return {}
    rows = (
        AuditEntry.objects.filter(_rows_for(objs))
        .values("object_id")
        .annotate(latest=Max("id"))
        .values_list("object_id", "latest")
    )
    found = dict(rows)
    return {obj.pk: found.get(str(obj.pk), 0) for obj in objs}


class StaleEdit(ValidationError):
    """The record changed after the form was opened. `version` is the version to save against next."""

    def __init__(self, message: str, *, version: int):
        super().__init__(message, code="stale")
        self.version = version


def _label(model, key: str) -> str:
    name = key[:-3] if key.endswith("_id") else key
    try:
        return str(model._meta.get_field(name).verbose_name).capitalize()
    except FieldDoesNotExist:
        return name.replace("_", " ").capitalize()


def _shown(value, model=None, key: str = "") -> str:
    if value in (None, ""):
        return "(blank)"
    text = str(value)
    try:
        field = model._meta.get_field(key) if model is not None else None
    except FieldDoesNotExist:
        field = None
    if field is not None and field.choices:
        # The audit row keeps the stored code; the person reads the label ('Class teacher').
        text = str(dict(field.flatchoices).get(value, text))
    return (
        f"\u2018{text[: MAX_VALUE_CHARS - 1]}\u2026\u2019"
        if len(text) > MAX_VALUE_CHARS
        else f"\u2018{text}\u2019"
    )


BOOKKEEPING = frozenset({"id", "updated_at", "updated_by_id", "created_at", "version"})


def who_and_when(entry: AuditEntry | None) -> str:
    """'Jane Smith (SENDCo) at 10:42' (or with the date, if not today), from one audit row."""
    if entry is None:
        return "someone else"
    who = entry.actor_name or "Someone"
    if entry.actor_role:
        who = f"{who} ({entry.actor_role})"
    when = timezone.localtime(entry.at)
    at = f"{when:%H:%M}" if when.date() == timezone.localdate() else f"{when:%-d %B %Y %H:%M}"
    return f"{who} at {at}"


def last_change(obj: Model) -> AuditEntry | None:
    """The latest audit row that changed `obj` (None if it was never audited)."""
    return AuditEntry.objects.filter(_rows_for([obj])).order_by("-id").first()


def describe_change(entry: AuditEntry, model) -> str:
    """'Jane Smith (SENDCo) at 10:42 changed Target from 'X' to 'Y'', from one audit row."""
    who_at = who_and_when(entry)
    # A record written for the first time has no "before": its empty fields did not change.
    changes = [
        (k, old, new)
        for k, old, new in entry.changed_fields()
        if k not in BOOKKEEPING and not (old in (None, "") and new in (None, ""))
    ]
    if not changes:
        return f"{who_at} changed it"
    parts = [
        f"{_label(model, k)} from {_shown(old, model, k)} to {_shown(new, model, k)}"
        for k, old, new in changes
    ]
    more = len(parts) - MAX_FIELDS_NAMED
    text = ", ".join(parts[:MAX_FIELDS_NAMED]) + (f" and {more} more" if more > 0 else "")
    return f"{who_at} changed {text}"


def ensure_unchanged(*objs: Model | None, expected_version: int | None) -> None:
    """Lock `objs` and refuse (StaleEdit) if any was changed after `expected_version`.

    Call first thing inside the edit service's transaction. `expected_version=None` (a caller that
    is not a form, such as an import) skips the check."""
    if expected_version is None:
        return
    saved = [obj for obj in objs if obj is not None and obj.pk is not None]
    # obj._meta.model, not type(obj): request.school is a SimpleLazyObject wrapping the School.
    for obj in saved:
        list(obj._meta.model._base_manager.select_for_update().filter(pk=obj.pk).values_list("pk", flat=True))
    newer = list(AuditEntry.objects.filter(_rows_for(saved), id__gt=expected_version).order_by("id"))
    if not newer:
        return
    models_by_type = {obj._meta.label_lower: obj._meta.model for obj in saved}
    described = "; ".join(describe_change(e, models_by_type.get(e.object_type)) for e in newer[-3:])
    raise StaleEdit(
        f"Someone else changed this while you were editing: {described}. "
        "Your changes were not saved; check and save again.",
        version=newer[-1].id,
    )


def ensure_still(obj: Model, *, done, **expected):
    """For a transition ("only if it is still in state S"): lock `obj`, read it again, and refuse
    (StaleEdit) unless every field in `expected` still has the value the form was opened with.

    A form that moves a record from one state to another has nothing to merge: if someone else moved
    it first, saving would either fail as an illegal move or, worse, succeed from a state the user
    never saw. The message says what happened and who did it, from the latest audit row:

        ensure_still(action, done="This action was already marked as done", done_at=None)
        -> StaleEdit: "This action was already marked as done by Jane Smith (SENDCo) at 10:42. ..."

    `done` is the sentence's start, or a function of the locked record that returns it. Returns the
    locked record, read again."""
    locked = obj._meta.model._base_manager.select_for_update().get(pk=obj.pk)
    if all(getattr(locked, name) == value for name, value in expected.items()):
        return locked
    entry = last_change(locked)
    start = done(locked) if callable(done) else done
    raise StaleEdit(
        f"{start} by {who_and_when(entry)}. Your changes were not saved.",
        version=entry.id if entry else 0,
    )


class EditVersionMixin:
    """For a ModelForm editing a saved record: carries the record's version in a hidden field.

    A form that is not a ModelForm, or whose page changes more than `self.instance`, is given the
    records it edits: `TierBandsForm(request.POST, versioned=(*bands, settings))`.

    A form that writes the record the first time and edits it afterwards (one record per pupil, such
    as the pupil passport) sets `version_new_record = True`: opened before the record existed it
    carries version 0, so if someone else writes it first, the later save is refused, not silently
    laid over theirs."""

    version_new_record = False

    def __init__(self, *args, versioned=None, version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        objs = tuple(versioned) if versioned is not None else self.version_objects()
        if self.version_new_record or any(obj is not None and obj.pk is not None for obj in objs):
            if version is None and not self.is_bound:  # a bound form saves against the posted version
                version = current_version(*objs)
            self.fields[FIELD_NAME] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, min_value=0, initial=version
            )

    def version_objects(self) -> tuple:
        return (getattr(self, "instance", None),)


def refresh_version(form, error) -> None:
    """After a StaleEdit, let the shown form save against the version the user has now been shown.

    A transition form (one carrying the state it was opened at, not a version) defines
    `after_stale()` to show the current state instead, so the user need not reload the page."""
    if not isinstance(error, StaleEdit):
        return
    if FIELD_NAME in form.fields:
        form.data = form.data.copy()
        form.data[form.add_prefix(FIELD_NAME)] = str(error.version)
    if hasattr(form, "after_stale"):
        form.after_stale()
