"""Idempotent loading of the reference data (27 indicators, grading regimes).

The data migrations load them once; transactional tests and fresh demo databases that were flushed
call `catalogue_ensure()` to restore them (cheap no-op when present).
"""

from __future__ import annotations

from .indicator_data import INDICATORS
from .models import GradingRegime, Indicator
from .regimes import REGIMES


def catalogue_ensure() -> None:
    if Indicator.objects.count() < len(INDICATORS):
        for row in INDICATORS:
            Indicator.objects.update_or_create(
                code=row["code"],
                defaults={
                    "group": row["code"][:2],
                    "number": row["number"],
                    "label_vi": row["label_vi"],
                    "label_en": row["label_en"],
                    "confidence": row["confidence"],
                },
            )
    if GradingRegime.objects.count() < len(REGIMES):
        for row in REGIMES:
            GradingRegime.objects.get_or_create(
                code=row["code"], defaults={k: v for k, v in row.items() if k != "code"}
            )
