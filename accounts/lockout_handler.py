"""django-axes handler applying accounts.sign_in_lockout (AXES_HANDLER).

Axes keeps one AccessAttempt row per username, address and browser, with a failure count and the time
of the last failure. Its own handler treats the cool-off as both how long failures are remembered and
how long a lock lasts; the growing cool-off needs them apart, so this handler remembers failures for
`FORGET_AFTER` and decides the lock with `sign_in_lockout.wait`.
"""

from __future__ import annotations

from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.db.models import Max, Sum
from django.utils import timezone

from . import sign_in_lockout


def _now(request):
    return getattr(request, "axes_attempt_time", None) or timezone.now()


def remembered_attempts(now=None):
    return AccessAttempt.objects.filter(
        attempt_time__gt=(now or timezone.now()) - sign_in_lockout.FORGET_AFTER
    )


def wait_for(request, credentials=None) -> timedelta | None:
    """How long this request's username and address must still wait (None: not locked)."""
    now = _now(request)
    username = get_client_username(request, credentials)
    address = request.axes_ip_address
    recent = remembered_attempts(now)
    pair = recent.filter(username=username, ip_address=address).aggregate(
        failures=Sum("failures_since_start"), last=Max("attempt_time")
    )
    spraying = recent.filter(
        ip_address=address, attempt_time__gt=now - sign_in_lockout.ADDRESS_WINDOW
    ).aggregate(failures=Sum("failures_since_start"))
    return sign_in_lockout.wait(
        failures=pair["failures"] or 0,
        last_failure=pair["last"],
        address_failures=spraying["failures"] or 0,
        now=now,
        limit=get_failure_limit(request, credentials),
    )


def cool_off_for_request(request) -> timedelta:
    """AXES_COOLOFF_TIME: what the lockout page says is left to wait (at least a minute)."""
    if request is None or not hasattr(request, "axes_ip_address"):
        return sign_in_lockout.FIRST_COOL_OFF
    left = wait_for(request, getattr(request, "axes_credentials", None))
    return max(left or timedelta(0), sign_in_lockout.FIRST_COOL_OFF)


class SignInLockoutHandler(AxesDatabaseHandler):
    def get_user_attempts(self, request, credentials=None):
        now = _now(request)
        return [
            qs.filter(attempt_time__gt=now - sign_in_lockout.FORGET_AFTER)
            for qs in self.filter_user_attempts(request, credentials)
        ]

    def clean_expired_user_attempts(self, request=None, credentials=None) -> int:
        limit = timezone.now() - sign_in_lockout.FORGET_AFTER
        count, _ = AccessAttempt.objects.filter(attempt_time__lte=limit).delete()
        return count

    def get_failures(self, request, credentials=None) -> int:
        """What axes compares with AXES_FAILURE_LIMIT: the limit itself while a wait is running,
        otherwise fewer (so a finished cool-off lets the next attempt through)."""
        limit = get_failure_limit(request, credentials)
        if wait_for(request, credentials) is not None:
            return limit
        return min(super().get_failures(request, credentials), limit - 1)


def _in_words(left: timedelta) -> str:
    minutes = max(1, -(-int(left.total_seconds()) // 60))  # round up: never promise too early
    if minutes < 60:
        return "1 minute" if minutes == 1 else f"{minutes} minutes"
    hours = -(-minutes // 60)
    return "1 hour" if hours == 1 else f"{hours} hours"


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the lockout page, saying in words how long is left to wait."""
    from django.conf import settings
    from django.shortcuts import render

    return render(
        request,
        settings.AXES_LOCKOUT_TEMPLATE,
        {"wait": _in_words(cool_off_for_request(request))},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
