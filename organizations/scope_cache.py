"""The shared cache of users' scopes (organizations.selectors.user_scope), and what drops it.

A scope is read on every page; it changes only when positions, a member record's user or cell, or
the tree change. Each user's entry sits under a generation number: a change to positions or to the
tree bumps the generation (every scope is recomputed on its next use), a member record's change drops
that user's entry. Entries are also keyed by the day (positions open and close on dates) and expire
after TTL seconds as a backstop for writes that bypass the ORM.
"""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

TTL = 600


def _generation_key() -> str:
    # One namespace per database: test workers (and dev databases) may share a Redis.
    return f"tusoi:{connection.settings_dict['NAME']}:scope:generation"


def _generation() -> int:
    value = cache.get(_generation_key())
    if value is None:
        cache.add(_generation_key(), 1, None)
        value = cache.get(_generation_key()) or 1
    return value


def _key(user_id: int, day: dt.date) -> str:
    return f"tusoi:{connection.settings_dict['NAME']}:scope:{user_id}:{day.isoformat()}"


def scope_get(user_id: int, day: dt.date, compute):
    """The entry is stored with the generation it was computed under, and read together with the
    current generation in one round trip: an entry of an older generation is recomputed."""
    key = _key(user_id, day)
    found = cache.get_many([_generation_key(), key])
    generation = found.get(_generation_key())
    if generation is None:
        generation = _generation()
    entry = found.get(key)
    if entry is not None and entry[0] == generation:
        return entry[1]
    scope = compute()
    cache.set(key, (generation, scope), TTL)
    return scope


def _bump() -> None:
    try:
        cache.incr(_generation_key())
    except ValueError:
        cache.set(_generation_key(), 2, None)


def scopes_forget_all() -> None:
    """Positions or the tree changed: every scope is recomputed (now, and again after the commit,
    in case a concurrent request cached the old rows in between)."""
    _bump()
    transaction.on_commit(_bump)


def scope_forget(user_id: int | None) -> None:
    if user_id is None:
        return
    today = timezone.localdate()
    keys = [_key(user_id, today + dt.timedelta(days=delta)) for delta in (-1, 0, 1)]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def on_position_changed(sender, created: bool = False, **kwargs) -> None:
    # A new organisation changes nobody's scope (its positions do, when they are saved); a new
    # position, an edited or ended one, a closed or deleted organisation do.
    if created and sender.__name__ == "Organization":
        return
    scopes_forget_all()


def on_member_changed(sender, instance, **kwargs) -> None:
    scope_forget(instance.user_id)


def on_tree_changed() -> None:
    scopes_forget_all()
