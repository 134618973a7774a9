"""Read-heavy work from a streaming replica when DATABASE_REPLICA_URL is set.

Dashboards, exports, reports and `verify_rollups` run inside `replica_reads()` (the
`reads_from_replica` view decorator): their ORM reads go to the "replica" alias. Everything else —
and every write — goes to the primary. A user never reads their own write from a lagging replica:

* in the same request: once anything was written (`db_for_write` was asked), later reads of that
  request go to the primary;
* in the next requests: `ReplicaPinMiddleware` gives a browser that wrote a short-lived cookie
  (PIN_SECONDS, more than the replica's usual lag) under which its reads stay on the primary.

Without the setting there is no "replica" alias and all of this is a no-op.
"""

from __future__ import annotations

import contextvars
import functools
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

REPLICA = "replica"
PIN_COOKIE = "tusoi_primary"
PIN_SECONDS = 10

_use_replica = contextvars.ContextVar("tusoi_use_replica", default=False)
_wrote = contextvars.ContextVar("tusoi_wrote", default=False)
_pinned = contextvars.ContextVar("tusoi_pinned", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def read_alias() -> str:
    """The alias reads go to right now (for raw SQL, which the router does not see)."""
    if replica_configured() and _use_replica.get() and not _wrote.get() and not _pinned.get():
        return REPLICA
    return DEFAULT_DB_ALIAS


@contextmanager
def replica_reads(*, fresh: bool = False):
    """Reads inside go to the replica (until something is written). `fresh`: a unit of work of its
    own (a read-only command) that owes nothing to writes made before it in this thread."""
    token = _use_replica.set(True)
    wrote = _wrote.set(False) if fresh else None
    try:
        yield
    finally:
        _use_replica.reset(token)
        if wrote is not None:
            _wrote.reset(wrote)


def reads_from_replica(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        with replica_reads():
            return view(*args, **kwargs)

    return wrapper


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        _wrote.set(True)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies of it

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class ReplicaPinMiddleware:
    """Per request: forget the last request's writes; keep a browser that just wrote on the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        wrote = _wrote.set(False)
        pinned = _pinned.set(PIN_COOKIE in request.COOKIES)
        try:
            response = self.get_response(request)
            if _wrote.get() and replica_configured():
                response.set_cookie(PIN_COOKIE, "1", max_age=PIN_SECONDS, httponly=True, samesite="Lax")
            return response
        finally:
            _wrote.reset(wrote)
            _pinned.reset(pinned)
