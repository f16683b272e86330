"""Sign in the way a person does: password on the sign-in page, then the authenticator code."""

from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import DEFAULT_PASSWORD


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def password_login(user, client=None, password=DEFAULT_PASSWORD, **extra):
    client = client or Client()
    response = client.post("/login/", {"username": user.username, "password": password}, **extra)
    return client, response
