"""The shared request path: session, scope and inbox badge come from the cache, not the database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Notification
from organizations import services
from organizations.models import PositionKind
from organizations.selectors import user_scope

pytestmark = pytest.mark.django_db


def _login(client, who):
    client.force_login(who.user)


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def test_floor_page_costs_three_queries_once_warm(client, cast, settings):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    _login(client, cast.secretary)
    url = reverse("notifications:inbox")
    client.get(url)  # fills the session, scope and unread caches
    sql = _queries(client, url)
    assert len(sql) <= 3, sql
    assert not any("django_session" in q for q in sql)
    assert not any("organizations_position" in q for q in sql)
    assert not any('COUNT(*)' in q and "read_at" in q and "IS NULL" in q for q in sql)


def test_badge_follows_new_and_read_notifications(client, cast):
    _login(client, cast.member)
    url = reverse("notifications:inbox")
    assert 'data-testid="unread-count"' not in client.get(url).content.decode()
    note = Notification.objects.create(user=cast.member.user, title="Nhắc nộp bản tự kiểm điểm", link="/")
    page = client.get(url).content.decode()
    assert 'data-testid="unread-count" title="Thông báo chưa đọc">1<' in page
    client.post(reverse("notifications:read", args=[note.pk]))
    assert 'data-testid="unread-count"' not in client.get(url).content.decode()


def test_cached_scope_follows_a_new_position(cast):
    user = cast.outsider.user
    assert not user_scope(user).has_positions
    user._tusoi_scope = None  # a new request
    services.position_assign(
        user=user, organization=cast.tree.cell, kind=PositionKind.CELL_DEPUTY, valid_from=dt.date(2020, 1, 1)
    )
    fresh = type(user).objects.get(pk=user.pk)
    assert user_scope(fresh).covers(cast.tree.cell.path, act=True)


def test_cached_scope_follows_an_ended_position(cast):
    scope = user_scope(cast.secretary.user)
    assert scope.covers(cast.tree.cell.path, act=True)
    position = cast.secretary.user.positions.get()
    position.valid_to = dt.date(2021, 1, 1)
    position.save()
    fresh = type(cast.secretary.user).objects.get(pk=cast.secretary.user.pk)
    assert not user_scope(fresh).covers(cast.tree.cell.path, act=True)


def test_floor_page_reads_the_cache_three_times_with_one_client(client, cast, monkeypatch):
    """Session, scope (with its generation) and unread counter: one cache round trip each, and the
    redis client is built once per pool, not once per call (core.cache)."""
    from django.core.cache import cache

    if not hasattr(cache, "_cache") or not hasattr(cache._cache, "_clients"):
        pytest.skip("Redis cache not configured")
    _login(client, cast.secretary)
    url = reverse("notifications:inbox")
    client.get(url)
    built = len(cache._cache._clients)
    calls = []
    original = type(cache._cache).get_client

    def counting(self, key=None, *, write=False):
        calls.append(write)
        return original(self, key, write=write)

    monkeypatch.setattr(type(cache._cache), "get_client", counting)
    _queries(client, url)
    assert len(calls) <= 3, calls
    assert len(cache._cache._clients) == built
