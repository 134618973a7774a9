"""The one registry (core.registry): the menu as data, the current page's entry marked active."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from core.registry import nav_items, nav_providers, panel_providers
from reviews.models import Grade

pytestmark = pytest.mark.django_db


def _active(user, path: str) -> list[str]:
    request = RequestFactory().get(path)
    request.user = user
    return [item.testid for item in nav_items(request) if item.active]


def test_active_entry_is_the_longest_match_and_exact_entries_only_on_their_page(cast):
    user = cast.secretary.user
    assert _active(user, reverse("reviews:grid", args=[cast.tree.cell.pk])) == ["nav-grid"]
    assert _active(user, reverse("reviews:my")) == ["nav-my-review"]
    assert _active(user, reverse("reviews:detail", args=[1])) == []  # another review page: not "mine"
    assert _active(user, reverse("rollups:dashboard", args=[cast.tree.province.pk])) == ["nav-dashboard"]


def test_providers_are_listed_explicitly_in_one_place():
    assert len(nav_providers()) == len(set(nav_providers())) == 8
    assert {p.__module__ for p in panel_providers("member")} == {"commitments.panels", "reviews.panels"}


def test_grade_abbreviations_are_defined_once_on_the_enum():
    from reviews.forms import SHORT_GRADES
    from rollups.exports import GRADE_ABBR

    assert Grade.EXCELLENT.abbreviation == "HTXSNV" and Grade.NOT_COMPLETED.abbreviation == "KHTNV"
    assert SHORT_GRADES == GRADE_ABBR == Grade.abbreviations()
