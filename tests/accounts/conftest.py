import pytest
from django_otp.oath import TOTP


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
    import datetime as dt

    from reviews import services
    from reviews.models import GradingRegime

    return services.cycle_create(
        organization=tree.province,
        year=2026,
        regime=GradingRegime.objects.get(code="QD366-2025"),
        self_assessment_deadline=dt.date(2026, 12, 10),
        meeting_deadline=dt.date(2026, 12, 20),
        decision_deadline=dt.date(2027, 1, 15),
    )
