"""Meter values as their own CSV, streamed (docs/portability.md, "Meter values CSV"): one row per
sampled value as the station sent it, filtered by station and by the sample's time.

`since` is inclusive, `until` exclusive; a date or a date-time without an offset is in the
tenant's time zone, one with an offset (or `Z`) is that instant. Rows come in the order they were
received (primary key order: an index scan, no sort of millions of rows)."""

from collections.abc import Iterator

from django.db.models import F

from billing.exports.csv_stream import plain_cell, safe_text
from billing.exports.filters import ExportFilters
from portability.codec import encode
from stations.models import MeterSample

COLUMNS = ["station", "connector_id", "evse_id", "transaction_id", "station_transaction_id", "timestamp",
           "received_at", "measurand", "phase", "location", "context", "format", "unit", "value"]
STATION_TEXT = {"station", "station_transaction_id", "measurand", "phase", "location", "context", "format",
                "unit"}
ROWS_PER_QUERY = 5000


def meter_value_rows(filters: ExportFilters) -> Iterator[dict]:
    since, until = filters.bounds(filters.tenant.timezone)
    samples = MeterSample.objects.filter(station__tenant=filters.tenant)
    if filters.stations:
        samples = samples.filter(station__identity__in=filters.stations)
    if since is not None:
        samples = samples.filter(timestamp__gte=since)
    if until is not None:
        samples = samples.filter(timestamp__lt=until)
    rows = samples.order_by("pk").values(
        "connector_id", "evse_id", "timestamp", "received_at", "measurand", "phase", "location", "context",
        "format", "unit", "value", identity=F("station__identity"),
        session_transaction_id=F("session__transaction_id"),
        session_station_transaction_id=F("session__station_transaction_id"))
    for row in rows.iterator(chunk_size=ROWS_PER_QUERY):
        row["station"], row["transaction_id"] = row.pop("identity"), row.pop("session_transaction_id")
        row["station_transaction_id"] = row.pop("session_station_transaction_id")
        yield {column: encode(value) for column, value in row.items()}


def meter_value_cell(column: str, value: object) -> str:
    """Station-sent text is defused against spreadsheet formulas; numbers and times are not."""
    if column in STATION_TEXT and isinstance(value, str):
        value = safe_text(value)
    return plain_cell(column, value)
