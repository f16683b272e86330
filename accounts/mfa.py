"""Who must use a second factor, and the devices that provide it.

Every role that can see pupil-level data must sign in with an authenticator app (DfE cyber security
standard: MFA on accounts that can see personal data). Only governors, who see anonymised figures,
are exempt. There is no setting or page that turns this off: the headteacher, SENDCo, DSL and
attendance officer (and every other pupil-data role) are always asked.
"""

from __future__ import annotations

import base64

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from school.models import Membership, Role

# Roles that see only anonymised aggregates.
MFA_EXEMPT_ROLES = frozenset({Role.GOVERNOR})
# Named in the issue: these may never be exempted, whatever is added to the set above later.
MFA_ALWAYS_ROLES = frozenset({Role.HEADTEACHER, Role.SENDCO, Role.DSL, Role.ATTENDANCE_OFFICER})
assert not (MFA_EXEMPT_ROLES & MFA_ALWAYS_ROLES)

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def mfa_required(user) -> bool:
    """True when `user` must pass a second factor before seeing any page."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True  # the Django admin reaches every record
    roles = set(Membership.objects.filter(user=user, is_active=True).values_list("role", flat=True))
    return bool(roles - MFA_EXEMPT_ROLES)


def confirmed_totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_confirmed_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_totp_device(user) -> TOTPDevice:
    """The unconfirmed device being enrolled (kept across page loads so the QR code stays the same)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def qr_code_data_uri(text: str) -> str:
    """An SVG QR code as a data: URI, drawn on the server (no third-party QR service, CSP img-src data:)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg = image.to_string(encoding="unicode")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def secret_for_typing(device: TOTPDevice) -> str:
    """The shared secret in base32, grouped in fours, for people who cannot scan the QR code."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def confirm_totp_device(device: TOTPDevice) -> None:
    """Make `device` the user's one authenticator (replacing any earlier one)."""
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with 10 new single-use ones; return them (shown once)."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
