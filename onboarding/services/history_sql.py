"""Set-based writes that still leave simple-history rows (the audit) — for 100k-row imports and moves.

simple-history's bulk helpers build one Python object per row and Django's bulk_update builds a
CASE WHEN per row; at tens of thousands of rows both dominate. Here the rows change with one
statement and their history rows are copied server-side with one INSERT … SELECT, carrying the same
columns, user, reason and type ('+' created, '~' changed) the helpers would write.
"""

from __future__ import annotations

from django.db import connection
from django.utils import timezone


def history_insert(*, model, ids: list[int], user, reason: str, history_type: str = "+", where: str = "id") -> None:
    """One history row per row of `model` whose `where` column is in `ids`."""
    if not ids:
        return
    history = model.history.model
    source_cols = {f.column for f in model._meta.concrete_fields}
    cols = ", ".join(f.column for f in history._meta.concrete_fields if f.column in source_cols)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {history._meta.db_table} ({cols}, history_date, history_change_reason, history_type, "
            f"history_user_id) SELECT {cols}, %s, %s, %s, %s FROM {model._meta.db_table} "
            # IN (SELECT unnest) plans as a hash semi-join; "= ANY(big array)" can degrade to N×M.
            f"WHERE {where} IN (SELECT unnest(%s::bigint[]))",
            [timezone.now(), reason[:100], history_type, getattr(user, "pk", None), list(ids)],
        )


def set_column(*, model, column: str, values: dict[int, object], user, reason: str, sql_type: str) -> None:
    """UPDATE model SET column = values[id] for every id, in one statement, plus '~' history rows."""
    if not values:
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS t SET {column} = u.value FROM unnest(%s::bigint[], %s::{sql_type}[]) AS u(id, value) "
            "WHERE t.id = u.id",
            [list(values.keys()), list(values.values())],
        )
    history_insert(model=model, ids=list(values), user=user, reason=reason, history_type="~")
