"""Writes of the two-factor set-up: start and confirm an authenticator, issue backup codes,
reset a user's devices (recovery by an operator).

Devices belong to a user, not to a chamber, so there is no chamber audit log to write to;
these writes go to the `chamber.security` logger instead.
"""
import logging

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

logger = logging.getLogger("chamber.security")

BACKUP_CODE_COUNT = 10
TOTP_DEVICE_NAME = "authenticator"
BACKUP_DEVICE_NAME = "backup"


def totp_device_pending(*, user):
    """The user's unconfirmed authenticator, made on first need; the QR code shows its key.

    Re-opening the set-up page shows the same key, so a scan done before a reload still works.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, device, token):
    """Confirm `device` if `token` is its current code; return the new backup codes or None.

    Confirming replaces any other authenticator and the old backup codes of the user.
    """
    if not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    codes = backup_codes_issue(user=device.user)
    logger.info("two-factor: user %s confirmed an authenticator", device.user.pk)
    return codes


@transaction.atomic
def backup_codes_issue(*, user):
    """Replace the user's backup codes with new single-use ones and return them (shown once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def two_factor_reset(*, user, actor_label):
    """Remove all of the user's devices: the next log-in sets up a new authenticator."""
    removed = (TOTPDevice.objects.filter(user=user).delete()[0]
               + StaticDevice.objects.filter(user=user).delete()[0])
    logger.warning("two-factor: devices of user %s reset by %s", user.pk, actor_label)
    return removed
