"""One INSERT for many rows, whatever their number: ``bulk_insert`` (the nightly run's writes)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any, cast

from django.db import connection, models


def bulk_insert(
    model: type[models.Model],
    rows: Sequence[dict[str, Any]],
    *,
    unique_fields: Sequence[str] = (),
    update_fields: Sequence[str] = (),
) -> None:
    """Insert ``rows`` (dicts of column values; other columns get the field default) in one statement.

    A conflicting row is skipped (the unique constraints make a repeated or racing run a no-op), or,
    with ``update_fields``, updated. On PostgreSQL the rows travel as one JSON parameter expanded by
    ``jsonb_to_recordset``: tens of thousands of checklist actions and alerts on a first night cost
    a fraction of what building and preparing as many model instances costs. Elsewhere (SQLite in
    tests and ``make run``) it is the ORM's ``bulk_create`` with the same outcome.
    """
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields if f.attname not in rows[0]}
    if connection.vendor != "postgresql":
        objs = [model(**defaults, **row) for row in rows]
        if update_fields:
            model._default_manager.bulk_create(
                objs,
                update_conflicts=True,
                unique_fields=[model._meta.get_field(f.removesuffix("_id")).name for f in unique_fields],
                update_fields=list(update_fields),
            )
        else:
            model._default_manager.bulk_create(objs, ignore_conflicts=True)
        return
    payload = json.dumps([{**defaults, **row} for row in rows], default=_json_value)
    qn = connection.ops.quote_name
    names = [cast(str, f.column) for f in fields]  # a concrete field always has a column
    columns = ", ".join(qn(name) for name in names)
    record = ", ".join(f"{qn(name)} {f.db_type(connection)}" for name, f in zip(names, fields, strict=True))
    if update_fields:
        on_conflict = f"ON CONFLICT ({', '.join(qn(c) for c in unique_fields)}) DO UPDATE SET " + ", ".join(
            f"{qn(c)} = EXCLUDED.{qn(c)}" for c in update_fields
        )
    else:
        on_conflict = "ON CONFLICT DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {qn(model._meta.db_table)} ({columns}) "
            f"SELECT {columns} FROM jsonb_to_recordset(%s::jsonb) AS r({record}) {on_conflict}",
            [payload],
        )


def _json_value(value: object) -> str:
    if isinstance(value, date):  # dates and datetimes, at full precision, as PostgreSQL reads them
        return value.isoformat()
    raise TypeError(f"cannot insert {value!r}")
