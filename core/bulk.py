"""Bulk writes for seeding and imports: PostgreSQL COPY, bulk_create elsewhere.

Rows are dicts of attribute names (`member_id`, `status`, …); every field a row leaves out gets
the model's default, computed once (auto_now fields: one timestamp for the batch). Building plain
tuples instead of model instances is what makes a million rows take seconds, not minutes.
History tables are not written: use this only for generated or imported data whose creation is
itself the recorded event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import connection, models, transaction


def _copy_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not (f.primary_key and isinstance(f, models.AutoField))]


def _defaults(model: type[models.Model], fields: list[models.Field]) -> dict:
    template = model()
    return {f.attname: f.get_db_prep_save(f.pre_save(template, add=True), connection) for f in fields}


def bulk_copy(
    model: type[models.Model], rows: Iterable[Mapping], *, batch_size: int = 5000, trusted_keys: bool = False
) -> int:
    """Insert `rows` (dicts of attname → value) as fast as the database allows; return the count.

    `trusted_keys=True` (generated data whose foreign keys were read from the database) skips the
    per-row foreign-key triggers where the role may do so.
    """
    fields = _copy_fields(model)
    defaults = _defaults(model, fields)
    json_fields = {f.attname: f for f in fields if isinstance(f, models.JSONField)}
    names = [f.attname for f in fields]

    def values(row: Mapping) -> list:
        merged = {**defaults, **row}
        for name, field in json_fields.items():
            if name in row:
                merged[name] = field.get_db_prep_save(row[name], connection)
        return [merged[n] for n in names]

    if connection.vendor != "postgresql":
        return _bulk_create(model, (model(**row) for row in rows), batch_size)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    count = 0
    with transaction.atomic():
        if trusted_keys:
            skip_fk_triggers()
        with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(values(row))
                count += 1
    return count


def skip_fk_triggers() -> None:
    """Only superusers may set session_replication_role; others keep the (slower) checks."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")


def _bulk_create(model, objs, batch_size: int) -> int:
    batch, count = [], 0
    for obj in objs:
        batch.append(obj)
        if len(batch) >= batch_size:
            model.objects.bulk_create(batch)
            count += len(batch)
            batch.clear()
    model.objects.bulk_create(batch)
    return count + len(batch)
