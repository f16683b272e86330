"""A private iCalendar link to the SENDCo's deadline calendar (``CalendarFeed``).

Calendar apps fetch the link without signing in, so the link itself is the credential: only the
SHA-256 of its token is stored (the token is shown once, when it is made), a revoked link answers
404, and the feed checks on every fetch that the person still holds the role at the school.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from school.models import School


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeedQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class CalendarFeed(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    #: When a calendar app last fetched the feed (a conditional update per fetch, not an audit row).
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One live link per person and school: making a new one revokes the old one first.
            models.UniqueConstraint(
                fields=["user", "school"],
                condition=Q(revoked_at__isnull=True),
                name="calendar_feed_one_active",
            )
        ]

    def __str__(self):
        return f"Calendar link of {self.user} ({self.created_at:%d %b %Y})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
