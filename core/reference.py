"""Reference data every environment needs (the 27 indicators, the grading regimes).

Loaded by data migrations; this function re-creates whatever is missing, for databases that were
flushed (transactional tests truncate every table) or restored without it.
"""

from django.db import transaction


@transaction.atomic
def reference_data_ensure() -> None:
    from reviews.indicator_data import INDICATORS
    from reviews.models import GradingRegime, Indicator
    from reviews.regimes import REGIMES

    if Indicator.objects.count() < len(INDICATORS):
        for row in INDICATORS:
            Indicator.objects.update_or_create(
                code=row["code"], defaults={**{k: v for k, v in row.items() if k != "code"}, "group": row["code"][:2]}
            )
    existing = set(GradingRegime.objects.values_list("code", flat=True))
    for row in REGIMES:
        if row["code"] not in existing:
            GradingRegime.objects.create(**row)
