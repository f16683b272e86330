"""The address a request really came from, behind a configured number of trusted proxies.

Used for login history and for django-axes (AXES_CLIENT_IP_CALLABLE), so a forged X-Forwarded-For
header can neither dodge a lockout nor write a false address into the history.

Each proxy in front of us appends the address it received the request from to X-Forwarded-For. With
N trusted proxies the client's address is therefore the Nth entry from the right; everything to its
left was written by the client and may be invented. With no proxy (the default) the header is ignored.

    >>> client_address(remote_addr="10.0.0.5", forwarded_for="1.2.3.4", trusted_proxies=0)
    '10.0.0.5'
    >>> client_address(remote_addr="10.0.0.5", forwarded_for="6.6.6.6, 203.0.113.7", trusted_proxies=1)
    '203.0.113.7'
    >>> client_address(remote_addr="10.0.0.5", forwarded_for="6.6.6.6, 203.0.113.7, 10.0.0.9", trusted_proxies=2)
    '203.0.113.7'
    >>> client_address(remote_addr="10.0.0.5", forwarded_for="", trusted_proxies=1)  # header missing
    '10.0.0.5'
    >>> client_address(remote_addr="10.0.0.5", forwarded_for="not-an-ip", trusted_proxies=1)
    '10.0.0.5'
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _valid(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_address(*, remote_addr: str | None, forwarded_for: str | None, trusted_proxies: int) -> str | None:
    """The client's address: REMOTE_ADDR, or the `trusted_proxies`-th X-Forwarded-For entry from the
    right. A header shorter than the proxy chain, or an entry that is not an address, falls back to
    REMOTE_ADDR (the nearest proxy), never to a client-written entry."""
    if trusted_proxies > 0:
        entries = [entry.strip() for entry in (forwarded_for or "").split(",") if entry.strip()]
        if len(entries) >= trusted_proxies:
            found = _valid(entries[-trusted_proxies])
            if found:
                return found
    return _valid(remote_addr)


def client_ip(request) -> str | None:
    """The client address of `request` (settings.TRUSTED_PROXY_COUNT, environment DJANGO_TRUSTED_PROXY_COUNT)."""
    return client_address(
        remote_addr=request.META.get("REMOTE_ADDR"),
        forwarded_for=request.META.get("HTTP_X_FORWARDED_FOR"),
        trusted_proxies=settings.TRUSTED_PROXY_COUNT,
    )
