"""The SENDCo's private iCalendar link: make one (shown once), revoke it.

Action codes: send.calendar_feed.created, send.calendar_feed.revoked. Fetches of the feed are not
audited row by row (a calendar app polls every few hours); each fetch sets ``last_used_at`` instead
(send/views/deadlines.py), which the calendar page shows beside the link.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from school import audit, policy

from ..models_calendar import CalendarFeed, token_hash

AUDIT_EXCLUDE = ("token_hash",)  # the hash is the credential's fingerprint: it stays out of the trail


def _audit(*, actor, feed: CalendarFeed, action: str, before=None, reason: str = "") -> None:
    audit.record(
        actor=actor,
        action=action,
        obj=feed,
        before=before,
        after=audit.snapshot(feed, exclude=AUDIT_EXCLUDE),
        reason=reason,
        school=feed.school,
    )


def _revoke(*, actor, feed: CalendarFeed, reason: str) -> CalendarFeed:
    before = audit.snapshot(feed, exclude=AUDIT_EXCLUDE)
    feed.revoked_at, feed.revoked_by = timezone.now(), actor
    feed.full_clean()
    feed.save(update_fields=["revoked_at", "revoked_by"])
    _audit(actor=actor, feed=feed, action="send.calendar_feed.revoked", before=before, reason=reason)
    return feed


@transaction.atomic
def calendar_feed_create(*, actor, school) -> CalendarFeed:
    """A new private link for `actor` at `school`; a link they already had stops working.

    The returned feed carries the token in ``feed.token`` (not stored: only its SHA-256 is), for the
    page to show once."""
    policy.require(actor, school, policy.MANAGE_SEND)
    for old in CalendarFeed.objects.select_for_update().active().filter(user=actor, school=school):
        _revoke(actor=actor, feed=old, reason="Replaced by a new calendar link.")
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(user=actor, school=school, token_hash=token_hash(token))
    feed.full_clean()
    feed.save()
    _audit(actor=actor, feed=feed, action="send.calendar_feed.created")
    feed.token = token  # type: ignore[attr-defined]  # shown once, never stored
    return feed


@transaction.atomic
def calendar_feed_revoke(*, actor, feed: CalendarFeed) -> CalendarFeed:
    """Stop a link working (its calendar then gets 404). The owner revokes their own link."""
    feed = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
    if feed.is_revoked:
        raise ValidationError("This calendar link was already revoked.")
    return _revoke(actor=actor, feed=feed, reason="Revoked by its owner.")
