import pytest

from reviews.models import GradingRegime


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("year", "code"),
    [
        (2018, "QD132-2018"),
        (2022, "QD132-2018"),
        (2023, "QD124-2023"),
        (2024, "QD124-2023"),
        (2025, "QD366-2025"),
        (2030, "QD366-2025"),
    ],
)
def test_the_regime_in_force_for_a_year(year, code):
    assert GradingRegime.objects.for_year(year).code == code


@pytest.mark.django_db
def test_no_regime_before_2018():
    assert GradingRegime.objects.for_year(2017) is None
