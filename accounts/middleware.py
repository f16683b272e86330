"""Middleware that protects every page, including pages added later, without each view opting in."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode

from . import session_time_left
from .mfa import has_confirmed_device, mfa_required

# Pages a signed-in person may reach before passing the second factor.
MFA_EXEMPT_VIEWS = frozenset({"login", "logout", "accounts:mfa_enrol", "accounts:mfa_verify"})

SESSION_STARTED_KEY = "session_started_at"
SESSION_LAST_SEEN_KEY = "session_last_seen_at"
SECONDS_LEFT_HEADER = "X-Session-Seconds-Left"
# Record activity at most once a minute, so most requests do not write the session row.
LAST_SEEN_RESOLUTION_SECONDS = 60


class SessionLimitsMiddleware:
    """Ends a session after SESSION_IDLE_SECONDS without a request or SESSION_ABSOLUTE_SECONDS in all.

    Tells the page how long is left (accounts.session_time_left): `request.session_seconds_left`, which
    base.html puts on the body for static/js/session.js, and the X-Session-Seconds-Left header on every
    response to a signed-in user (htmx requests and the keepalive read it).

    Deactivated accounts need nothing here: Django's ModelBackend returns no user for an inactive
    account, so AuthenticationMiddleware treats the next request as signed out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.session_seconds_left = None
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.get(SESSION_STARTED_KEY)
            last_seen = session.get(SESSION_LAST_SEEN_KEY, started)
            limits = {"idle": settings.SESSION_IDLE_SECONDS, "absolute": settings.SESSION_ABSOLUTE_SECONDS}
            if started is None:
                session[SESSION_STARTED_KEY] = session[SESSION_LAST_SEEN_KEY] = started = last_seen = now
            elif session_time_left.has_ended(started=started, last_seen=last_seen, now=now, **limits):
                logout(request)
                messages.info(
                    request, "You were signed out to keep pupils' information safe. Please sign in again."
                )
            elif now - last_seen >= LAST_SEEN_RESOLUTION_SECONDS:
                session[SESSION_LAST_SEEN_KEY] = last_seen = now
            if request.user.is_authenticated:
                request.session_seconds_left = session_time_left.seconds_left(
                    started=started, last_seen=last_seen, now=now, **limits
                )
        response = self.get_response(request)
        # The view may have changed it (the keepalive) or signed the user out or in.
        if getattr(request, "session_seconds_left", None) is not None and request.user.is_authenticated:
            response[SECONDS_LEFT_HEADER] = str(request.session_seconds_left)
        return response


def keep_alive(request) -> int:
    """Record activity now (the keepalive: "Stay signed in"), whatever LAST_SEEN_RESOLUTION_SECONDS
    says, and return the seconds left, which cannot pass the absolute limit."""
    now = time.time()
    session = request.session
    session[SESSION_LAST_SEEN_KEY] = now
    started = session.get(SESSION_STARTED_KEY, now)
    request.session_seconds_left = session_time_left.seconds_left(
        started=started,
        last_seen=now,
        now=now,
        idle=settings.SESSION_IDLE_SECONDS,
        absolute=settings.SESSION_ABSOLUTE_SECONDS,
    )
    return request.session_seconds_left


class MFARequiredMiddleware:
    """Sends a signed-in person who must use two-factor sign-in to verify (or enrol) before any page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        # Until the second step is done the person is not yet signed in for our purposes: base.html
        # shows no menu (only "Sign out") on the pages they may still see, such as setting it up.
        request.second_factor_pending = (
            user.is_authenticated and not user.is_verified() and mfa_required(user)
        )
        if request.second_factor_pending and not self._exempt(request):
            name = "accounts:mfa_verify" if has_confirmed_device(user) else "accounts:mfa_enrol"
            target = f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}"
            if getattr(request, "htmx", False):
                from django_htmx.http import HttpResponseClientRedirect

                return HttpResponseClientRedirect(target)
            return redirect(target)
        return self.get_response(request)

    @staticmethod
    def _exempt(request) -> bool:
        if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return True
        try:
            return resolve(request.path_info).view_name in MFA_EXEMPT_VIEWS
        except Resolver404:
            return False


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every page the application renders (static files are served earlier
    by WhiteNoise and stay cacheable), so no browser or proxy keeps a copy of pupil data."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response
