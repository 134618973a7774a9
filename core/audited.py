"""Set-based audited updates: changed rows and their history rows in one statement.

`bulk_update_with_history` (django-simple-history) builds one CASE WHEN per field and row in Python
and a model instance per history row; for a cell's 60 reviews that is most of a save's CPU. Here the
changed rows go to PostgreSQL as one `UPDATE … FROM (VALUES …)`, and the same statement inserts
their history rows from what it stored (`RETURNING`), so the audit is the row as written, whatever
the row count. Other databases (none in use) fall back to simple_history's helper.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models
from django.utils import timezone
from simple_history.utils import bulk_update_with_history, get_history_manager_for_model


def update_with_history(objs: Sequence[models.Model], model: type[models.Model], fields: Sequence[str], *, user) -> int:
    """Write `fields` of `objs` (saved instances) and one "~" history row each; return the rows updated.

    `user` is the history user (None: the request's user, as simple_history records it).
    """
    if not objs:
        return 0
    if connection.vendor != "postgresql":  # pragma: no cover - PostgreSQL only in use
        return bulk_update_with_history(objs, model, list(fields), default_user=user)
    history = get_history_manager_for_model(model).model
    if user is None:
        user = history.get_default_history_user(objs[0])
    meta = model._meta
    written = [meta.get_field(name) for name in fields]
    pk = meta.pk
    cast = [f"%s::{pk.db_type(connection)}"] + [f"%s::{f.db_type(connection)}" for f in written]
    row_sql = "(" + ", ".join(cast) + ")"
    params: list = []
    for obj in objs:
        params.append(pk.get_db_prep_save(obj.pk, connection))
        params += [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in written]
    q = connection.ops.quote_name
    names = ["pk", *(f"v{i}" for i in range(len(written)))]
    tracked = [f.column for f in history.tracked_fields]
    sql = (
        f"WITH v ({', '.join(names)}) AS (VALUES {', '.join([row_sql] * len(objs))}), "
        f"u AS (UPDATE {q(meta.db_table)} t SET "
        + ", ".join(f"{q(f.column)} = v.v{i}" for i, f in enumerate(written))
        + f" FROM v WHERE t.{q(pk.column)} = v.pk RETURNING t.*) "
        f"INSERT INTO {q(history._meta.db_table)} ({', '.join(q(c) for c in tracked)}, "
        "history_date, history_change_reason, history_type, history_user_id) "
        f"SELECT {', '.join('u.' + q(c) for c in tracked)}, %s, NULL, '~', %s FROM u"
    )
    params += [timezone.now(), getattr(user, "pk", None)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def insert_initial_history(model: type[models.Model], *, where: str, params: Sequence, reason: str) -> int:
    """The "+" history row of every row of `model` matching `where` (SQL over alias `t`) that has
    none yet, in one `INSERT … SELECT`; return the rows written.

    For rows written by COPY (seeds, imports), which bypass simple_history's signals: its
    `bulk_history_create` builds a model instance per row, which at a million rows is most of a seed.
    """
    history = get_history_manager_for_model(model).model
    q = connection.ops.quote_name
    pk = model._meta.pk.column
    tracked = [q(f.column) for f in history.tracked_fields]
    sql = (
        f"INSERT INTO {q(history._meta.db_table)} ({', '.join(tracked)}, "
        "history_date, history_change_reason, history_type, history_user_id) "
        f"SELECT {', '.join('t.' + c for c in tracked)}, %s, %s, '+', NULL FROM {q(model._meta.db_table)} t "
        f"WHERE ({where}) AND NOT EXISTS (SELECT 1 FROM {q(history._meta.db_table)} h WHERE h.{q(pk)} = t.{q(pk)})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [timezone.now(), reason, *params])
        return cursor.rowcount
