"""The audit log as a file (CSV or JSON), streamed in bounded memory with the billing exports'
writers (billing/exports/csv_stream.py), so a year of a big tenant never sits in memory.

One row per entry, newest first as the log reads; times in ISO 8601 (UTC); `changes` as JSON
text in one CSV column (its fields vary per object) and as an object in the JSON twin. Text an
operator or a station chose (names, paths, the changes) is defused against spreadsheet formulas."""

import json
from collections.abc import Iterator

from django.db.models import QuerySet

from audit.serializers import FIELDS
from billing.exports.csv_stream import Row, plain_cell, safe_text

COLUMNS = FIELDS
TEXT = {"actor", "path", "object_type", "object_id", "object_repr", "station_identity", "result"}
CHUNK_ROWS = 2000


def entry_rows(entries: QuerySet) -> Iterator[Row]:
    for values in entries.values(*COLUMNS).iterator(chunk_size=CHUNK_ROWS):
        yield entry_row(values)


def entry_row(values: dict) -> Row:
    row = dict(values)
    row["at"] = values["at"].isoformat()
    row["request_id"] = str(values["request_id"])
    return row


def entry_cell(column: str, value: object) -> str:
    if column == "changes":
        return safe_text(json.dumps(value, ensure_ascii=False, sort_keys=True)) or ""
    if column in TEXT:
        return safe_text(value) or ""
    return plain_cell(column, value)
