"""A report's row in plain values, the same for the CSV exports and the API: shares in % with
one decimal, energy in kWh, money as decimal text, and no money for a role without it
(docs/reports.md, "Columns")."""

from decimal import Decimal

from reports.selectors import FIGURES, Column

IDENTITY = Column("station", "Station")
NAME = Column("name", "Name")
SITE = Column("site", "Site")
STATIONS = Column("stations", "Stations")
BUCKET = {"day": Column("day", "Day"), "month": Column("month", "Month")}


def _value(item, key: str):
    return item.get(key) if isinstance(item, dict) else getattr(item, key, None)


def _rounded(key: str, value):
    if value is None:
        return None
    if key.endswith("_pct"):
        return round(float(value), 1)
    if key == "energy_kwh":
        return round(float(value), 3)
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    return value


def figures_of(item, *, with_money: bool) -> dict:
    """The figure columns of a table row (a station or site annotated by reports.selectors, or
    a series bucket)."""
    return {c.key: _rounded(c.key, _value(item, c.key)) for c in FIGURES if with_money or not c.money}


def columns(first: tuple[Column, ...], *, with_money: bool) -> list[Column]:
    return [*first, *(c for c in FIGURES if with_money or not c.money)]


def station_row(station, *, with_money: bool) -> dict:
    return {"station": station.identity, "name": station.name,
            "site": station.location.name if station.location_id else ""} | figures_of(
        station, with_money=with_money)


def site_row(site, *, with_money: bool) -> dict:
    return {"site": site.name, "site_id": site.pk, "stations": site.station_count} | figures_of(
        site, with_money=with_money)


def bucket_row(bucket: dict, interval: str, *, with_money: bool) -> dict:
    day = bucket["bucket"]
    return {interval: day.strftime("%Y-%m") if interval == "month" else day.isoformat()} | figures_of(
        bucket, with_money=with_money)
