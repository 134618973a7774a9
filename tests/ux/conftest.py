"""The walk tests reuse the roll-up fixtures (cycles for this year and last, reviews, commitments)."""

from tests.rollups.conftest import cycles, populated, years  # noqa: F401
