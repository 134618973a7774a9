"""The unread counter behind the navigation badge: a cached number per user, not a COUNT per page.

The badge is on every page, so it reads the cache (Redis in production) and counts only on a miss.
Every write to a user's notifications drops their counter after the commit (bulk inserts through
the services, single saves and deletes through the model signals wired in NotificationsConfig),
and the next page counts once more. The TTL bounds the window of a read racing a write.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache
from django.db import connection, transaction

TTL = 300


def _key(user_id: int) -> str:
    return f"tusoi:{connection.settings_dict['NAME']}:unread:{user_id}"


def unread_get(user_id: int, count) -> int:
    """The cached unread count, filled by `count()` on a miss."""
    value = cache.get(_key(user_id))
    if value is None:
        value = count()
        cache.set(_key(user_id), value, TTL)
    return value


def unread_forget(user_ids: Iterable[int | None]) -> None:
    """Drop the counters now and again once the current transaction commits (a page counting in
    between would cache the old number)."""
    keys = sorted({_key(i) for i in user_ids if i is not None})
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def on_notification_saved(sender, instance, **kwargs) -> None:
    unread_forget([instance.user_id])
