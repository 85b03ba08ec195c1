"""energy.csv: the energy charged per station per day (or per month), in the station's local time.

A session's whole energy counts on the day (month) it stopped, local to its station, as its
price does in revenue.csv, so that the exports add up to one another; spreading it over the
meter samples would split a session's kWh across days that its price does not follow. One row per
station and day with a stopped session; days without one have no row.

The database sorts the sessions by station and stop, and rows are summed as they stream by, so the
memory used does not grow with the size of the fleet or the length of the period.
"""

from collections.abc import Iterator
from functools import cache
from zoneinfo import ZoneInfo

from billing.exports.csv_stream import Row, plain_cell, safe_text
from billing.exports.filters import ExportFilters, stopped_within
from billing.exports.sessions import energy_wh, kwh
from stations.models import ChargingSession

DAY, MONTH = "day", "month"
TEXT = {"station", "station_name"}
CHUNK_ROWS = 5000


def energy_columns(period: str) -> list[str]:
    return ["station", "station_name", period, "timezone", "sessions", "energy_kwh"]


def energy_rows(filters: ExportFilters, *, period: str = DAY) -> Iterator[Row]:
    tenant_zone = filters.tenant.timezone
    sessions = (ChargingSession.objects.filter(stopped_within(filters))
                .order_by("station__identity", "stopped_at", "id")
                .values_list("station__identity", "station__name", "station__timezone", "stopped_at",
                             "meter_start", "meter_stop", "meter_last"))
    key, row = None, None
    for identity, name, zone, stopped_at, start, stop, last in sessions.iterator(chunk_size=CHUNK_ROWS):
        zone = zone or tenant_zone
        local = stopped_at.astimezone(_zone(zone)).date()
        when = local.isoformat() if period == DAY else local.strftime("%Y-%m")
        if (identity, when) != key:
            if row is not None:
                yield _done(row)
            key = (identity, when)
            row = {"station": identity, "station_name": name, period: when, "timezone": zone,
                   "sessions": 0, "energy_wh": 0}
        row["sessions"] += 1
        row["energy_wh"] += energy_wh({"meter_start": start, "meter_stop": stop, "meter_last": last}) or 0
    if row is not None:
        yield _done(row)


def _done(row: dict) -> Row:
    row["energy_kwh"] = kwh(row.pop("energy_wh"))
    return row


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def energy_cell(column: str, value: object) -> str:
    return plain_cell(column, safe_text(value) if column in TEXT else value)
