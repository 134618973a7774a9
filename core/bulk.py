"""Bulk writes for seeding and imports: PostgreSQL COPY of model instances, bulk_create elsewhere.

Instances are built with the ORM (so field defaults and auto_now apply) and streamed with COPY,
which is about 10× faster than INSERTs at a million rows. History tables are not written: use
this only for generated or imported data whose creation is itself the recorded event.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, models


def _copy_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not (f.primary_key and isinstance(f, models.AutoField))]


def bulk_copy(model: type[models.Model], objs: Iterable[models.Model], *, batch_size: int = 5000) -> int:
    """Insert `objs` (unsaved instances of `model`) as fast as the database allows; return the count."""
    if connection.vendor != "postgresql":
        return _bulk_create(model, objs, batch_size)
    fields = _copy_fields(model)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    count = 0
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for obj in objs:
            copy.write_row([f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields])
            count += 1
    return count


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
