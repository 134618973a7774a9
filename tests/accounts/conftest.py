import pytest
from django_otp.oath import TOTP

from tests.reviews.helpers import cycle_2026


@pytest.fixture
def two_factor(settings):
    """The production default: standing and inspection committees and staff need a second factor."""
    settings.TWO_FACTOR_REQUIRED_POSITIONS = ["STANDING_COMMITTEE", "INSPECTION"]
    settings.TWO_FACTOR_REQUIRED_FOR_STAFF = True


def totp_now(device) -> str:
    """The code an authenticator app shows now for a django-otp TOTP device."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def review_cycle(tree):
    return cycle_2026(tree)
