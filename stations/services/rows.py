"""Inserting many rows without building a model instance for each.

At fleet scale the station link writes thousands of frame-log rows and meter samples a second;
`Model()` plus `bulk_create` costs several times the SQL itself. This writes plain dicts with
`executemany`, converting each column once the way the ORM would for the current database.
"""

import json
from collections.abc import Callable
from functools import cache

from django.db import connection, models


def insert_rows(model: type[models.Model], rows: list[dict], *,
                ignore_conflicts: bool = False) -> None:
    """INSERT `rows` (dicts keyed by field attname, all with the same keys) into `model`'s table."""
    if not rows:
        return
    columns = tuple(rows[0])
    converters = _converters(model, columns, connection.vendor)
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(model._meta.db_table)} "
           f"({', '.join(quote(_column(model, c)) for c in columns)}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})"
           f"{' ON CONFLICT DO NOTHING' if ignore_conflicts else ''}")
    values = [tuple(convert(row[c]) for c, convert in zip(columns, converters, strict=True))
              for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def _column(model: type[models.Model], attname: str) -> str:
    return _fields(model)[attname].column


@cache
def _fields(model: type[models.Model]) -> dict[str, models.Field]:
    return {f.attname: f for f in model._meta.concrete_fields}


@cache
def _converters(model: type[models.Model], columns: tuple[str, ...],
                vendor: str) -> list[Callable]:
    ops = connection.ops
    converters: list[Callable] = []
    for name in columns:
        field = _fields(model)[name]
        if isinstance(field, models.JSONField):
            converters.append(lambda v: None if v is None else json.dumps(v, default=str))
        elif isinstance(field, models.DateTimeField):
            converters.append(ops.adapt_datetimefield_value)
        elif isinstance(field, models.DecimalField):
            converters.append(lambda v, f=field: None if v is None else
                              ops.adapt_decimalfield_value(v, f.max_digits, f.decimal_places))
        else:
            converters.append(_same)
    return converters


def _same(value):
    return value

