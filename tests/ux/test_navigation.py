"""The navigation bar offers only what leads somewhere for this user."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def nav_urls(client, user) -> list[str]:
    client.force_login(user)
    resp = client.get(reverse("home"), follow=True)
    return [item.url for item in resp.context["nav_items"]]


def test_member_without_position_has_no_dashboard_link(client, cast):
    """ "Tổng hợp" sent a plain member straight back to their own page."""
    urls = nav_urls(client, cast.member.user)
    assert reverse("rollups:home") not in urls
    assert reverse("reviews:my") in urls


def test_committee_without_member_record_has_no_self_assessment_link(client, cast):
    """ "Kiểm điểm" led a standing committee account to "not linked to any member"."""
    urls = nav_urls(client, cast.committee.user)
    assert reverse("reviews:my") not in urls
    assert reverse("rollups:home") in urls


def test_secretary_sees_both(client, cast):
    urls = nav_urls(client, cast.secretary.user)
    assert reverse("reviews:my") in urls and reverse("rollups:home") in urls


def test_staff_reach_the_admin_from_the_navigation(client, cast):
    from tests.factories import UserFactory

    admin = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert 'data-testid="nav-admin"' in client.get(reverse("home"), follow=True).content.decode()
    client.force_login(cast.committee.user)
    assert 'data-testid="nav-admin"' not in client.get(reverse("home"), follow=True).content.decode()
