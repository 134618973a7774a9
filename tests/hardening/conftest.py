"""The roll-up fixtures (cycles, years, populated) are shared with the hardening tests."""

from tests.rollups.conftest import cycles, populated, years  # noqa: F401
