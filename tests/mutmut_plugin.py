"""pytest plugin for `make mutate` only (loaded through [tool.mutmut] pytest_add_cli_args).

mutmut runs the suite once in its own process, then forks one child per mutant. A forked child
inherits the parent's open PostgreSQL connections; using them from two processes corrupts the
protocol. Each child drops the inherited connection objects (without closing the shared socket,
which would end the parent's session) so Django opens its own connection on first use.
"""

from __future__ import annotations

import os


def pytest_configure(config):
    if "MUTANT_UNDER_TEST" not in os.environ:
        return
    try:
        from django.db import connections
    except ImportError:  # pragma: no cover
        return
    for conn in connections.all(initialized_only=True):
        conn.connection = None
        conn.in_atomic_block = False
        conn.needs_rollback = False
        conn.savepoint_ids = []
        conn.run_on_commit = []
