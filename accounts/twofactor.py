"""TOTP enrolment (django-otp) with a QR code drawn by segno as inline SVG, and backup codes."""

from __future__ import annotations

import base64

import segno
from django.db import transaction
from django.utils.safestring import mark_safe
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import AccountEventKind
from .sessions import OTP_ENROLLED, OTP_KEY, OTP_REQUIRED

BACKUP_CODES = 10


def pending_totp(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    qr = segno.make(device.config_url, error="m")
    return mark_safe(qr.svg_inline(scale=5, dark="#000", light="#fff"))  # noqa: S308 - segno's own SVG


def secret_b32(device: TOTPDevice) -> str:
    raw = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@transaction.atomic
def confirm(*, user, device: TOTPDevice) -> list[str]:
    """Confirm the TOTP device, drop older ones, issue fresh one-time backup codes (shown once)."""
    from .services import account_event

    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="Mã dự phòng", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    account_event(user=user, kind=AccountEventKind.OTP_ENROLLED, by=user)
    return codes


def mark_enrolled(request) -> None:
    if request.session.get(OTP_KEY) != OTP_REQUIRED:
        request.session[OTP_KEY] = OTP_ENROLLED
