"""Withdrawal instead of deletion: a mistaken record is withdrawn with a reason, never deleted.

A withdrawn record stays in the database (and in the audit trail) but leaves every list and count
(`Model.objects.current()`); the SENDCo or the headteacher may restore it within 30 days of the
withdrawal. One mechanism for every kind of record: the abstract model `Withdrawable`, the services
`record_withdraw` / `record_restore`, and the rule `restorable`:

    >>> from datetime import datetime, timezone as tz
    >>> withdrawn = datetime(2026, 11, 1, 9, 0, tzinfo=tz.utc)
    >>> restorable(withdrawn, now=datetime(2026, 12, 1, 9, 0, tzinfo=tz.utc))   # day 30: still
    True
    >>> restorable(withdrawn, now=datetime(2026, 12, 1, 9, 1, tzinfo=tz.utc))   # past 30 days
    False

Its pages are in `school/withdrawal_views.py`; each app's views only find the object (404 when out of scope).
Applies to: SEND targets, concerns, provision places (ProvisionEnrolment), funding applications,
outside agency involvements and documents; absence calls; case log entries (communication with parents).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Self

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from . import audit, policy
from .models import Role

RESTORE_DAYS = 30
MAX_REASON_CHARS = 500
RESTORERS = frozenset({Role.SENDCO, Role.HEADTEACHER})


def restorable(withdrawn_at: datetime | None, *, now: datetime) -> bool:
    """A withdrawn record may be restored up to exactly 30 days after it was withdrawn."""
    return withdrawn_at is not None and now - withdrawn_at <= timedelta(days=RESTORE_DAYS)


def restorable_since(*, now: datetime) -> datetime:
    """Records withdrawn at or after this moment may still be restored (`restorable`, for a query)."""
    return now - timedelta(days=RESTORE_DAYS)


def can_restore(user, school) -> bool:
    """Whether `user` holds a role that may restore (for the pages: show the Restore buttons or not)."""
    return bool(policy.roles_at(user, school) & RESTORERS)


class WithdrawableQuerySet(models.QuerySet):
    def current(self) -> Self:
        """Records not withdrawn: what every list, count and statistic shows."""
        return self.filter(withdrawn_at__isnull=True)

    def withdrawn(self) -> Self:
        return self.filter(withdrawn_at__isnull=False)


class Withdrawable(models.Model):
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.CharField(max_length=MAX_REASON_CHARS, blank=True)

    objects = WithdrawableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def still_restorable(self) -> bool:
        """Withdrawn and still inside the 30 days (pages offer "Restore" only then)."""
        return restorable(self.withdrawn_at, now=timezone.now())


def _action(obj, verb: str) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}.{verb}"


_FIELDS = ["withdrawn_at", "withdrawn_by", "withdrawal_reason"]


def _state(obj) -> dict:
    return {
        "withdrawn_at": obj.withdrawn_at.isoformat() if obj.withdrawn_at else None,
        "withdrawn_by_id": obj.withdrawn_by_id,
        "withdrawal_reason": obj.withdrawal_reason,
    }


@transaction.atomic
def record_withdraw(*, actor, obj: Withdrawable, reason: str) -> Withdrawable:
    """Withdraw `obj` with a reason (audited `<app>.<entity>.withdrawn`)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why this is being withdrawn."})
    if len(reason) > MAX_REASON_CHARS:
        raise ValidationError({"reason": f"Keep the reason under {MAX_REASON_CHARS} characters."})
    locked = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
    if locked.is_withdrawn:
        raise ValidationError("This has already been withdrawn.")
    before = _state(locked)
    locked.withdrawn_at, locked.withdrawn_by, locked.withdrawal_reason = timezone.now(), actor, reason
    locked.save(update_fields=_FIELDS)
    audit.record(
        actor=actor,
        action=_action(locked, "withdrawn"),
        obj=locked,
        before=before,
        after=_state(locked),
        reason=reason,
    )
    return locked


@transaction.atomic
def record_restore(*, actor, obj: Withdrawable, school) -> Withdrawable:
    """Restore a withdrawn `obj`: the SENDCo or the headteacher, within 30 days (audited `.restored`)."""
    if not policy.roles_at(actor, school) & RESTORERS:
        raise PermissionDenied("Only the SENDCo or the headteacher can restore a withdrawn record.")
    locked = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
    if not locked.is_withdrawn:
        raise ValidationError("This has not been withdrawn.")
    if not restorable(locked.withdrawn_at, now=timezone.now()):
        raise ValidationError(
            f"It is more than {RESTORE_DAYS} days since this was withdrawn; it can no longer be restored."
        )
    before = _state(locked)
    locked.withdrawn_at, locked.withdrawn_by, locked.withdrawal_reason = None, None, ""
    locked.save(update_fields=_FIELDS)
    audit.record(
        actor=actor, action=_action(locked, "restored"), obj=locked, before=before, after=_state(locked)
    )
    return locked
