"""Inserting and updating many rows without building a model instance for each.

At fleet scale the station link writes thousands of frame-log rows and meter samples a second;
`Model()` plus `bulk_create` costs several times the SQL itself. This writes plain dicts,
converting each column once the way the ORM would for the current database.

On PostgreSQL the rows go by COPY. An `executemany` is one parsed and planned statement per
row (Django binds on the client); one INSERT over column arrays (`unnest`) is cheap for the
server but dear for the client, as psycopg quotes arrays in Python; COPY is the cheapest for
both (the figures: bench/README.md, "Bulk rows by COPY").
COPY knows no ON CONFLICT, so rows that may already be there (a retransmission) are copied
into a temporary staging table, then inserted from it with ON CONFLICT DO NOTHING.
"""

import json
import weakref
import zlib
from collections.abc import Callable
from functools import cache
from operator import itemgetter

import orjson
from django.db import connection, models, transaction

# Per database connection, the staging tables it has made (temporary tables live as long as it).
_staged: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def insert_rows(model: type[models.Model], rows: list[dict], *,
                ignore_conflicts: bool = False) -> None:
    """INSERT `rows` (dicts keyed by field attname, all with the same keys) into `model`'s table."""
    if not rows:
        return
    columns = tuple(rows[0])
    values = _values(rows, columns, _converters(model, columns, connection.vendor))
    if connection.vendor == "postgresql":
        _copy_rows(model, columns, values, ignore_conflicts)
        return
    quote = connection.ops.quote_name
    head = (f"INSERT INTO {quote(model._meta.db_table)} "
            f"({', '.join(quote(_column(model, c)) for c in columns)}) ")
    tail = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    with connection.cursor() as cursor:
        cursor.executemany(f"{head}VALUES ({', '.join(['%s'] * len(columns))}){tail}", values)


def update_rows(model: type[models.Model], rows: list[dict], *, key: str,
                match: tuple[str, ...] = ()) -> None:
    """UPDATE `model`'s rows from `rows` (dicts keyed by field attname, all with the same keys)
    in one statement: each dict's `key` names its row (at most one dict per row), its `match`
    columns must hold these values too (a condition, not a change), its other columns are set.
    One statement for a batch instead of one per row: a busy server process's database thread
    waits for the interpreter between every two statements (bench/README.md, issue 22)."""
    if not rows:
        return
    columns = tuple(rows[0])
    values = _values(rows, columns, _converters(model, columns, connection.vendor))
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    changed = [c for c in columns if c != key and c not in match]
    assignments = ", ".join(f"{quote(_column(model, c))} = {_typed(model, c)}" for c in changed)
    condition = " AND ".join(f"{table}.{quote(_column(model, c))} = {_typed(model, c)}"
                             for c in (key, *match))
    placeholders = ", ".join([f"({', '.join(['%s'] * len(columns))})"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(f"WITH v({', '.join(quote(c) for c in columns)}) AS (VALUES {placeholders}) "
                       f"UPDATE {table} SET {assignments} FROM v WHERE {condition}",
                       [value for row in values for value in row])


def _typed(model: type[models.Model], attname: str) -> str:
    """A VALUES column as the field's type: PostgreSQL takes a column of only NULLs for text."""
    name = f"v.{connection.ops.quote_name(attname)}"
    if connection.vendor != "postgresql":
        return name
    return f"{name}::{_fields(model)[attname].db_type(connection)}"


def _copy_rows(model: type[models.Model], columns: tuple[str, ...], values: list[tuple],
               ignore_conflicts: bool) -> None:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(_column(model, c)) for c in columns)
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        target = _staging_table(cursor, table, names) if ignore_conflicts else table
        with cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
            for row in values:
                copy.write_row(row)
        if ignore_conflicts:
            cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {target} "
                           f"ON CONFLICT DO NOTHING")


def _staging_table(cursor, table: str, names: str) -> str:
    """A temporary table with `names` of `table`, emptied at each commit."""
    stage = f"stage_{zlib.crc32(f'{table} {names}'.encode()):08x}"
    made = _staged.setdefault(connection.connection, set())
    if stage not in made:
        cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} ON COMMIT DELETE ROWS "
                       f"AS SELECT {names} FROM {table} WITH NO DATA")
        transaction.on_commit(lambda: made.add(stage))  # a rollback takes the table back
    return stage


def _column(model: type[models.Model], attname: str) -> str:
    return _fields(model)[attname].column


@cache
def _fields(model: type[models.Model]) -> dict[str, models.Field]:
    return {f.attname: f for f in model._meta.concrete_fields}


def _values(rows: list[dict], columns: tuple[str, ...],
            converters: tuple[tuple[int, Callable], ...]) -> list[tuple]:
    """Each row as a tuple in `columns` order, converted where the driver needs it."""
    row_of = itemgetter(*columns)
    values = [row_of(row) for row in rows] if len(columns) > 1 else [(row_of(r),) for r in rows]
    if not converters:
        return values
    converted = []
    for row in values:
        items = list(row)
        for index, convert in converters:
            items[index] = convert(items[index])
        converted.append(tuple(items))
    return converted


_JSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def _json_text(value) -> str | None:
    """A JSON column's text, by orjson: the frame log stores every frame's payload, and the
    standard library's encoder took a dozen times as long (bench/README.md, issue 22). What
    orjson refuses (an integer beyond 64 bits, a key that is no string) goes the standard way;
    anything else JSON cannot say is written as its str(), as the ORM's encoder here would."""
    if value is None:
        return None
    try:
        return orjson.dumps(value, default=str, option=_JSON_OPTIONS).decode()
    except TypeError:
        return json.dumps(value, default=str)


@cache
def _converters(model: type[models.Model], columns: tuple[str, ...],
                vendor: str) -> tuple[tuple[int, Callable], ...]:
    """(index, converter) of the columns whose values the driver can't take as they are, as the
    ORM would convert them (psycopg takes datetimes and decimals as they are)."""
    ops = connection.ops
    converters: list[tuple[int, Callable]] = []
    for index, name in enumerate(columns):
        field = _fields(model)[name]
        if isinstance(field, models.JSONField):
            converters.append((index, _json_text))
        elif vendor == "postgresql":
            continue
        elif isinstance(getattr(field, "target_field", field), models.UUIDField):
            converters.append((index, lambda v, f=field: f.get_db_prep_value(v, connection)))
        elif isinstance(field, models.DateTimeField):
            converters.append((index, ops.adapt_datetimefield_value))
        elif isinstance(field, models.DecimalField):
            converters.append((index, lambda v, f=field: None if v is None else
                               ops.adapt_decimalfield_value(v, f.max_digits, f.decimal_places)))
    return tuple(converters)

