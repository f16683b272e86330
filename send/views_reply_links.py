"""The online reply link in a views request's e-mail: signed, single use, valid for 21 days.

The link carries the request's id and a random nonce kept on the request, signed with the server's
secret key (django.core.signing, its own salt) and stamped with the time it was made. A reminder signs
the same request again, so the newest e-mail's link is good for 21 days from that e-mail. The link is
refused when the signature is wrong, when it is older than LINK_DAYS, when the nonce no longer matches,
and once the parent has replied (the request's ``reply_used_at``):

>>> from datetime import datetime, timedelta, timezone as tz
>>> made = datetime(2026, 11, 2, 9, 0, tzinfo=tz.utc)
>>> link_state(made_at=made, now=made + timedelta(days=21), used=False)
'ok'
>>> link_state(made_at=made, now=made + timedelta(days=21, seconds=1), used=False)
'expired'
>>> link_state(made_at=made, now=made + timedelta(days=1), used=True)
'used'
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "send.views.reply-link"
LINK_DAYS = 21
LINK_AGE = timedelta(days=LINK_DAYS)

OK, EXPIRED, USED, INVALID = "ok", "expired", "used", "invalid"


def link_state(*, made_at: datetime, now: datetime, used: bool) -> str:
    """Whether a genuine link made at ``made_at`` may be used at ``now`` (a used link never again)."""
    if used:
        return USED
    return OK if now - made_at <= LINK_AGE else EXPIRED


def new_nonce() -> str:
    return secrets.token_hex(16)


def make_token(*, request_id: int, nonce: str) -> str:
    return signing.dumps({"r": request_id, "n": nonce}, salt=SALT)


def reply_url(*, request_id: int, nonce: str) -> str:
    """The absolute link for the e-mail, on settings.PUBLIC_BASE_URL."""
    token = make_token(request_id=request_id, nonce=nonce)
    return settings.PUBLIC_BASE_URL + reverse("send:views_reply", args=[token])


@dataclass(frozen=True)
class ReadLink:
    request_id: int | None
    nonce: str
    made_at: datetime | None


def read_token(token: str) -> ReadLink:
    """The request id, nonce and time a token was made; request_id None if it was not signed by us."""
    try:
        value = signing.loads(token, salt=SALT)  # the signature only: the age is link_state's rule
    except (signing.BadSignature, ValueError, TypeError):
        return ReadLink(None, "", None)
    made_at = _made_at(token)
    if not isinstance(value, dict) or not isinstance(value.get("r"), int) or made_at is None:
        return ReadLink(None, "", None)
    return ReadLink(value["r"], str(value.get("n", "")), made_at)


def _made_at(token: str) -> datetime | None:
    """The time stamped in a signing.dumps token (its second-last part, base62 seconds)."""
    try:
        stamp = token.rsplit(":", 2)[-2]
        return datetime.fromtimestamp(signing.b62_decode(stamp), tz=UTC)
    except (IndexError, ValueError):
        return None
