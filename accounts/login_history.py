"""Records every sign-in attempt as a LoginEvent, from Django's and django-axes' signals.

A signal is the only hook Django offers for sign-in outcomes, so recording here is the documented
way; the receivers write one row and do nothing else.
"""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from .client_address import client_ip
from .models import LoginEvent


def _client(request):
    if request is None:
        return None, ""
    return client_ip(request), request.META.get("HTTP_USER_AGENT", "")[:300]


def _user_named(username):
    if not username:
        return None
    return get_user_model().objects.filter(username=username).first()


@receiver(user_logged_in, dispatch_uid="accounts.login_history.success")
def record_success(sender, request, user, **kwargs):
    ip, agent = _client(request)
    LoginEvent.objects.create(
        user=user,
        username=user.get_username(),
        ip_address=ip,
        user_agent=agent,
        outcome=LoginEvent.Outcome.SUCCESS,
    )


@receiver(user_login_failed, dispatch_uid="accounts.login_history.failed")
def record_failure(sender, credentials, request=None, **kwargs):
    if getattr(request, "axes_locked_out", False):
        return  # axes sends user_locked_out for this attempt; record_lockout writes its row
    username = (credentials or {}).get("username", "") or ""
    ip, agent = _client(request)
    LoginEvent.objects.create(
        user=_user_named(username),
        username=username[:150],
        ip_address=ip,
        user_agent=agent,
        outcome=LoginEvent.Outcome.FAILED,
    )


@receiver(user_locked_out, dispatch_uid="accounts.login_history.locked")
def record_lockout(sender, request, username=None, ip_address=None, **kwargs):
    ip, agent = _client(request)
    LoginEvent.objects.create(
        user=_user_named(username),
        username=(username or "")[:150],
        ip_address=ip_address or ip,
        user_agent=agent,
        outcome=LoginEvent.Outcome.LOCKED,
    )


def record_second_step_failure(request) -> None:
    """A wrong authenticator or recovery code at the second step (the password was right). Called by
    the second-step view: Django sends no signal for it."""
    ip, agent = _client(request)
    LoginEvent.objects.create(
        user=request.user,
        username=request.user.get_username(),
        ip_address=ip,
        user_agent=agent,
        outcome=LoginEvent.Outcome.SECOND_STEP_FAILED,
    )
